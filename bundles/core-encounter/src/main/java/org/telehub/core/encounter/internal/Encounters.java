package org.telehub.core.encounter.internal;

import java.math.BigDecimal;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.core.encounter.internal.Model.Doctor;
import org.telehub.core.encounter.internal.Model.Encounter;
import org.telehub.core.encounter.internal.Model.Participant;
import org.telehub.core.encounter.internal.Model.Patient;
import org.telehub.core.encounter.internal.Model.Reminder;
import org.telehub.core.encounter.internal.Views.CreateEncounter;
import org.telehub.core.encounter.internal.Views.EncounterView;
import org.telehub.core.encounter.internal.Views.ParticipantRequest;
import org.telehub.core.encounter.internal.Views.ParticipantView;
import org.telehub.rest.ProblemException;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/**
 * Encounters: booking, lifecycle, visibility. A booking runs in one transaction that first takes the row locks of
 * the doctor and of the patient (always in that order), then checks working hours and overlaps and inserts; so of
 * any number of concurrent bookings touching one doctor or one patient, on one node or many, they are decided one
 * after the other, and a unique constraint on (doctor, start) and (patient, start) backs that up. Status changes
 * are conditional updates ({@code WHERE status = :from}): two concurrent changes cannot both win. Reminders and
 * webhook events are written in the same transaction as the change they belong to and sent after it commits.
 */
@Component(service = Encounters.class, configurationPid = "org.telehub.encounter")
@Designate(ocd = EncounterConfig.class)
public class Encounters {
    private static final String CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private static final Map<String, String> ACTION_OF = Map.of(Model.CONFIRMED, "confirm", Model.IN_PROGRESS,
            "start", Model.COMPLETED, "end", Model.CANCELLED, "cancel", Model.NO_SHOW, "no-show");

    private final EncounterDb db;
    private final JoinLinks links;
    private final Reminders reminders;
    private final Webhooks webhooks;
    private final AuditLog audit;
    private final EncounterConfig config;
    private final SecureRandom random = new SecureRandom();

    @Activate
    public Encounters(@Reference EncounterDb db, @Reference JoinLinks links, @Reference Reminders reminders,
            @Reference Webhooks webhooks, @Reference AuditLog audit, EncounterConfig config) {
        this.db = db;
        this.links = links;
        this.reminders = reminders;
        this.webhooks = webhooks;
        this.audit = audit;
        this.config = config;
    }

    // ---- who is asking

    /** The caller and the doctor / patient they act as (if any). */
    record Caller(AuthenticatedUser user, String doctorId, String patientId) {
        boolean admin() {
            return user.hasRole(Roles.ADMIN);
        }
    }

    /** The caller of a request (the authentication filter has put an {@code AuthenticatedUser} there). */
    Caller caller(javax.ws.rs.core.SecurityContext security) {
        return caller((AuthenticatedUser) security.getUserPrincipal());
    }

    Caller caller(AuthenticatedUser user) {
        if (!user.hasRole(Roles.DOCTOR) && !user.hasRole(Roles.PATIENT)) {
            return new Caller(user, null, null); // no database round trip for administrators and nurses
        }
        return db.jdbi().withHandle(h -> new Caller(user,
                user.hasRole(Roles.DOCTOR) ? EncounterStore.doctorByUsername(h, user.username()).map(Doctor::id)
                        .orElse(null) : null,
                user.hasRole(Roles.PATIENT) ? EncounterStore.patientByUsername(h, user.username()).map(Patient::id)
                        .orElse(null) : null));
    }

    /*
     * What the caller is in one visit decides what they may do with it; an invitation never makes anyone more than
     * its kind, whoever the account is elsewhere (a patient listed as a guest of their own visit is a guest too):
     *
     *                               admin / the visit's doctor | colleague | interpreter, guest | the patient
     *   see the visit                           yes            |    yes    |        yes         |     yes
     *   join links                              all            |    own    |        own         |     own
     *   read doctor's notes                     yes            |    yes    |         -          |      -
     *   write doctor's notes                    yes            |     -     |         -          |      -
     *   patient's notes, confirm, cancel,
     *   reschedule                              yes            |     -     |         -          |     yes
     *   start, end, no-show, reminders          yes            |     -     |         -          |      -
     *   recording consent                        -             |     -     |         -          |     yes
     *
     * Inviting participants and setting a fee happen at booking, by clinic staff only (see create).
     */

