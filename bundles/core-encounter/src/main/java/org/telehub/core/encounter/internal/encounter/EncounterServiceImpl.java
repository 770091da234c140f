package org.telehub.core.encounter.internal.encounter;

import static org.telehub.core.encounter.EncounterService.CANCELLED;
import static org.telehub.core.encounter.EncounterService.IN_PROGRESS;
import static org.telehub.core.encounter.EncounterService.NO_SHOW;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

import org.jdbi.v3.core.Handle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.PeopleService.Doctor;
import org.telehub.core.encounter.PeopleService.Patient;
import org.telehub.core.encounter.event.EncounterEventType;
import org.telehub.core.encounter.internal.Checks;
import org.telehub.core.encounter.internal.EncounterConfig;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.core.encounter.internal.access.CareRelationships;
import org.telehub.core.encounter.internal.event.Changes;
import org.telehub.core.encounter.internal.event.EventPublisher;
import org.telehub.core.encounter.internal.join.JoinLinks;
import org.telehub.core.encounter.internal.people.Caller;
import org.telehub.core.encounter.internal.people.PeopleStore;
import org.telehub.core.encounter.internal.reminder.Reminders;
import org.telehub.core.encounter.internal.schedule.Booking;
import org.telehub.domain.ConflictException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnprocessableException;
import org.telehub.security.AuditLog;
import org.telehub.security.VisitIdentities;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/**
 * Encounters: who may do what (see {@link Access}), booking and rescheduling through {@link Booking}'s locked
 * transaction, the lifecycle ({@link Lifecycle}), notes, consent and payment. Every change appends its encounter
 * event in its own transaction ({@link Changes}); what follows from an event (reminders, webhooks) is the
 * {@link EventPublisher}'s, never this class's.
 */
@Component(service = EncounterService.class, configurationPid = "org.telehub.encounter")
@Designate(ocd = EncounterConfig.class)
public class EncounterServiceImpl implements EncounterService {
    private static final String CHANGED_MEANWHILE = "The visit changed meanwhile; read it again";

    private final EncounterDb db;
    private final Booking booking;
    private final JoinLinks links;
    private final Reminders reminders;
    private final EventPublisher publisher;
    private final AuditLog audit;
    private final EncounterConfig config;
    private final CareRelationships care;
    private final VisitIdentities identities;

    @Activate
    public EncounterServiceImpl(@Reference EncounterDb db, @Reference Booking booking, @Reference JoinLinks links,
            @Reference Reminders reminders, @Reference EventPublisher publisher, @Reference AuditLog audit,
            @Reference CareRelationships care, @Reference VisitIdentities identities, EncounterConfig config) {
        this.care = care;
        this.identities = identities;
        this.db = db;
        this.booking = booking;
        this.links = links;
        this.reminders = reminders;
        this.publisher = publisher;
        this.audit = audit;
        this.config = config;
    }

    /** An encounter as a change left it, with its doctor and patient (for the caller's view). */
    record Changed(Encounter e, Doctor d, Patient p) {
    }

    /** Runs one change transaction (locks, SQLSTATE mapping: {@link Booking}); then what its events left to do. */
    private Changed change(Function<Changes, Changed> work) {
        Changes[] changes = new Changes[1];
        Changed c = booking.transaction(h -> {
            changes[0] = new Changes(h, publisher);
            return work.apply(changes[0]);
        });
        changes[0].committed();
        return c;
    }

    /** Re-reads the encounter after a change, records its event, and returns it with its people. */
    static Changed record(Changes x, String id, EncounterEventType type, String actor,
            Map<String, Object> payload) {
        Handle h = x.handle();
        Encounter fresh = EncounterStore.encounter(h, id).orElseThrow();
        x.record(fresh, type, actor, payload);
        return new Changed(fresh, PeopleStore.doctor(h, fresh.doctorId()).orElseThrow(),
                PeopleStore.patient(h, fresh.patientId()).orElseThrow());
    }

    // ---- booking

