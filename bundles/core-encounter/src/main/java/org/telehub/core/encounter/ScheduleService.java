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
     * defaults now and 7 days later; at most 31 days).
     */
    FreeSlots freeSlots(AuthenticatedUser caller, String doctorId, String from, String to);

    /** Local times {@code HH:mm}, 00:00 to 24:00. */
    record Hours(String start, String end) {
    }

    /** On {@code date}: {@code kind} off (time off; whole day without start/end) or extra (extra hours). */
    record DayException(String date, String kind, String start, String end, String reason) {
    }

    /** {@code weekly}: monday … sunday → ranges. Null time zone or slot length keep the doctor's. */
    record Availability(String timeZone, Integer slotMinutes, Map<String, List<Hours>> weekly,
            List<DayException> exceptions) {
    }

    record Slot(Instant start, Instant end) {
    }

    record FreeSlots(String doctorId, String timeZone, int slotMinutes, List<Slot> slots) {
    }
}
