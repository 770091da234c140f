package org.telehub.core.encounter.internal.encounter;

import static org.telehub.core.encounter.EncounterService.CANCELLED;
import static org.telehub.core.encounter.EncounterService.SCHEDULED;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.core.encounter.ExternalBookings;
import org.telehub.core.encounter.PeopleService.Doctor;
import org.telehub.core.encounter.event.EncounterEventType;
import org.telehub.core.encounter.internal.Checks;
import org.telehub.core.encounter.internal.EncounterConfig;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.core.encounter.internal.event.Changes;
import org.telehub.core.encounter.internal.event.EventPublisher;
import org.telehub.core.encounter.internal.join.JoinLinks;
import org.telehub.core.encounter.internal.people.PeopleStore;
import org.telehub.core.encounter.internal.schedule.Booking;
import org.telehub.domain.ConflictException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.UnprocessableException;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.VisitIdentities;

/**
 * {@link ExternalBookings} in the caller's transaction: the appointment's visit found again through {@code
 * encounter_external_booking}, booked, moved and cancelled with the steps {@link EncounterServiceImpl} takes for a
 * person (locks, calendars, events, identities), audited with the system actor. The events are durable work items
 * submitted in the transaction ({@link org.telehub.core.encounter.internal.event.EventFanOut}), so nothing waits for
 * the commit here.
 */
@Component(service = ExternalBookings.class, configurationPid = "org.telehub.encounter")
public class ExternalBookingsImpl implements ExternalBookings {
    private final EncounterDb db;
    private final Booking booking;
    private final JoinLinks links;
    private final EventPublisher publisher;
    private final AuditLog audit;
    private final VisitIdentities identities;
    private final EncounterConfig config;

    @Activate
    public ExternalBookingsImpl(@Reference EncounterDb db, @Reference Booking booking, @Reference JoinLinks links,
            @Reference EventPublisher publisher, @Reference AuditLog audit, @Reference VisitIdentities identities,
            EncounterConfig config) {
        this.db = db;
        this.booking = booking;
        this.links = links;
        this.publisher = publisher;
        this.audit = audit;
        this.identities = identities;
        this.config = config;
    }

    @Override
    public Booked book(Handle tx, AuthenticatedUser system, String systemId, String appointmentId, Appointment a) {
        check(systemId, appointmentId);
        if (a == null || a.type() == null || !Lifecycle.TYPES.contains(a.type())) {
            throw new InvalidException("type", "One of " + new TreeSet<>(Lifecycle.TYPES));
        }
        if (a.start() == null) {
            throw new InvalidException("start", "Required");
        }
        if (!a.start().truncatedTo(ChronoUnit.MINUTES).equals(a.start())) {
            throw new UnprocessableException("start", "Must be on a whole minute (" + a.start() + ")");
        }
        Checks.maxLength("reason", a.reason(), 1000);
        Instant now = Instant.now();
        Changes x = new Changes(tx, publisher);
        // the doctor's lock first, then the patient's, as every booking takes them
        Doctor d = PeopleStore.doctorByUsername(tx, a.doctorUsername() == null ? "" : a.doctorUsername())
                .flatMap(found -> booking.lockDoctor(tx, found.id()))
                .orElseThrow(() -> new UnprocessableException("doctor", "No doctor with the account '"
                        + a.doctorUsername() + "'"));
        booking.lockPatient(tx, a.patientId())
                .orElseThrow(() -> new UnprocessableException("patientId", "No patient " + a.patientId()));
        int minutes = booking.duration(a.durationMinutes(), d);
        Instant end = a.start().plus(Duration.ofMinutes(minutes));
        Optional<Encounter> booked = booked(tx, systemId, appointmentId);
        if (booked.isPresent()) {
            return move(x, system, booked.get(), d, a, end, now);
        }
        booking.checkTime(a.start(), now);
        booking.checkCalendars(tx, d, a.patientId(), a.start(), end, null);
        String id = UUID.randomUUID().toString();
        String room = a.type().equals("video") || a.type().equals("audio") ? UUID.randomUUID().toString() : null;
        Encounter e = new Encounter(id, a.type(), SCHEDULED, d.id(), a.patientId(), a.start(), end, null, null,
                a.reason(), null, null, false, null, null, null, null, false, room, null, null, 1, system.username(),
                now, now, List.of(), null);
        EncounterStore.insertEncounter(tx, e);
        if (room != null) {
            links.accessCode(tx, id, now);
        }
        tx.createUpdate("INSERT INTO encounter_external_booking (system_id, appointment_id, encounter_id, created_at)"
                + " VALUES (:s, :a, :e, :t)").bind("s", systemId).bind("a", appointmentId).bind("e", id)
                .bind("t", Timestamp.from(now)).execute();
        x.record(e, EncounterEventType.BOOKED, system.username(), EncounterServiceImpl.times(e, Map.of(
                "encounterType", e.type(), "status", e.status(), "doctorId", e.doctorId(), "patientId",
                e.patientId())));
        audit.record(tx, system, "encounter.create", a.patientId(), List.of(), "ok");
        return new Booked(id, true, false);
    }