    @Override
    public EncounterDetails book(AuthenticatedUser user, BookingRequest r) {
        Caller c = Caller.of(db, user);
        BookingInput in = BookingInput.of(c, r);
        if (user.clinician() && !c.admin() && !user.hasRole(Roles.FRONT_DESK) && !care.reaches(user, in.patientId())) {
            // a visit makes its doctor a carer: nobody books their way to a stranger's record (answered as if the
            // patient did not exist)
            throw new UnprocessableException("patientId", "No patient " + in.patientId());
        }
        Instant now = Instant.now();
        String id = UUID.randomUUID().toString();
        String room = in.room();
        Changed b = change(x -> {
            Handle h = x.handle();
            // reading the doctor and the patient takes their locks (doctor first, always)
            Doctor d = booking.lockDoctor(h, in.doctorId())
                    .orElseThrow(() -> new UnprocessableException("doctorId", "No doctor " + in.doctorId()));
            Patient p = booking.lockPatient(h, in.patientId())
                    .orElseThrow(() -> new UnprocessableException("patientId", "No patient " + in.patientId()));
            Instant end = in.start().plus(Duration.ofMinutes(booking.duration(r.durationMinutes(), d)));
            booking.checkTime(in.start(), now);
            String clinic = booking.check(h, d, in.patientId(), in.start(), end, null, in.clinicId());
            Encounter e = new Encounter(id, in.type(), SCHEDULED, in.doctorId(), in.patientId(), in.start(), end,
                    null, null, r.chiefComplaint(), r.patientNotes(), null, Boolean.TRUE.equals(r.recordingEnabled()),
                    null, null, in.fee() == null ? null : in.fee().amount(), in.fee() == null ? null
                            : in.fee().currency(), false, room, null, null, 1,
                    user.username(), now, now, in.participants(), clinic);
            EncounterStore.insertEncounter(h, e);
            if (room != null) {
                links.accessCode(h, id, now); // the code to join by, made with the visit
            }
            // the row is what was just inserted: no need to read it back
            x.record(e, EncounterEventType.BOOKED, user.username(), times(e, Map.of("encounterType", e.type(),
                    "status", e.status(), "doctorId", e.doctorId(), "patientId", e.patientId())));
            for (Participant q : e.participants()) {
                x.record(e, EncounterEventType.PARTICIPANT_ADDED, user.username(), Map.of("participantId", q.id(),
                        "kind", q.kind()));
            }
            audit.record(h, user, "encounter.create", in.patientId(), List.of(), "ok");
            return new Changed(e, d, p);
        });
        return Details.of(c, b.e(), b.d(), b.p(), links);
    }

    static Map<String, Object> times(Encounter e, Map<String, Object> more) {
        Map<String, Object> m = new LinkedHashMap<>(more);
        m.put("scheduledStart", e.scheduledStart().toString());
        m.put("scheduledEnd", e.scheduledEnd().toString());
        return m;
    }

    // ---- lifecycle

    @Override
    public EncounterDetails transition(AuthenticatedUser user, String id, Action action, String reason) {
        Caller c = Caller.of(db, user);
        Encounter e = visible(c, id);
        String to = action.target();
        boolean runs = Access.runs(c, e);
        boolean allowed = action == Action.CONFIRM || action == Action.CANCEL ? runs || Access.patientOf(c, e) : runs;
        if (!allowed) {
            throw new ForbiddenException("Only the doctor or an administrator may " + action.wireName() + " a visit");
        }
        if (reason != null && reason.length() > 500) {
            throw new InvalidException("reason", "At most 500 characters");
        }
        if (to.equals(CANCELLED) && (reason == null || reason.isBlank())) {
            throw new InvalidException("reason", "A reason is required to cancel");
        }
        Instant now = Instant.now();
        Lifecycle.requireAllowed(e, to);
        if (to.equals(IN_PROGRESS)) {
            Instant earliest = e.scheduledStart().minus(Duration.ofMinutes(config.startEarlyMinutes()));
            if (now.isBefore(earliest)) {
                throw new ConflictException("Too early", "The visit can be started from " + earliest + " ("
                        + config.startEarlyMinutes() + " minutes before its start)", null,
                        Map.of("encounterStatus", e.status(), "startableFrom", earliest.toString()));
            }
        }
        if (to.equals(NO_SHOW)) {
            Instant earliest = e.scheduledEnd().plus(Duration.ofMinutes(config.noShowAfterMinutes()));
            if (now.isBefore(earliest)) {
                throw new ConflictException("Too early", "A visit can be marked as a no-show from " + earliest
                        + " (" + config.noShowAfterMinutes() + " minutes after its scheduled end)", null,
                        Map.of("encounterStatus", e.status(), "noShowFrom", earliest.toString()));
            }
        }
        Changed b = change(x -> {
            if (!EncounterStore.transition(x.handle(), id, e.status(), to, now, reason, user.username())) {
                Lifecycle.requireAllowed(EncounterStore.encounter(x.handle(), id).orElseThrow(), to);
                throw new ConflictException(CHANGED_MEANWHILE);
            }
            audit.record(x.handle(), user, "encounter." + action.wireName(), e.patientId(), List.of(), "ok");
            return transitioned(x, e, to, user.username(), identities);
        });
        return Details.of(c, b.e(), b.d(), b.p(), links);
    }

