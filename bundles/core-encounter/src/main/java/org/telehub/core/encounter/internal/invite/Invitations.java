package org.telehub.core.encounter.internal.invite;

import static org.telehub.core.encounter.internal.Sql.instant;
import static org.telehub.core.encounter.internal.Sql.ts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import org.jdbi.v3.core.Handle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.telehub.core.encounter.PeopleService.Doctor;
import org.telehub.core.encounter.PeopleService.Patient;
import org.telehub.core.encounter.event.EncounterEventType;
import org.telehub.core.encounter.internal.Checks;
import org.telehub.core.encounter.internal.EncounterConfig;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.core.encounter.internal.encounter.Access;
import org.telehub.core.encounter.internal.encounter.Encounter;
import org.telehub.core.encounter.internal.encounter.EncounterStore;
import org.telehub.core.encounter.internal.event.Changes;
import org.telehub.core.encounter.internal.event.EventPublisher;
import org.telehub.core.encounter.internal.join.JoinLinks;
import org.telehub.core.encounter.internal.people.Caller;
import org.telehub.core.encounter.internal.people.PeopleStore;
import org.telehub.core.encounter.internal.reminder.Texts;
import org.telehub.domain.ConflictException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotAuthenticatedException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnprocessableException;
import org.telehub.domain.notify.Notification;
import org.telehub.domain.notify.NotificationChannel;
import org.telehub.files.SecretBox;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;
import org.telehub.security.VisitIdentities;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;
import org.telehub.work.WorkState;

/**
 * Invitations to a video or audio visit and joining it by its access code (ARCHITECTURE.md, "Invitations").
 *
 * <p>An invitation adds the participant (colleague, guest, interpreter; a patient invitation goes to the visit's own
 * patient), makes the visit's access code if it has none, writes the invitation and one send per channel (a work
 * item on {@value #TOPIC}) in one transaction: once answered 201 it will be sent, across restarts; a failed send is
 * retried (30 s doubling to 4 min, 5 attempts, then dead) and its state shown per channel. The message carries a
 * single-use link {@code <base>/join/<room>?invite=<secret>} and the access code.
 *
 * <p>Redeeming the link spends it under a row lock (of racing redeems exactly one wins) and gives a guest or
 * interpreter a {@link VisitIdentities visit identity}; a patient or colleague has an account, so their redeem
 * gives the room's join link and asks them to sign in for anything else (a forwarded message cannot act as them).
 */
@Component(service = {Invitations.class, WorkHandler.class}, configurationPid = "org.telehub.encounter",
        property = {WorkHandler.TOPIC + "=" + Invitations.TOPIC, WorkHandler.MAX_ATTEMPTS + ":Integer=5",
            WorkHandler.BACKOFF_INITIAL_MILLIS + ":Long=30000", WorkHandler.BACKOFF_MAX_MILLIS + ":Long=300000"})
