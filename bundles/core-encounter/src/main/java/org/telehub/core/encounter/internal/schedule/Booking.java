package org.telehub.core.encounter.internal.schedule;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.core.encounter.PeopleService.Doctor;
import org.telehub.core.encounter.PeopleService.Patient;
import org.telehub.core.encounter.internal.EncounterConfig;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.core.encounter.internal.people.PeopleStore;
import org.telehub.domain.ConflictException;
import org.telehub.domain.UnavailableException;
import org.telehub.domain.UnprocessableException;

/**
 * The booking transaction and its guarantees. A schedule-changing transaction first takes the row lock of the
 * doctor and then of the patient (always that order, so no deadlock), then checks working hours and overlaps for
 * both: any number of concurrent bookings touching one doctor or one patient, on one node or many, are decided one
 * after the other. The unique constraints on (doctor, start) and (patient, start) of every visit that holds its
 * time are the last line; their violation, and lock trouble under load, leave as 409 and 503 from {@link
 * #transaction}, never as a database error.
 */
@Component(service = Booking.class, configurationPid = "org.telehub.encounter")
public class Booking {
    private final EncounterDb db;
    private final EncounterConfig config;

    @Activate
    public Booking(@Reference EncounterDb db, EncounterConfig config) {
        this.db = db;
        this.config = config;
    }

    /** Runs {@code work} in one transaction; unique-slot violations become 409 "Slot taken", lock trouble 503. */
    public <T> T transaction(Function<Handle, T> work) {
        try {
            return db.jdbi().inTransaction(work::apply);
        } catch (JdbiException e) {
            throw translate(e);
        }
    }

    static RuntimeException translate(JdbiException e) {
        Throwable t = e;
        while (t != null && !(t instanceof SQLException)) {
            t = t.getCause();
        }
        if (t instanceof SQLException sql) {
            String state = sql.getSQLState() == null ? "" : sql.getSQLState();
            if (state.equals("23505")) {
                return new ConflictException("Slot taken", "The doctor or the patient already has a visit starting"
                        + " at this time", "scheduledStart", Map.of("conflict", "slot"), e);
            }
            if (state.equals("40P01") || state.equals("40001") || state.equals("55P03") || state.startsWith("HYT")) {
                return new UnavailableException("Busy", "The schedule is busy; try again", null, null, e);
            }
        }
        return e;
    }

    /** Reads the doctor and takes their lock (first, always). */
    public java.util.Optional<Doctor> lockDoctor(Handle h, String doctorId) {
        return PeopleStore.lockedDoctor(h, doctorId);
    }

    /** Reads the patient and takes their lock (after the doctor's). */
    public java.util.Optional<Patient> lockPatient(Handle h, String patientId) {
        return PeopleStore.lockedPatient(h, patientId);
    }

    /**
     * Takes the doctor's and the patient's locks, then checks working hours (at {@code clinicId} when given) and
     * both calendars; returns the clinic the visit is at, as {@link #check}.
     */
    public String lockAndCheck(Handle h, Doctor d, String patientId, Instant start, Instant end, String self,
            String clinicId) {
        lockDoctor(h, d.id());
        lockPatient(h, patientId);
        return check(h, d, patientId, start, end, self, clinicId);
    }

    /**
     * With both locks held: working hours and both calendars ({@code self}: the visit being moved, or null). The
     * visit lies in the doctor's hours at {@code clinicId} when it is given, else in any of their hours; returns the
     * clinic it is at: the one given, else the one clinic whose hours alone hold it, else null. The calendars are
     * the doctor's across all clinics: never two visits at once.
     */
    public String check(Handle h, Doctor d, String patientId, Instant start, Instant end, String self,
            String clinicId) {
        Schedule s = ScheduleStore.schedule(h, d);
        java.util.List<String> places = clinicId == null ? s.placesCovering(start, end)
                : s.covers(start, end, clinicId) ? java.util.List.of(clinicId) : java.util.List.of();
        if (places.isEmpty()) {
            String when = start.atZone(s.zone()).toLocalTime() + "–" + end.atZone(s.zone()).toLocalTime() + " on "
                    + start.atZone(s.zone()).toLocalDate() + " (" + s.zone() + "); GET /api/v1/doctors/" + d.id();
            throw clinicId == null
                    ? new UnprocessableException("Outside working hours", d.displayName() + " does not work " + when
                            + "/slots lists free times", "scheduledStart", null)
                    : new UnprocessableException("Outside working hours", d.displayName() + " does not work at this"
                            + " clinic " + when + "/slots?clinicId=" + clinicId + " lists free times there", "clinicId",
                            null);
        }
        String at = places.size() == 1 && !places.get(0).equals(Schedule.NO_CLINIC) ? places.get(0) : null;
        checkCalendars(h, d, patientId, start, end, self);
        return at;
    }

    /** With both locks held: neither the doctor (across all clinics) nor the patient has another visit then. */
    public void checkCalendars(Handle h, Doctor d, String patientId, Instant start, Instant end, String self) {
        if (ScheduleStore.overlapping(h, "doctor", d.id(), start, end, config.maxDurationMinutes(), self).isPresent()) {
            throw new ConflictException("Doctor not free", d.displayName() + " already has a visit overlapping"
                    + " this time", "scheduledStart", Map.of("conflict", "doctor"));
        }
        if (ScheduleStore.overlapping(h, "patient", patientId, start, end, config.maxDurationMinutes(), self)
                .isPresent()) {
            throw new ConflictException("Patient not free", "The patient already has a visit overlapping this"
                    + " time", "scheduledStart", Map.of("conflict", "patient"));
        }
    }

    /** Not in the past, not beyond the booking horizon. */
    public void checkTime(Instant start, Instant now) {
        if (start.isBefore(now)) {
            throw new UnprocessableException("scheduledStart", "Is in the past (" + start + ")");
        }
        if (start.isAfter(now.plus(Duration.ofDays(config.horizonDays())))) {
            throw new UnprocessableException("scheduledStart", "More than " + config.horizonDays() + " days ahead");
        }
    }

    /** The visit's length: given, or the doctor's slot; within the configured bounds. */
    public int duration(Integer minutes, Doctor d) {
        int m = minutes == null ? d.slotMinutes() : minutes;
        if (m < config.minDurationMinutes() || m > config.maxDurationMinutes()) {
            throw new UnprocessableException("durationMinutes", "Must be " + config.minDurationMinutes() + " to "
                    + config.maxDurationMinutes() + " minutes");
        }
        return m;
    }

    /** Free slots of the doctor in [from, to), at {@code clinicId} when given, else anywhere they work. */
    public java.util.List<Schedule.Free> freeSlots(Handle h, Doctor d, String clinicId, Instant from, Instant to) {
        Schedule s = ScheduleStore.schedule(h, d);
        return s.freeSlots(from, to, ScheduleStore.busy(h, d.id(), from, to, config.maxDurationMinutes()), clinicId);
    }
}