    /** Runs the visit: an administrator or the visit's own doctor (the doctor record linked to the account). */
    private static boolean runs(Caller c, Encounter e) {
        return c.admin() || e.doctorId().equals(c.doctorId());
    }

    private static boolean patientOf(Caller c, Encounter e) {
        return e.patientId().equals(c.patientId());
    }

    /** The invitations of the visit that name the caller's account: their kinds, not the account, give the rights. */
    private static List<Participant> invitations(Caller c, Encounter e) {
        return e.participants().stream().filter(p -> c.user().username().equals(p.username())).toList();
    }

    /**
     * The doctor's notes are read by who runs the visit and by an invited colleague (a clinician consulted on it, who
     * needs the findings); written only by who runs it, so the treating doctor's record is theirs alone. Guests and
     * interpreters are there for the conversation, not the record.
     */
    private static boolean readsDoctorNotes(Caller c, Encounter e) {
        return runs(c, e) || invitations(c, e).stream().anyMatch(p -> p.kind().equals(Model.COLLEAGUE));
    }

    private static boolean sees(Caller c, Encounter e) {
        return runs(c, e) || patientOf(c, e) || !invitations(c, e).isEmpty();
    }

    // ---- booking

    EncounterView create(Caller c, CreateEncounter r) {
        if (r == null) {
            throw ProblemException.invalid(null, "A JSON body is required");
        }
        String type = r.type() == null ? null : r.type().trim();
        if (type == null || !Model.TYPES.contains(type)) {
            throw ProblemException.invalid("type", "One of " + new java.util.TreeSet<>(Model.TYPES));
        }
        String patientId = r.patientId();
        boolean staff = c.admin() || c.user().hasRole(Roles.DOCTOR) || c.user().hasRole(Roles.NURSE);
        if (!staff) {
            if (c.patientId() == null) {
                throw new ProblemException(403, "Forbidden", "Your account is not linked to a patient record", null,
                        null);
            }
            if (patientId != null && !patientId.equals(c.patientId())) {
                throw new ProblemException(403, "Forbidden", "Patients book for themselves only", "patientId", null);
            }
            patientId = c.patientId();
            // who else joins (and with what link) and what the visit costs are the clinic's to decide; 403 as for
            // patientId: the same body is fine from staff, so it is the caller, not the input, that is refused
            if (r.participants() != null && !r.participants().isEmpty()) {
                throw new ProblemException(403, "Forbidden", "Only the clinic invites participants to a visit",
                        "participants", null);
            }
            if (r.fee() != null) {
                throw new ProblemException(403, "Forbidden", "Only the clinic sets the fee of a visit", "fee", null);
            }
        }
        if (r.doctorId() == null || r.doctorId().isBlank()) {
            throw ProblemException.invalid("doctorId", "Required");
        }
        if (patientId == null || patientId.isBlank()) {
            throw ProblemException.invalid("patientId", "Required");
        }
        Instant start = parseStart("scheduledStart", r.scheduledStart());
        text("chiefComplaint", r.chiefComplaint(), 1000);
        text("patientNotes", r.patientNotes(), 4000);
        List<Participant> participants = participants(r.participants());
        BigDecimal fee = null;
        String currency = null;
        if (r.fee() != null) {
            fee = r.fee().amount();
            if (fee == null || fee.signum() < 0 || fee.scale() > 2 || fee.compareTo(BigDecimal.valueOf(1_000_000)) >= 0) {
                throw ProblemException.unprocessable("fee.amount", "0 to 999999.99, at most two decimals");
            }
            currency = r.fee().currency();
            try {
                java.util.Currency.getInstance(currency == null ? "" : currency);
            } catch (IllegalArgumentException e) {
                throw ProblemException.unprocessable("fee.currency", "An ISO 4217 code such as EUR");
            }
        }
        String doctorId = r.doctorId();
        String pid = patientId;
        Instant now = Instant.now();
        String id = UUID.randomUUID().toString();
        String room = type.equals("video") || type.equals("audio") ? UUID.randomUUID().toString() : null;
        BigDecimal feeAmount = fee;
        String feeCurrency = currency;
        Booked b = book(h -> {
            // reading the doctor and the patient takes their locks (doctor first, always)
            Doctor d = EncounterStore.lockedDoctor(h, doctorId)
                    .orElseThrow(() -> ProblemException.unprocessable("doctorId", "No doctor " + doctorId));
            Patient p = EncounterStore.lockedPatient(h, pid)
                    .orElseThrow(() -> ProblemException.unprocessable("patientId", "No patient " + pid));
            int minutes = duration(r.durationMinutes(), d);
            Instant end = start.plus(Duration.ofMinutes(minutes));
            checkTime(start, now);
            check(h, d, pid, start, end, null);
            Encounter e = new Encounter(id, type, Model.SCHEDULED, doctorId, pid, start, end, null, null,
                    r.chiefComplaint(), r.patientNotes(), null, Boolean.TRUE.equals(r.recordingEnabled()), null, null,
                    feeAmount, feeCurrency, false, accessCode(), room, null, null, 1, c.user().username(), now, now,
                    participants);
            EncounterStore.insertEncounter(h, e);
            // the row is what was just inserted: no need to read it back
            return new Booked(e, new Names(d, p), reminders.plan(h, e, now),
                    webhooks.outbox(h, event(e, null, "encounter.scheduled", now), now));
        });
        audit.record(c.user(), "encounter.create", pid, List.of(), "ok");
        return view(c, b.encounter(), null, b.names());
    }