    @Override
    public EncounterDetails reschedule(AuthenticatedUser user, String id, Reschedule r) {
        Caller c = Caller.of(db, user);
        Encounter e = visible(c, id);
        if (!Access.runs(c, e) && !Access.patientOf(c, e)) {
            throw new ForbiddenException("Not yours to reschedule");
        }
        Checks.body(r);
        Instant start = BookingInput.parseStart("scheduledStart", r.scheduledStart());
        Instant now = Instant.now();
        Lifecycle.requireReschedulable(e);
        Changed b = change(x -> {
            Handle h = x.handle();
            Doctor d = PeopleStore.doctor(h, e.doctorId()).orElseThrow();
            int minutes = booking.duration(r.durationMinutes() == null ? e.durationMinutes() : r.durationMinutes(), d);
            Instant end = start.plus(Duration.ofMinutes(minutes));
            booking.checkTime(start, now);
            // the visit stays at its clinic; one at none in particular is at the clinic whose hours alone hold it
            String clinic = booking.lockAndCheck(h, d, e.patientId(), start, end, id, e.clinicId());
            if (!EncounterStore.reschedule(h, id, e.revision(), start, end, clinic, now)) {
                throw new ConflictException(CHANGED_MEANWHILE);
            }
            audit.record(h, user, "encounter.reschedule", e.patientId(), List.of(), "ok");
            return moved(x, e, start, end, user.username(), Duration.ofMinutes(config.joinGraceMinutes()), identities);
        });
        return Details.of(c, b.e(), b.d(), b.p(), links);
    }

    /** What follows a step of the lifecycle in its transaction: identities that end with it, and its event. */
    static Changed transitioned(Changes x, Encounter e, String to, String actor, VisitIdentities identities) {
        if (!Lifecycle.holdsTime(to) || to.equals(COMPLETED)) {
            // guests' and interpreters' identities end with the visit (invitations' links stop: not live)
            identities.revokeVisit(x.handle(), e.id());
        }
        return record(x, e.id(), Lifecycle.event(to), actor, Map.of("from", e.status(), "to", to));
    }