    private Booked move(Changes x, AuthenticatedUser system, Encounter e, Doctor d, Appointment a, Instant end,
            Instant now) {
        if (!e.doctorId().equals(d.id())) {
            throw new UnprocessableException("doctor", "The appointment's visit is with another doctor; to change"
                    + " the doctor, cancel the appointment and book a new one");
        }
        if (!e.patientId().equals(a.patientId())) {
            throw new UnprocessableException("patientId", "The appointment's visit is for another patient");
        }
        if (e.status().equals(CANCELLED)) {
            Lifecycle.requireReschedulable(e); // booked again under a cancelled appointment's id: refused
        }
        if (e.scheduledStart().equals(a.start()) && e.scheduledEnd().equals(end)) {
            return new Booked(e.id(), false, false);
        }
        Lifecycle.requireReschedulable(e);
        booking.checkTime(a.start(), now);
        booking.checkCalendars(x.handle(), d, e.patientId(), a.start(), end, e.id());
        if (!EncounterStore.reschedule(x.handle(), e.id(), e.revision(), a.start(), end, e.clinicId(), now)) {
            throw new ConflictException("The visit changed meanwhile");
        }
        audit.record(x.handle(), system, "encounter.reschedule", e.patientId(), List.of(), "ok");
        EncounterServiceImpl.moved(x, e, a.start(), end, system.username(),
                Duration.ofMinutes(config.joinGraceMinutes()), identities);
        return new Booked(e.id(), false, true);
    }

    @Override
    public Optional<String> cancel(Handle tx, AuthenticatedUser system, String systemId, String appointmentId,
            String reason) {
        check(systemId, appointmentId);
        Optional<Encounter> booked = booked(tx, systemId, appointmentId);
        if (booked.isEmpty()) {
            return Optional.empty();
        }
        Encounter e = booked.get();
        if (e.status().equals(CANCELLED)) {
            return Optional.of(e.id());
        }
        Lifecycle.requireAllowed(e, CANCELLED);
        String why = reason == null || reason.isBlank() ? "Cancelled by " + systemId : reason.trim();
        why = why.length() > 500 ? why.substring(0, 500) : why;
        if (!EncounterStore.transition(tx, e.id(), e.status(), CANCELLED, Instant.now(), why, system.username())) {
            throw new ConflictException("The visit changed meanwhile");
        }
        audit.record(tx, system, "encounter.cancel", e.patientId(), List.of(), "ok");
        EncounterServiceImpl.transitioned(new Changes(tx, publisher), e, CANCELLED, system.username(), identities);
        return Optional.of(e.id());
    }

    @Override
    public Optional<String> appointment(String systemId, String encounterId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT appointment_id FROM encounter_external_booking"
                + " WHERE system_id = :s AND encounter_id = :e").bind("s", systemId).bind("e", encounterId)
                .mapTo(String.class).findOne());
    }

    /** The visit of the appointment, its row locked (a move and a cancellation of it run one after the other). */
    private static Optional<Encounter> booked(Handle tx, String systemId, String appointmentId) {
        return tx.createQuery("SELECT encounter_id FROM encounter_external_booking WHERE system_id = :s"
                + " AND appointment_id = :a").bind("s", systemId).bind("a", appointmentId).mapTo(String.class)
                .findOne().flatMap(id -> {
                    tx.createQuery("SELECT id FROM encounter WHERE id = :id FOR UPDATE").bind("id", id)
                            .mapTo(String.class).findOne();
                    return EncounterStore.encounter(tx, id);
                });
    }

    private static void check(String systemId, String appointmentId) {
        if (systemId == null || systemId.isBlank() || systemId.length() > 64) {
            throw new InvalidException("systemId", "1 to 64 characters");
        }
        if (appointmentId == null || appointmentId.isBlank() || appointmentId.length() > 200) {
            throw new InvalidException("appointmentId", "1 to 200 characters");
        }
    }
}