    /** What a booking transaction leaves to do after its commit. */
    private record Booked(Encounter encounter, Names names, List<Reminder> reminders, List<String> hooks) {
    }

    /** The doctor and the patient of an encounter, for its view. */
    record Names(Doctor d, Patient p) {
    }

    private interface Work {
        Booked run(Handle h);
    }

    /** Runs a schedule-changing transaction and, after its commit, sends its reminders and webhook events. */
    private Booked book(Work w) {
        Booked b;
        try {
            b = db.jdbi().inTransaction(w::run);
        } catch (JdbiException e) {
            throw translate(e);
        }
        reminders.schedule(b.reminders());
        webhooks.dispatch(b.hooks());
        return b;
    }

    private Booked after(Handle h, Encounter e, String previous, String type, Instant now, List<Reminder> planned) {
        Encounter fresh = EncounterStore.encounter(h, e.id()).orElseThrow();
        Names names = new Names(EncounterStore.doctor(h, fresh.doctorId()).orElseThrow(),
                EncounterStore.patient(h, fresh.patientId()).orElseThrow());
        return new Booked(fresh, names, planned, webhooks.outbox(h, event(fresh, previous, type, now), now));
    }

    /** Takes the doctor's and the patient's locks, then checks working hours and both calendars. */
    private void lockAndCheck(Handle h, Doctor d, String patientId, Instant start, Instant end, String self) {
        EncounterStore.lockedDoctor(h, d.id());
        EncounterStore.lockedPatient(h, patientId);
        check(h, d, patientId, start, end, self);
    }