public class Invitations implements WorkHandler {
    public static final String TOPIC = "encounter.invitation";
    public static final String PATIENT = "patient";
    public static final Set<String> KINDS = Set.of(PATIENT, "colleague", Roles.GUEST, Roles.INTERPRETER);
    public static final List<String> CHANNELS = List.of("email", "sms");
    static final String SECRET_CONTEXT = "encounter_invitation.secret_sealed";
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9]{6,20}");
    private static final Pattern CODE = Pattern.compile("[0-9]{9}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AuthenticatedUser ANONYMOUS = new AuthenticatedUser(0, "anonymous", "anonymous", Set.of());

    private final EncounterDb db;
    private final JoinLinks links;
    private final WorkService work;
    private final SecretBox box;
    private final AuditLog audit;
    private final VisitIdentities identities;
    private final EventPublisher publisher;
    private final String defaultLanguage;
    private final int joinsPerVisit;
    private final CodeThrottle throttle;
    private final Clock clock;
    private final List<NotificationChannel> channels = new CopyOnWriteArrayList<>();

    @Activate
    public Invitations(@Reference EncounterDb db, @Reference JoinLinks links, @Reference WorkService work,
            @Reference SecretBox box, @Reference AuditLog audit, @Reference VisitIdentities identities,
            @Reference EventPublisher publisher, EncounterConfig config) {
        this(db, links, work, box, audit, identities, publisher, config, Clock.systemUTC());
    }

    public Invitations(EncounterDb db, JoinLinks links, WorkService work, SecretBox box, AuditLog audit,
            VisitIdentities identities, EventPublisher publisher, EncounterConfig config, Clock clock) {
        this.db = db;
        this.links = links;
        this.work = work;
        this.box = box;
        this.audit = audit;
        this.identities = identities;
        this.publisher = publisher;
        this.defaultLanguage = config.reminderLanguage();
        this.joinsPerVisit = config.codeJoinsPerVisit();
        this.throttle = new CodeThrottle(clock, config.codeFailuresPerAddress(), config.codeFailuresPerHub(),
                Duration.ofMinutes(config.codeWindowMinutes()));
        this.clock = clock;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(!(enabled=false))")
    public void addChannel(NotificationChannel c) {
        channels.add(c);
    }

    void removeChannel(NotificationChannel c) {
        channels.remove(c);
    }

    // ---- the API's shapes

    /** {@code POST /encounters/{id}/invitations}. */
    public record InviteRequest(String kind, String displayName, String email, String phone, List<String> channels,
            String language, String timeZone, String username) {
    }

    /** One channel's send: its work item's state in the reminders' words (pending, sending, sent, failed, cancelled). */
    public record SendView(String channel, String state, String detail, Instant sentAt) {
    }

    public record InvitationView(String id, String encounterId, String kind, String participantId,
            String displayName, String language, String timeZone, String createdBy, Instant createdAt,
            Instant expiresAt, Instant redeemedAt, Instant revokedAt, List<SendView> sends) {
    }

    /** The invitations of a visit and its access code (shown to who invites). */
    public record Listing(String accessCode, List<InvitationView> invitations) {
    }

    /**
     * What a redeemed link or an access code gives: a guest's or interpreter's visit identity ({@code token}, bearer)
     * and the room's join link; for a patient or colleague only the join link and {@code signIn: true}.
     */
    public record Redeemed(String encounterId, String kind, String participantId, String displayName, String token,
            Instant expiresAt, String joinUrl, boolean signIn) {
    }

    /** Too many wrong access codes: answered 429 with Retry-After. */
    public static final class Throttled extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public final long seconds;

        Throttled(long seconds) {
            super("Too many wrong access codes; retry after " + seconds + " s", null, false, false);
            this.seconds = seconds;
        }
    }

    // ---- invite

    private record Row(String id, String encounterId, String kind, String participantId, String displayName,
            String email, String phone, String language, String timeZone, String secretSealed, String createdBy,
            Instant createdAt, Instant expiresAt, Instant redeemedAt, Instant revokedAt) {
    }

    private static final String COLUMNS = "id, encounter_id, kind, participant_id, display_name, email, phone,"
            + " language, time_zone, secret_sealed, created_by, created_at, expires_at, redeemed_at, revoked_at";

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                rs.getString(11), instant(rs, 12), instant(rs, 13), instant(rs, 14), instant(rs, 15));
    }

    /** The visit for one who invites, or 404 (not seen) / 403 (seen, may not invite); refusals audited. */
    private Encounter forInviter(Caller c, String encounterId) {
        Encounter e = db.jdbi().withHandle(h -> EncounterStore.encounter(h, encounterId))
                .orElseThrow(() -> new NotFoundException("No encounter " + encounterId));
        if (!Access.invites(c, e)) {
            audit.record(c.user(), "encounter.invitation", e.patientId(), List.of(), "denied");
            if (Access.sees(c, e)) {
                throw new ForbiddenException("Only who runs the visit and front desk invite to it");
            }
            throw new NotFoundException("No encounter " + encounterId);
        }
        return e;
    }

    public InvitationView invite(AuthenticatedUser user, String encounterId, InviteRequest r) {
        Caller c = Caller.of(db, user);
        if (r == null) {
            throw new InvalidException("kind", "A body is required: {kind, displayName, email?, phone?, ...}");
        }
        Encounter e = forInviter(c, encounterId);
        if (r.kind() == null || !KINDS.contains(r.kind())) {
            throw new InvalidException("kind", "One of " + new java.util.TreeSet<>(KINDS));
        }
        boolean patient = r.kind().equals(PATIENT);
        String language = r.language() == null ? defaultLanguage : r.language();
        if (!Texts.LANGUAGES.contains(language)) {
            throw new InvalidException("language", "One of " + Texts.LANGUAGES);
        }
        if (r.timeZone() != null) {
            try {
                ZoneId.of(r.timeZone());
            } catch (DateTimeException x) {
                throw new InvalidException("timeZone", "An IANA time zone such as Europe/Berlin");
            }
        }
        if (r.username() != null && !r.kind().equals("colleague")) {
            throw new InvalidException("username", "Only a colleague is invited with their account");
        }
        if (r.username() != null && (r.username().isBlank() || r.username().length() > 64)) {
            throw new InvalidException("username", "1 to 64 characters");
        }
        if (!patient && (r.displayName() == null || r.displayName().isBlank() || r.displayName().length() > 200)) {
            throw new InvalidException("displayName", "Required: 1 to 200 characters");
        }
        if (r.email() != null && (r.email().length() > 254 || !Checks.EMAIL.matcher(r.email()).matches())) {
            throw new InvalidException("email", "An email address");
        }
        String phone = r.phone() == null ? null : r.phone().replaceAll("[\\s()-]", "");
        if (phone != null && !PHONE.matcher(phone).matches()) {
            throw new InvalidException("phone", "A phone number in international form, e.g. +4915112345678");
        }
        if (r.channels() != null && (r.channels().isEmpty() || !CHANNELS.containsAll(r.channels()))) {
            throw new InvalidException("channels", "Some of " + CHANNELS);
        }
        if (e.roomId() == null) {
            throw new UnprocessableException("encounterId", "Only video and audio visits have invitations; this one"
                    + " is " + e.type().replace('_', ' '));
        }
        Instant now = clock.instant();
        Instant expires = e.scheduledEnd().plus(links.grace());
        if (!Access.live(e) || !now.isBefore(expires)) {
            throw new ConflictException("Visit over", "The visit is " + (Access.live(e) ? "over" : e.status()
                    .replace('_', ' ')) + ": nobody can be invited to it", null, Map.of("encounterStatus", e.status()));
        }
        Patient p = db.jdbi().withHandle(h -> PeopleStore.patient(h, e.patientId()).orElseThrow());
        Doctor d = db.jdbi().withHandle(h -> PeopleStore.doctor(h, e.doctorId()).orElseThrow());
        String email = r.email() != null ? r.email() : patient ? p.email() : null;
        String tel = phone != null ? phone : patient ? p.phone() : null;
        List<String> via = new ArrayList<>();
        for (String ch : r.channels() == null ? CHANNELS : r.channels()) {
            String address = ch.equals("email") ? email : tel;
            if (address != null) {
                via.add(ch);
            } else if (r.channels() != null) {
                throw new InvalidException(ch.equals("email") ? "email" : "phone", "Needed to send by " + ch
                        + (patient ? " (none on the patient's record)" : ""));
            }
        }
        if (via.isEmpty()) {
            throw new InvalidException("email", "An email address or a phone number is needed to send the invitation"
                    + (patient ? " (none on the patient's record)" : ""));
        }
        String zone = r.timeZone() != null ? r.timeZone()
                : patient && p.timeZone() != null ? p.timeZone() : d.timeZone();
        String name = patient ? (r.displayName() != null ? r.displayName().trim() : p.displayName())
                : r.displayName().trim();
        String id = UUID.randomUUID().toString();
        String secret = secret();
        String participant = patient ? null : UUID.randomUUID().toString();
        Changes[] changes = new Changes[1];
        db.jdbi().useTransaction(h -> {
            Encounter locked = lock(h, encounterId);
            if (!Access.live(locked)) {
                throw new ConflictException("Visit over", "The visit is " + locked.status().replace('_', ' '),
                        null, Map.of("encounterStatus", locked.status()));
            }
            links.accessCode(h, encounterId, now);
            if (participant != null) {
                h.createUpdate("INSERT INTO encounter_participant (id, encounter_id, kind, display_name, email,"
                        + " username, created_at, joined_by) VALUES (:id, :e, :k, :n, :m, :u, :t, 'invitation')")
                        .bind("id", participant).bind("e", encounterId).bind("k", r.kind()).bind("n", name)
                        .bind("m", email).bind("u", r.username() == null ? null
                                : r.username().toLowerCase(Locale.ROOT)).bind("t", ts(now)).execute();
                changes[0] = new Changes(h, publisher);
                changes[0].record(locked, EncounterEventType.PARTICIPANT_ADDED, user.username(),
                        Map.of("participantId", participant, "kind", r.kind()));
            }
            h.createUpdate("INSERT INTO encounter_invitation (" + COLUMNS + ", secret_hash) VALUES (:id, :e, :k, :p,"
                    + " :n, :m, :tel, :lang, :zone, :sealed, :by, :now, :exp, NULL, NULL, :hash)").bind("id", id)
                    .bind("e", encounterId).bind("k", r.kind()).bind("p", participant).bind("n", name)
                    .bind("m", email).bind("tel", tel).bind("lang", language).bind("zone", zone)
                    .bind("sealed", box.seal(secret, SECRET_CONTEXT + ":" + id)).bind("by", user.username())
                    .bind("now", ts(now)).bind("exp", ts(expires)).bind("hash", sha256(secret)).execute();
            for (String ch : via) {
                String sendId = UUID.randomUUID().toString();
                String workId = work.submit(h, WorkRequest.of(TOPIC, sendId).withIdempotencyKey(sendId));
                h.createUpdate("INSERT INTO encounter_invitation_send (id, invitation_id, channel, work_id)"
                        + " VALUES (:id, :i, :c, :w)").bind("id", sendId).bind("i", id).bind("c", ch)
                        .bind("w", workId).execute();
            }
            audit.record(h, user, "encounter.invitation.create", e.patientId(), List.of(), "ok: " + r.kind()
                    + " invited by " + String.join(", ", via) + " (invitation " + id + ")");
        });
        if (changes[0] != null) {
            changes[0].committed();
        }
        return db.jdbi().withHandle(h -> view(h, get(h, id).orElseThrow()));
    }

    private static Encounter lock(Handle h, String encounterId) {
        h.createQuery("SELECT id FROM encounter WHERE id = :e FOR UPDATE").bind("e", encounterId).mapTo(String.class)
                .findOne().orElseThrow(() -> new NotFoundException("No encounter " + encounterId));
        return EncounterStore.encounter(h, encounterId).orElseThrow();
    }

    private Optional<Row> get(Handle h, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM encounter_invitation WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> row(rs)).findOne();
    }

    private record Send(String id, String invitationId, String channel, String workId, String detail,
            Instant sentAt) {
    }

    private static List<Send> sends(Handle h, String invitationId) {
        return h.createQuery("SELECT id, invitation_id, channel, work_id, detail, sent_at FROM"
                + " encounter_invitation_send WHERE invitation_id = :i ORDER BY channel").bind("i", invitationId)
                .map((rs, ctx) -> new Send(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), instant(rs, 6))).list();
    }

    private InvitationView view(Handle h, Row r) {
        List<Send> ss = sends(h, r.id());
        Map<String, WorkItem> items = work.find(ss.stream().map(Send::workId).toList());
        List<SendView> out = ss.stream().map(s -> {
            WorkItem w = items.get(s.workId());
            String state = w != null ? state(w.state()) : s.sentAt() != null ? "sent"
                    : s.detail() != null ? "cancelled" : "unknown";
            String detail = w != null && w.lastError() != null && !state.equals("sent") ? w.lastError() : s.detail();
            return new SendView(s.channel(), state, detail, s.sentAt());
        }).toList();
        return new InvitationView(r.id(), r.encounterId(), r.kind(), r.participantId(), r.displayName(),
                r.language(), r.timeZone(), r.createdBy(), r.createdAt(), r.expiresAt(), r.redeemedAt(),
                r.revokedAt(), out);
    }

    static String state(WorkState s) {
        return switch (s) {
            case PENDING -> "pending";
            case RUNNING -> "sending";
            case DONE -> "sent";
            case DEAD -> "failed";
            case CANCELLED -> "cancelled";
        };
    }

    /** The visit's invitations, newest first, and its access code. */
    public Listing list(AuthenticatedUser user, String encounterId) {
        Caller c = Caller.of(db, user);
        Encounter e = forInviter(c, encounterId);
        audit.record(user, "encounter.invitation.read", e.patientId(), List.of(), "ok");
        return db.jdbi().withHandle(h -> {
            String code = links.accessCodeOf(h, encounterId).orElse(null);
            List<Row> rows = h.createQuery("SELECT " + COLUMNS + " FROM encounter_invitation WHERE encounter_id = :e"
                    + " ORDER BY created_at DESC, id").bind("e", encounterId).map((rs, ctx) -> row(rs)).list();
            return new Listing(code, rows.stream().map(r -> view(h, r)).toList());
        });
    }

    /**
     * Revokes an invitation: its link stops, its unsent messages are withdrawn, the identities it gave end and the
     * participant it added leaves the visit (their join link stops). Revoking twice is 409.
     */
    public InvitationView revoke(AuthenticatedUser user, String encounterId, String invitationId) {
        Caller c = Caller.of(db, user);
        Encounter e = forInviter(c, encounterId);
        Instant now = clock.instant();
        db.jdbi().useTransaction(h -> {
            Row r = get(h, invitationId).filter(x -> x.encounterId().equals(encounterId))
                    .orElseThrow(() -> new NotFoundException("No invitation " + invitationId + " of this visit"));
            int n = h.createUpdate("UPDATE encounter_invitation SET revoked_at = :now, secret_sealed = NULL"
                    + " WHERE id = :id AND revoked_at IS NULL").bind("now", ts(now)).bind("id", invitationId)
                    .execute();
            if (n == 0) {
                throw new ConflictException("Already revoked", "The invitation was revoked at " + r.revokedAt(),
                        null, Map.of("revokedAt", String.valueOf(r.revokedAt())));
            }
            for (Send s : sends(h, invitationId)) {
                if (work.cancelById(h, s.workId())) {
                    h.createUpdate("UPDATE encounter_invitation_send SET detail = 'the invitation was revoked'"
                            + " WHERE id = :id").bind("id", s.id()).execute();
                }
            }
            identities.revokeSource(h, "invitation:" + invitationId);
            if (r.participantId() != null) {
                h.createUpdate("DELETE FROM encounter_participant WHERE id = :p").bind("p", r.participantId())
                        .execute();
            }
            audit.record(h, user, "encounter.invitation.revoke", e.patientId(), List.of(), "ok: invitation "
                    + invitationId);
        });
        return db.jdbi().withHandle(h -> view(h, get(h, invitationId).orElseThrow()));
    }

    // ---- redeem

    /** A refused redeem or code: the reason for the problem's detail and the audit. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String patientId;

        Refused(String reason, String patientId) {
            super(reason, null, false, false);
            this.patientId = patientId;
        }
    }

    /**
     * Spends an invitation link: first use only (the row is locked, so of racing redeems one wins and the others
     * find it used). A refusal (unknown, already used, revoked, expired, the visit over) writes nothing but its
     * audit row and is 401.
     */
    public Redeemed redeem(String invite, String address) {
        if (invite == null || invite.isBlank() || invite.length() > 100) {
            throw new InvalidException("invite", "Required: the invite parameter of the invitation's link");
        }
        Instant now = clock.instant();
        try {
            return db.jdbi().inTransaction(h -> {
                Row r = h.createQuery("SELECT " + COLUMNS + " FROM encounter_invitation WHERE secret_hash = :h"
                        + " FOR UPDATE").bind("h", sha256(invite)).map((rs, ctx) -> row(rs)).findOne()
                        .orElseThrow(() -> new Refused("unknown link", null));
                Encounter e = EncounterStore.encounter(h, r.encounterId()).orElseThrow();
                if (r.revokedAt() != null) {
                    throw new Refused("the invitation was revoked", e.patientId());
                }
                if (r.redeemedAt() != null) {
                    throw new Refused("already used", e.patientId());
                }
                if (!now.isBefore(r.expiresAt())) {
                    throw new Refused("expired", e.patientId());
                }
                if (!Access.live(e)) {
                    throw new Refused("the visit is " + e.status().replace('_', ' '), e.patientId());
                }
                h.createUpdate("UPDATE encounter_invitation SET redeemed_at = :now, secret_sealed = NULL"
                        + " WHERE id = :id").bind("now", ts(now)).bind("id", r.id()).execute();
                Doctor d = PeopleStore.doctor(h, e.doctorId()).orElseThrow();
                Patient p = PeopleStore.patient(h, e.patientId()).orElseThrow();
                Map<String, String> all = links.links(e, d.displayName(), p.displayName());
                Redeemed out;
                if (Roles.VISIT_KINDS.contains(r.kind())) {
                    VisitIdentities.Issued id = identities.issue(h, e.id(), r.participantId(), r.kind(),
                            r.displayName(), "invitation:" + r.id(), r.expiresAt());
                    out = new Redeemed(e.id(), r.kind(), r.participantId(), r.displayName(), id.token(),
                            id.expiresAt(), all.get(r.participantId()), false);
                } else {
                    String link = r.kind().equals(PATIENT) ? all.get("patient") : all.get(r.participantId());
                    out = new Redeemed(e.id(), r.kind(), r.participantId(), r.displayName(), null, r.expiresAt(),
                            link, true);
                }
                audit.record(h, actor(r.participantId(), r.displayName()), "encounter.invitation.redeem",
                        e.patientId(), List.of(), "ok: invitation " + r.id() + " from " + address);
                return out;
            });
        } catch (Refused x) {
            audit.record(ANONYMOUS, "encounter.invitation.redeem", x.patientId, List.of(), "denied: " + x.getMessage()
                    + " (from " + address + ")");
            throw new NotAuthenticatedException("Invitation link refused", "This invitation link does not work: "
                    + x.getMessage(), "invite", Map.of("error", "invalid_token"));
        }
    }

    private static AuthenticatedUser actor(String participantId, String name) {
        return participantId == null ? ANONYMOUS : new AuthenticatedUser(0, "visit:" + participantId, name,
                Set.of());
    }

    /**
     * Joins a visit as a guest by its access code: a new participant (kind guest, joined by code) and its visit
     * identity. Throttled per address and hub-wide before the code is looked at ({@link Throttled}); a wrong code and
     * the code of a visit that is over get the same answer (no oracle), both audited; at most
     * {@code codeJoinsPerVisit} guests join one visit by code.
     */
    public Redeemed joinByCode(String code, String displayName, String address) {
        if (code == null || code.isBlank()) {
            throw new InvalidException("code", "Required: the visit's access code");
        }
        if (displayName == null || displayName.isBlank() || displayName.length() > 200) {
            throw new InvalidException("displayName", "Required: 1 to 200 characters");
        }
        long wait = throttle.waitSeconds(address);
        if (wait > 0) {
            audit.record(ANONYMOUS, "encounter.join.code", null, List.of(), "denied: throttled (from " + address
                    + ")");
            throw new Throttled(wait);
        }
        String digits = code.replaceAll("[\\s-]", "");
        Instant now = clock.instant();
        String name = displayName.trim();
        Changes[] changes = new Changes[1];
        try {
            if (!CODE.matcher(digits).matches()) {
                throw new Refused("wrong code", null);
            }
            Redeemed out = db.jdbi().inTransaction(h -> {
                String encounterId = links.visitByCode(h, digits).orElseThrow(() -> new Refused("wrong code", null));
                Encounter e = lock(h, encounterId);
                Instant expires = e.scheduledEnd().plus(links.grace());
                if (!Access.live(e) || !now.isBefore(expires) || e.roomId() == null) {
                    throw new Refused("the visit is over", e.patientId()); // answered as a wrong code
                }
                long joined = h.createQuery("SELECT COUNT(*) FROM encounter_participant WHERE encounter_id = :e"
                        + " AND joined_by = 'code'").bind("e", encounterId).mapTo(Long.class).one();
                if (joined >= joinsPerVisit) {
                    throw new ConflictException("Visit full", "This visit takes no more guests by its access code",
                            "code", Map.of("limit", joinsPerVisit));
                }
                String participant = UUID.randomUUID().toString();
                h.createUpdate("INSERT INTO encounter_participant (id, encounter_id, kind, display_name, created_at,"
                        + " joined_by) VALUES (:id, :e, 'guest', :n, :t, 'code')").bind("id", participant)
                        .bind("e", encounterId).bind("n", name).bind("t", ts(now)).execute();
                changes[0] = new Changes(h, publisher);
                changes[0].record(e, EncounterEventType.PARTICIPANT_ADDED, "visit:" + participant,
                        Map.of("participantId", participant, "kind", Roles.GUEST));
                VisitIdentities.Issued id = identities.issue(h, encounterId, participant, Roles.GUEST, name, "code",
                        expires);
                Encounter fresh = EncounterStore.encounter(h, encounterId).orElseThrow();
                Doctor d = PeopleStore.doctor(h, e.doctorId()).orElseThrow();
                Patient p = PeopleStore.patient(h, e.patientId()).orElseThrow();
                audit.record(h, actor(participant, name), "encounter.join.code", e.patientId(), List.of(),
                        "ok: joined as a guest (from " + address + ")");
                return new Redeemed(encounterId, Roles.GUEST, participant, name, id.token(), id.expiresAt(),
                        links.links(fresh, d.displayName(), p.displayName()).get(participant), false);
            });
            changes[0].committed();
            return out;
        } catch (Refused x) {
            throttle.failed(address);
            audit.record(ANONYMOUS, "encounter.join.code", x.patientId, List.of(), "denied: " + x.getMessage()
                    + " (from " + address + ")");
            throw new NotAuthenticatedException("Access code refused", "This code does not open a visit now", "code",
                    Map.of("error", "invalid_code"));
        }
    }

    // ---- sending

    /** Sends one invitation through one channel; a throw is retried, nobody reachable or no channel is not. */
    @Override
    public Verdict handle(WorkItem item) {
        record Loaded(Send s, Row r, Encounter e, Doctor d, String code) {
        }
        Optional<Loaded> found = db.jdbi().withHandle(h -> h.createQuery("SELECT id, invitation_id, channel, work_id,"
                + " detail, sent_at FROM encounter_invitation_send WHERE id = :id").bind("id", item.payload())
                .map((rs, ctx) -> new Send(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), instant(rs, 6))).findOne().map(s -> {
                            Row r = get(h, s.invitationId()).orElseThrow();
                            Encounter e = EncounterStore.encounter(h, r.encounterId()).orElseThrow();
                            return new Loaded(s, r, e, PeopleStore.doctor(h, e.doctorId()).orElseThrow(),
                                    links.accessCodeOf(h, e.id()).orElseThrow());
                        }));
        if (found.isEmpty()) {
            return Verdict.done(); // its visit is gone
        }
        Loaded l = found.get();
        if (l.r().revokedAt() != null || l.r().redeemedAt() != null || l.r().secretSealed() == null) {
            return Verdict.giveUp(l.r().revokedAt() != null ? "the invitation was revoked" : "the link was used");
        }
        if (!Access.live(l.e())) {
            return Verdict.giveUp("the visit is " + l.e().status().replace('_', ' '));
        }
        NotificationChannel channel = channels.stream().filter(c -> c.name().equals(l.s().channel())).findFirst()
                .orElse(null);
        if (channel == null) {
            return Verdict.giveUp("the " + l.s().channel() + " channel is not configured (etc/org.telehub.notify."
                    + l.s().channel() + ".cfg)");
        }
        Notification n = message(l.r(), l.e(), l.d(), box.open(l.r().secretSealed(), SECRET_CONTEXT + ":"
                + l.r().id()), l.code(), l.s().channel());
        boolean sent;
        try {
            sent = channel.send(n);
        } catch (Exception x) {
            return Verdict.retry(l.s().channel() + ": " + x.getMessage());
        }
        if (!sent) {
            return Verdict.giveUp("the " + l.s().channel() + " channel cannot reach " + l.r().displayName());
        }
        db.jdbi().useTransaction(h -> {
            h.createUpdate("UPDATE encounter_invitation_send SET sent_at = :now, detail = NULL WHERE id = :id")
                    .bind("now", ts(clock.instant())).bind("id", l.s().id()).execute();
            // the sealed secret is kept only while a message still has to carry it
            h.createUpdate("UPDATE encounter_invitation SET secret_sealed = NULL WHERE id = :i AND NOT EXISTS"
                    + " (SELECT 1 FROM encounter_invitation_send WHERE invitation_id = :i AND sent_at IS NULL)")
                    .bind("i", l.r().id()).execute();
        });
        return Verdict.done();
    }

    /**
     * The message: the visit's time in the recipient's zone and language, the single-use link, the access code; by
     * SMS the short text (a Persian invitation of the email's length went out as 5 concatenated parts).
     */
    Notification message(Row r, Encounter e, Doctor d, String secret, String code, String channel) {
        Texts t = Texts.of(r.language());
        String when = t.when(e.scheduledStart(), ZoneId.of(r.timeZone()));
        String link = links.base() + "/join/" + e.roomId() + "?invite=" + secret;
        String type = t.type(e.type());
        return new Notification("invitation", e.id(), r.kind(), r.participantId() != null ? r.participantId()
                : e.patientId(), r.displayName(), channel.equals("email") ? r.email() : null,
                channel.equals("sms") ? r.phone() : null, t.format("invite.subject", d.displayName(), when, type),
                t.format(channel.equals("sms") ? "invite.sms" : "invite.text", d.displayName(), when, type, link,
                        code), e.scheduledStart());
    }

    // ---- secrets

    private static String secret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(
                    StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException x) {
            throw new IllegalStateException(x);
        }
    }
}