    /**
     * What follows a visit's move to a new time in its transaction: invitations' links and the identities they gave
     * follow it, and its event (the previous and new times).
     */
    static Changed moved(Changes x, Encounter e, Instant start, Instant end, String actor, Duration joinGrace,
            VisitIdentities identities) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("from", e.status());
        payload.put("previousStart", e.scheduledStart().toString());
        payload.put("previousEnd", e.scheduledEnd().toString());
        payload.put("scheduledStart", start.toString());
        payload.put("scheduledEnd", end.toString());
        Instant until = end.plus(joinGrace);
        EncounterStore.invitationsExpireAt(x.handle(), e.id(), until);
        identities.moveVisit(x.handle(), e.id(), until);
        return record(x, e.id(), EncounterEventType.RESCHEDULED, actor, payload);
    }

    @Override
    public EncounterDetails notes(AuthenticatedUser user, String id, Notes n) {
        Caller c = Caller.of(db, user);
        Encounter e = visible(c, id);
        if (n == null || (n.patientNotes() == null && n.doctorNotes() == null)) {
            throw new InvalidException(null, "Give patientNotes or doctorNotes");
        }
        if (n.patientNotes() != null) {
            if (!Access.patientOf(c, e) && !Access.runs(c, e)) {
                throw new ForbiddenException("Forbidden", "Not your visit", "patientNotes", null);
            }
            if (!Lifecycle.upcoming(e.status())) {
                throw new ConflictException("Notes before the visit can be changed until it starts");
            }
            Checks.maxLength("patientNotes", n.patientNotes(), 4000);
        }
        if (n.doctorNotes() != null) {
            if (!Access.runs(c, e)) {
                throw new ForbiddenException("Forbidden", "Only the visit's doctor writes doctor's notes",
                        "doctorNotes", null);
            }
            Checks.maxLength("doctorNotes", n.doctorNotes(), 10000);
        }
        Instant now = Instant.now();
        Changed b = change(x -> {
            int rev = e.revision();
            if (n.patientNotes() != null
                    && !EncounterStore.set(x.handle(), id, rev++, "patient_notes", n.patientNotes(), now)) {
                throw new ConflictException(CHANGED_MEANWHILE);
            }
            if (n.doctorNotes() != null && !EncounterStore.set(x.handle(), id, rev, "doctor_notes", n.doctorNotes(),
                    now)) {
                throw new ConflictException(CHANGED_MEANWHILE);
            }
            List<String> which = n.patientNotes() == null ? List.of("doctorNotes") : n.doctorNotes() == null
                    ? List.of("patientNotes") : List.of("patientNotes", "doctorNotes");
            audit.record(x.handle(), user, "encounter.notes", e.patientId(), List.of(), "ok");
            return record(x, id, EncounterEventType.NOTES_CHANGED, user.username(), Map.of("which", which));
        });
        return Details.of(c, b.e(), b.d(), b.p(), links);
    }

    @Override
    public EncounterDetails consentToRecording(AuthenticatedUser user, String id) {
        Caller c = Caller.of(db, user);
        Encounter e = visible(c, id);
        if (!Access.patientOf(c, e)) {
            throw new ForbiddenException("Only the patient consents to recording");
        }
        if (!e.recordingEnabled()) {
            throw new ConflictException("This visit is not to be recorded");
        }
        Changed b = change(x -> {
            if (!EncounterStore.consent(x.handle(), id, e.revision(), user.username(), Instant.now())) {
                throw new ConflictException(CHANGED_MEANWHILE);
            }
            audit.record(x.handle(), user, "encounter.recording-consent", e.patientId(), List.of(), "ok");
            return record(x, id, EncounterEventType.RECORDING_CONSENTED, user.username(), Map.of());
        });
        return Details.of(c, b.e(), b.d(), b.p(), links);
    }

    @Override
    public EncounterDetails setPaid(AuthenticatedUser user, String id, Boolean paid) {
        Caller c = Caller.of(db, user);
        Encounter e = visible(c, id);
        if (!c.admin()) {
            throw new ForbiddenException("Forbidden", "Only an administrator marks a visit as paid", "paid", null);
        }
        if (paid == null) {
            throw new InvalidException("paid", "Required: true or false");
        }
        Changed b = change(x -> {
            if (!EncounterStore.set(x.handle(), id, e.revision(), "paid", paid, Instant.now())) {
                throw new ConflictException(CHANGED_MEANWHILE);
            }
            audit.record(x.handle(), user, "encounter.paid", e.patientId(), List.of(), "ok");
            return record(x, id, EncounterEventType.PAYMENT_CHANGED, user.username(), Map.of("paid", paid));
        });
        return Details.of(c, b.e(), b.d(), b.p(), links);
    }

    @Override
    public List<ReminderInfo> reminders(AuthenticatedUser user, String id) {
        Caller c = Caller.of(db, user);
        Encounter e = visible(c, id);
        if (!Access.runs(c, e)) {
            throw new ForbiddenException("Reminders are shown to the doctor and administrators");
        }
        return reminders.list(id).stream().map(v -> new ReminderInfo(v.reminder().id(), v.reminder().offsetSeconds(),
                v.reminder().dueAt(), v.state(), v.detail(), v.reminder().sentAt())).toList();
    }

    // ---- reading

    private Encounter visible(Caller c, String id) {
        Encounter e = db.jdbi().withHandle(h -> EncounterStore.encounter(h, id))
                .orElseThrow(() -> new NotFoundException("No encounter " + id));
        if (!Access.sees(c, e)) {
            audit.record(c.user(), "encounter.read", e.patientId(), List.of(), "denied");
            throw new NotFoundException("No encounter " + id);
        }
        return e;
    }

    @Override
    public EncounterDetails get(AuthenticatedUser user, String id) {
        Caller c = Caller.of(db, user);
        Encounter e = visible(c, id);
        audit.record(user, "encounter.read", e.patientId(), List.of(), "ok");
        return db.jdbi().withHandle(h -> Details.of(c, e, PeopleStore.doctor(h, e.doctorId()).orElseThrow(),
                PeopleStore.patient(h, e.patientId()).orElseThrow(), links));
    }

    @Override
    public Seat seat(AuthenticatedUser user, String id) {
        Caller c = Caller.of(db, user);
        Encounter e = visible(c, id);
        return db.jdbi().withHandle(h -> {
            Doctor d = PeopleStore.doctor(h, e.doctorId()).orElseThrow();
            String role;
            String name;
            String member = user.username();
            List<Participant> invited = Access.invitations(c, e);
            if (e.doctorId().equals(c.doctorId())) {
                role = "moderator";
                name = d.displayName();
            } else if (Access.patientOf(c, e)) {
                role = "patient";
                name = PeopleStore.patient(h, e.patientId()).orElseThrow().displayName();
            } else if (!invited.isEmpty()) {
                role = invited.get(0).kind();
                name = invited.get(0).displayName();
            } else {
                throw new ForbiddenException("Only the visit's doctor, its patient and the people invited to it join"
                        + " its room");
            }
            return new Seat(e.id(), e.roomId(), e.type(), e.status(), e.patientId(), d.displayName(), role, member,
                    name, e.scheduledStart(), e.scheduledEnd(),
                    e.scheduledStart().minus(Duration.ofMinutes(config.startEarlyMinutes())), e.recordingEnabled());
        });
    }

    @Override
    public java.util.Set<String> visible(AuthenticatedUser user, java.util.Collection<String> ids) {
        Caller c = Caller.of(db, user);
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        db.jdbi().useHandle(h -> {
            for (String id : new java.util.LinkedHashSet<>(ids)) {
                EncounterStore.encounter(h, id).filter(e -> Access.sees(c, e)).ifPresent(e -> seen.add(id));
            }
        });
        return seen;
    }

    @Override
    public Map<String, VisitState> states(AuthenticatedUser user, java.util.Collection<String> ids) {
        Caller c = Caller.of(db, user);
        Map<String, VisitState> out = new java.util.LinkedHashMap<>();
        db.jdbi().useHandle(h -> {
            for (String id : new java.util.LinkedHashSet<>(ids)) {
                EncounterStore.encounter(h, id).filter(e -> Access.sees(c, e)).ifPresent(e -> out.put(id,
                        new VisitState(id, e.patientId(), e.status(), e.actualEnd(), e.updatedAt())));
            }
        });
        return out;
    }

    @Override
    public Page<EncounterDetails> list(AuthenticatedUser user, Query q) {
        Caller c = Caller.of(db, user);
        if (q.status() != null && !Lifecycle.TRANSITIONS.containsKey(q.status())) {
            throw new InvalidException("status", "One of " + new TreeSet<>(Lifecycle.TRANSITIONS.keySet()));
        }
        Checks.page(q.offset(), q.limit(), 200);
        Instant f = Checks.bound("from", q.from(), java.time.ZoneOffset.UTC);
        Instant t = Checks.bound("to", q.to(), java.time.ZoneOffset.UTC);
        String participant = null;
        String patient = q.patientId();
        if (!c.admin()) {
            if (c.staff()) {
                participant = c.user().username(); // the encounters they take part in
            } else {
                if (c.patientId() == null || (q.patientId() != null && !q.patientId().equals(c.patientId()))) {
                    return new Page<>(List.of(), q.offset(), q.limit(), 0);
                }
                patient = c.patientId();
            }
        }
        EncounterStore.Filter filter = new EncounterStore.Filter(q.doctorId(), patient, q.status(), f, t, participant);
        List<Encounter> page = db.jdbi().withHandle(h -> EncounterStore.list(h, filter, q.offset(), q.limit()));
        long total = db.jdbi().withHandle(h -> EncounterStore.count(h, filter));
        Set<String> patients = new LinkedHashSet<>();
        page.forEach(e -> patients.add(e.patientId()));
        // each patient disclosed gets a row, all in one commit
        db.jdbi().useTransaction(h -> patients.forEach(p -> audit.record(h, user, "encounter.list", p, List.of(),
                "ok")));
        // a page often shows one doctor or one patient many times: read each once
        Map<String, Doctor> doctors = new HashMap<>();
        Map<String, Patient> people = new HashMap<>();
        List<EncounterDetails> views = db.jdbi().withHandle(h -> page.stream().map(e -> Details.of(c, e,
                doctors.computeIfAbsent(e.doctorId(), x -> PeopleStore.doctor(h, x).orElseThrow()),
                people.computeIfAbsent(e.patientId(), x -> PeopleStore.patient(h, x).orElseThrow()), links))
                .toList());
        return new Page<>(views, q.offset(), q.limit(), total);
    }
}