    /** With both locks held: working hours and both calendars. */
    private void check(Handle h, Doctor d, String patientId, Instant start, Instant end, String self) {
        Schedule s = EncounterStore.schedule(h, d);
        if (!s.covers(start, end)) {
            throw new ProblemException(422, "Outside working hours", d.displayName() + " does not work "
                    + Views.local(start, s.zone()).toLocalTime() + "–" + Views.local(end, s.zone()).toLocalTime()
                    + " on " + Views.local(start, s.zone()).toLocalDate() + " (" + s.zone()
                    + "); GET /api/v1/doctors/" + d.id() + "/slots lists free times", "scheduledStart", null);
        }
        if (EncounterStore.overlapping(h, "doctor", d.id(), start, end, config.maxDurationMinutes(), self).isPresent()) {
            throw new ProblemException(409, "Doctor not free", d.displayName() + " already has a visit overlapping"
                    + " this time", "scheduledStart", Map.of("conflict", "doctor"));
        }
        if (EncounterStore.overlapping(h, "patient", patientId, start, end, config.maxDurationMinutes(), self)
                .isPresent()) {
            throw new ProblemException(409, "Patient not free", "The patient already has a visit overlapping this"
                    + " time", "scheduledStart", Map.of("conflict", "patient"));
        }
    }

    /** Unique-slot violations and lock trouble under load become 409 / 503, never 500. */
    private static RuntimeException translate(JdbiException e) {
        Throwable t = e;
        while (t != null && !(t instanceof SQLException)) {
            t = t.getCause();
        }
        if (t instanceof SQLException sql) {
            String state = sql.getSQLState() == null ? "" : sql.getSQLState();
            if (state.equals("23505")) {
                return new ProblemException(409, "Slot taken", "The doctor or the patient already has a visit"
                        + " starting at this time", "scheduledStart", Map.of("conflict", "slot"));
            }
            if (state.equals("40P01") || state.equals("40001") || state.equals("55P03") || state.startsWith("HYT")
                    || sql.getErrorCode() == 50200 || sql.getErrorCode() == 40001) {
                return new ProblemException(503, "Busy", "The schedule is busy; try again", null, null);
            }
        }
        return e;
    }

    private void checkTime(Instant start, Instant now) {
        if (start.isBefore(now)) {
            throw ProblemException.unprocessable("scheduledStart", "Is in the past (" + start + ")");
        }
        if (start.isAfter(now.plus(Duration.ofDays(config.horizonDays())))) {
            throw ProblemException.unprocessable("scheduledStart", "More than " + config.horizonDays()
                    + " days ahead");
        }
    }

    private int duration(Integer minutes, Doctor d) {
        int m = minutes == null ? d.slotMinutes() : minutes;
        if (m < config.minDurationMinutes() || m > config.maxDurationMinutes()) {
            throw ProblemException.unprocessable("durationMinutes", "Must be " + config.minDurationMinutes() + " to "
                    + config.maxDurationMinutes() + " minutes");
        }
        return m;
    }

