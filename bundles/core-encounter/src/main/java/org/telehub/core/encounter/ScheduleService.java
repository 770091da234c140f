package org.telehub.core.encounter;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

/**
 * Doctors' working hours and free slots. Hours are local times of the doctor's zone per weekday, plus exceptions on
 * local dates; they become instants day by day, so daylight-saving days are as long as the clock says. Changing
 * hours takes the doctor's row lock, so it never interleaves with a booking being decided.
 */
@ProviderType
public interface ScheduleService {

    Availability availability(AuthenticatedUser caller, String doctorId);

    /** Replaces the doctor's hours and exceptions: the doctor themselves or an administrator. */
    Availability setAvailability(AuthenticatedUser caller, String doctorId, Availability availability);

    /**
     * Free slots in [from, to) (ISO-8601 date-times with offset, or dates meaning midnight in the doctor's zone;
     * defaults now and 7 days later; at most 31 days), at any of the doctor's places of work.
     */
    default FreeSlots freeSlots(AuthenticatedUser caller, String doctorId, String from, String to) {
        return freeSlots(caller, doctorId, null, from, to);
    }

    /**
     * Free slots as {@link #freeSlots(AuthenticatedUser, String, String, String)}, only those at {@code clinicId}
     * when it is given (since 2.5).
     */
    FreeSlots freeSlots(AuthenticatedUser caller, String doctorId, String clinicId, String from, String to);

    /**
     * Local times {@code HH:mm}, 00:00 to 24:00, at {@code clinicId} (one of the doctor's clinics in the directory;
     * null: at no clinic in particular). Ranges of one clinic do not overlap; ranges of two clinics may (a doctor
     * who sees two clinics' patients by video in the same hours), and visits still never overlap.
     */
    record Hours(String start, String end, String clinicId) {
        public Hours(String start, String end) {
            this(start, end, null);
        }
    }

    /**
     * On {@code date}: {@code kind} off (time off at every clinic; whole day without start/end) or extra (extra
     * hours, at {@code clinicId} when given).
     */
    record DayException(String date, String kind, String start, String end, String reason, String clinicId) {
        public DayException(String date, String kind, String start, String end, String reason) {
            this(date, kind, start, end, reason, null);
        }
    }

    /** {@code weekly}: monday … sunday → ranges. Null time zone or slot length keep the doctor's. */
    record Availability(String timeZone, Integer slotMinutes, Map<String, List<Hours>> weekly,
            List<DayException> exceptions) {
    }

    /** {@code clinicIds}: where this slot may be booked; empty when only hours at no particular clinic hold it. */
    record Slot(Instant start, Instant end, List<String> clinicIds) {
        public Slot(Instant start, Instant end) {
            this(start, end, List.of());
        }
    }

    record FreeSlots(String doctorId, String timeZone, int slotMinutes, List<Slot> slots) {
    }
}