    static Instant parseStart(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.invalid(field, "Required: an ISO-8601 date-time with offset, e.g."
                    + " 2026-11-23T09:00:00+01:00");
        }
        Instant t;
        try {
            t = OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(field, "Not an ISO-8601 date-time with offset (e.g."
                    + " 2026-11-23T09:00:00+01:00 or ...Z): " + value);
        }
        if (t.getEpochSecond() % 60 != 0 || t.getNano() != 0) {
            throw ProblemException.unprocessable(field, "Visits start on a whole minute");
        }
        return t;
    }

    private static void text(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw ProblemException.invalid(field, "At most " + max + " characters");
        }
    }

    private static List<Participant> participants(List<ParticipantRequest> in) {
        if (in == null) {
            return List.of();
        }
        if (in.size() > 10) {
            throw ProblemException.invalid("participants", "At most 10 invited participants");
        }
        List<Participant> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            ParticipantRequest p = in.get(i);
            String f = "participants[" + i + "]";
            if (p == null || p.kind() == null || !Model.PARTICIPANT_KINDS.contains(p.kind())) {
                throw ProblemException.invalid(f + ".kind", "One of " + new java.util.TreeSet<>(Model.PARTICIPANT_KINDS));
            }
            if (p.displayName() == null || p.displayName().isBlank() || p.displayName().length() > 200) {
                throw ProblemException.invalid(f + ".displayName", "1 to 200 characters");
            }
            if (p.email() != null && !People.EMAIL.matcher(p.email()).matches()) {
                throw ProblemException.invalid(f + ".email", "Not an email address");
            }
            if (p.username() != null && (p.username().isBlank() || p.username().length() > 64)) {
                throw ProblemException.invalid(f + ".username", "1 to 64 characters");
            }
            out.add(new Participant(UUID.randomUUID().toString(), p.kind(), p.displayName().trim(), p.email(),
                    p.username() == null ? null : p.username().toLowerCase(java.util.Locale.ROOT)));
        }
        return out;
    }

    private String accessCode() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            sb.append(CODE_ALPHABET.charAt(random.nextInt(CODE_ALPHABET.length())));
        }
        return sb.toString();
    }

    // ---- reading

    Encounter visible(Caller c, String id) {
        Encounter e = db.jdbi().withHandle(h -> EncounterStore.encounter(h, id))
                .orElseThrow(() -> ProblemException.notFound("No encounter " + id));
        if (!sees(c, e)) {
            audit.record(c.user(), "encounter.read", e.patientId(), List.of(), "denied");
            throw ProblemException.notFound("No encounter " + id);
        }
        return e;
    }

    EncounterView get(Caller c, String id, String zone) {
        Encounter e = visible(c, id);
        audit.record(c.user(), "encounter.read", e.patientId(), List.of(), "ok");
        return view(c, e, zone);
    }

    Views.Page<EncounterView> list(Caller c, String doctorId, String patientId, String status, String from, String to,
            int offset, int limit, String zone) {
        if (status != null && !Model.TRANSITIONS.containsKey(status)) {
            throw ProblemException.invalid("status", "One of " + new java.util.TreeSet<>(Model.TRANSITIONS.keySet()));
        }
        if (offset < 0) {
            throw ProblemException.invalid("offset", "Must be 0 or more");
        }
        if (limit < 1 || limit > 200) {
            throw ProblemException.invalid("limit", "Must be between 1 and 200");
        }
        zone(zone);
        Instant f = Views.bound("from", from, java.time.ZoneOffset.UTC);
        Instant t = Views.bound("to", to, java.time.ZoneOffset.UTC);
        String participant = null;
        String patient = patientId;
        if (!c.admin()) {
            boolean staff = c.user().hasRole(Roles.DOCTOR) || c.user().hasRole(Roles.NURSE);
            if (staff) {
                participant = c.user().username(); // the encounters they take part in
            } else {
                if (c.patientId() == null || (patientId != null && !patientId.equals(c.patientId()))) {
                    return new Views.Page<>(List.of(), offset, limit, 0);
                }
                patient = c.patientId();
            }
        }
        EncounterStore.Filter filter = new EncounterStore.Filter(doctorId, patient, status, f, t, participant);
        List<Encounter> page = db.jdbi().withHandle(h -> EncounterStore.list(h, filter, offset, limit));
        long total = db.jdbi().withHandle(h -> EncounterStore.count(h, filter));
        Set<String> patients = new LinkedHashSet<>();
        page.forEach(e -> patients.add(e.patientId()));
        for (String p : patients) {
            audit.record(c.user(), "encounter.list", p, List.of(), "ok");
        }
        // a page often shows one doctor or one patient many times: read each once
        Map<String, Doctor> doctors = new java.util.HashMap<>();
        Map<String, Patient> people = new java.util.HashMap<>();
        List<EncounterView> views = db.jdbi().withHandle(h -> page.stream().map(e -> view(c, e, zone, new Names(
                doctors.computeIfAbsent(e.doctorId(), id -> EncounterStore.doctor(h, id).orElseThrow()),
                people.computeIfAbsent(e.patientId(), id -> EncounterStore.patient(h, id).orElseThrow())))).toList());
        return new Views.Page<>(views, offset, limit, total);
    }

    static ZoneId zone(String zone) {
        if (zone == null || zone.isBlank()) {
            return null;
        }
        try {
            return ZoneId.of(zone.trim());
        } catch (DateTimeException e) {
            throw ProblemException.invalid("zone", "Not a time zone id such as Europe/Berlin: " + zone);
        }
    }

    EncounterView view(Caller c, Encounter e, String zone) {
        return view(c, e, zone, db.jdbi().withHandle(h -> new Names(EncounterStore.doctor(h, e.doctorId())
                .orElseThrow(), EncounterStore.patient(h, e.patientId()).orElseThrow())));
    }

    private EncounterView view(Caller c, Encounter e, String zone, Names n) {
        ZoneId z = zone(zone);
        if (z == null) {
            String pz = n.p().timeZone();
            z = patientOf(c, e) && pz != null ? ZoneId.of(pz) : ZoneId.of(n.d().timeZone());
        }
        Map<String, String> all = links.links(e, n.d().displayName(), n.p().displayName());
        Map<String, String> mine = new LinkedHashMap<>();
        if (runs(c, e)) {
            mine.putAll(all); // the doctor hands the links out
        } else {
            if (patientOf(c, e) && all.containsKey("patient")) {
                mine.put("patient", all.get("patient"));
            }
            for (Participant p : invitations(c, e)) {
                if (all.containsKey(p.id())) {
                    mine.put(p.id(), all.get(p.id()));
                }
            }
        }
        return new EncounterView(e.id(), e.type(), e.status(), Model.TRANSITIONS.get(e.status()).stream()
                .map(ACTION_OF::get).toList(), e.doctorId(), n.d().displayName(), e.patientId(),
                n.p().displayName(), e.scheduledStart(), e.scheduledEnd(), e.durationMinutes(), z.getId(),
                Views.local(e.scheduledStart(), z), Views.local(e.scheduledEnd(), z), e.actualStart(), e.actualEnd(),
                e.chiefComplaint(), e.patientNotes(), readsDoctorNotes(c, e) ? e.doctorNotes() : null,
                e.participants().stream().map(p -> new ParticipantView(p.id(), p.kind(), p.displayName(), p.email(),
                        p.username())).toList(), e.recordingEnabled(), e.recordingConsentBy(),
                e.recordingConsentAt(), e.feeAmount() == null ? null : new Views.Fee(e.feeAmount(), e.feeCurrency()),
                e.paid(), e.accessCode(), e.roomId(), mine, e.cancelReason(), e.revision(), e.createdBy(),
                e.createdAt(), e.updatedAt());
    }

    // ---- lifecycle

    EncounterView transition(Caller c, String id, String to, String reason) {
        Encounter e = visible(c, id);
        boolean runs = runs(c, e);
        boolean allowed = switch (to) {
            case Model.CONFIRMED, Model.CANCELLED -> runs || patientOf(c, e);
            default -> runs;
        };
        if (!allowed) {
            throw new ProblemException(403, "Forbidden", "Only the doctor or an administrator may "
                    + ACTION_OF.get(to) + " a visit", null, null);
        }
        if (reason != null && reason.length() > 500) {
            throw ProblemException.invalid("reason", "At most 500 characters");
        }
        if (to.equals(Model.CANCELLED) && (reason == null || reason.isBlank())) {
            throw ProblemException.invalid("reason", "A reason is required to cancel");
        }
        Instant now = Instant.now();
        illegal(e, to);
        if (to.equals(Model.IN_PROGRESS)) {
            Instant earliest = e.scheduledStart().minus(Duration.ofMinutes(config.startEarlyMinutes()));
            if (now.isBefore(earliest)) {
                throw new ProblemException(409, "Too early", "The visit can be started from " + earliest + " ("
                        + config.startEarlyMinutes() + " minutes before its start)", null,
                        Map.of("status", e.status(), "startableFrom", earliest.toString()));
            }
        }
        if (to.equals(Model.NO_SHOW)) {
            Instant earliest = e.scheduledEnd().plus(Duration.ofMinutes(config.noShowAfterMinutes()));
            if (now.isBefore(earliest)) {
                throw new ProblemException(409, "Too early", "A visit can be marked as a no-show from " + earliest
                        + " (" + config.noShowAfterMinutes() + " minutes after its scheduled end)", null,
                        Map.of("status", e.status(), "noShowFrom", earliest.toString()));
            }
        }
        Booked b = book(h -> {
            if (!EncounterStore.transition(h, id, e.status(), to, now, reason, c.user().username())) {
                Encounter current = EncounterStore.encounter(h, id).orElseThrow();
                illegal(current, to);
                throw ProblemException.conflict("The visit changed meanwhile; read it again");
            }
            if (!Model.SCHEDULED.equals(to) && !Model.CONFIRMED.equals(to)) {
                EncounterStore.closeReminders(h, id, "cancelled", "the visit is " + to.replace('_', ' '), now);
            }
            return after(h, e, e.status(), "encounter." + to, now, List.of());
        });
        audit.record(c.user(), "encounter." + ACTION_OF.get(to), e.patientId(), List.of(), "ok");
        return view(c, b.encounter(), null, b.names());
    }

    private static void illegal(Encounter e, String to) {
        List<String> allowed = Model.TRANSITIONS.get(e.status());
        if (!allowed.contains(to)) {
            throw new ProblemException(409, "Illegal transition", "A visit that is " + e.status().replace('_', ' ')
                    + " cannot be " + (to.equals(Model.IN_PROGRESS) ? "started" : to.replace('_', ' '))
                    + (allowed.isEmpty() ? "; it is final" : "; allowed: " + allowed.stream().map(ACTION_OF::get)
                            .toList()), null,
                    Map.of("status", e.status(), "allowedTransitions", allowed.stream().map(ACTION_OF::get).toList()));
        }
    }

    EncounterView reschedule(Caller c, String id, Views.Reschedule r) {
        Encounter e = visible(c, id);
        if (!runs(c, e) && !patientOf(c, e)) {
            throw new ProblemException(403, "Forbidden", "Not yours to reschedule", null, null);
        }
        if (r == null) {
            throw ProblemException.invalid(null, "A JSON body is required");
        }
        Instant start = parseStart("scheduledStart", r.scheduledStart());
        Instant now = Instant.now();
        if (!e.status().equals(Model.SCHEDULED) && !e.status().equals(Model.CONFIRMED)) {
            throw new ProblemException(409, "Illegal transition", "A visit that is " + e.status().replace('_', ' ')
                    + " cannot be rescheduled", null, Map.of("status", e.status(), "allowedTransitions",
                            Model.TRANSITIONS.get(e.status()).stream().map(ACTION_OF::get).toList()));
        }
        Booked b = book(h -> {
            Doctor d = EncounterStore.doctor(h, e.doctorId()).orElseThrow();
            int minutes = duration(r.durationMinutes() == null ? e.durationMinutes() : r.durationMinutes(), d);
            Instant end = start.plus(Duration.ofMinutes(minutes));
            checkTime(start, now);
            lockAndCheck(h, d, e.patientId(), start, end, id);
            if (!EncounterStore.reschedule(h, id, e.revision(), start, end, now)) {
                throw ProblemException.conflict("The visit changed meanwhile; read it again");
            }
            EncounterStore.closeReminders(h, id, "replaced", "the visit was rescheduled", now);
            Encounter moved = EncounterStore.encounter(h, id).orElseThrow();
            return after(h, moved, e.status(), "encounter.rescheduled", now, reminders.plan(h, moved, now));
        });
        audit.record(c.user(), "encounter.reschedule", e.patientId(), List.of(), "ok");
        return view(c, b.encounter(), null, b.names());
    }

    EncounterView notes(Caller c, String id, Views.Notes n) {
        Encounter e = visible(c, id);
        if (n == null || (n.patientNotes() == null && n.doctorNotes() == null)) {
            throw ProblemException.invalid(null, "Give patientNotes or doctorNotes");
        }
        Instant now = Instant.now();
        if (n.patientNotes() != null) {
            if (!patientOf(c, e) && !runs(c, e)) {
                throw new ProblemException(403, "Forbidden", "Not your visit", "patientNotes", null);
            }
            if (!e.status().equals(Model.SCHEDULED) && !e.status().equals(Model.CONFIRMED)) {
                throw ProblemException.conflict("Notes before the visit can be changed until it starts");
            }
            text("patientNotes", n.patientNotes(), 4000);
        }
        if (n.doctorNotes() != null) {
            if (!runs(c, e)) {
                throw new ProblemException(403, "Forbidden", "Only the visit's doctor writes doctor's notes",
                        "doctorNotes", null);
            }
            text("doctorNotes", n.doctorNotes(), 10000);
        }
        db.jdbi().useTransaction(h -> {
            int rev = e.revision();
            if (n.patientNotes() != null && !EncounterStore.set(h, id, rev++, "patient_notes", n.patientNotes(), now)) {
                throw ProblemException.conflict("The visit changed meanwhile; read it again");
            }
            if (n.doctorNotes() != null && !EncounterStore.set(h, id, rev, "doctor_notes", n.doctorNotes(), now)) {
                throw ProblemException.conflict("The visit changed meanwhile; read it again");
            }
        });
        audit.record(c.user(), "encounter.notes", e.patientId(), List.of(), "ok");
        return view(c, visible(c, id), null);
    }

    EncounterView consent(Caller c, String id) {
        Encounter e = visible(c, id);
        if (!patientOf(c, e)) {
            throw new ProblemException(403, "Forbidden", "Only the patient consents to recording", null, null);
        }
        if (!e.recordingEnabled()) {
            throw ProblemException.conflict("This visit is not to be recorded");
        }
        if (!db.jdbi().withHandle(h -> EncounterStore.consent(h, id, e.revision(), c.user().username(),
                Instant.now()))) {
            throw ProblemException.conflict("The visit changed meanwhile; read it again");
        }
        audit.record(c.user(), "encounter.recording-consent", e.patientId(), List.of(), "ok");
        return view(c, visible(c, id), null);
    }

    EncounterView paid(Caller c, String id, Views.Paid p) {
        Encounter e = visible(c, id);
        if (!c.admin()) { // the REST resource says the same; the rule lives here
            throw new ProblemException(403, "Forbidden", "Only an administrator marks a visit as paid", "paid", null);
        }
        if (p == null || p.paid() == null) {
            throw ProblemException.invalid("paid", "Required: true or false");
        }
        if (!db.jdbi().withHandle(h -> EncounterStore.set(h, id, e.revision(), "paid", p.paid(), Instant.now()))) {
            throw ProblemException.conflict("The visit changed meanwhile; read it again");
        }
        audit.record(c.user(), "encounter.paid", e.patientId(), List.of(), "ok");
        return view(c, visible(c, id), null);
    }

    List<Views.ReminderView> reminders(Caller c, String id) {
        Encounter e = visible(c, id);
        if (!runs(c, e)) {
            throw new ProblemException(403, "Forbidden", "Reminders are shown to the doctor and administrators", null,
                    null);
        }
        return reminders.list(id).stream().map(r -> new Views.ReminderView(r.id(), r.offsetSeconds(), r.dueAt(),
                r.state(), r.detail(), r.sentAt())).toList();
    }

    /** The webhook event of a change: ids and times only, no clinical text. */
    static Map<String, Object> event(Encounter e, String previous, String type, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", UUID.randomUUID().toString());
        m.put("type", type);
        m.put("occurredAt", now.toString());
        m.put("encounterId", e.id());
        m.put("sessionId", e.id());
        m.put("status", e.status());
        m.put("sessionStatus", Model.portalStatus(e.status()));
        m.put("previousStatus", previous);
        m.put("revision", e.revision());
        m.put("encounterType", e.type());
        m.put("doctorId", e.doctorId());
        m.put("patientId", e.patientId());
        m.put("scheduledStart", e.scheduledStart().toString());
        m.put("scheduledEnd", e.scheduledEnd().toString());
        return m;
    }

    Optional<Doctor> doctor(String id) {
        return db.jdbi().withHandle(h -> EncounterStore.doctor(h, id));
    }

    EncounterDb db() {
        return db;
    }

    EncounterConfig config() {
        return config;
    }
}
