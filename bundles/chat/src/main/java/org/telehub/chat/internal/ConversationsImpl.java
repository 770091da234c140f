package org.telehub.chat.internal;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.chat.ChatFiles;
import org.telehub.chat.Conversations;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.EncounterDetails;
import org.telehub.core.encounter.VisitContacts;
import org.telehub.domain.ConflictException;
import org.telehub.domain.InvalidException;
import org.telehub.security.Colleagues;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.PatientAccess;
import org.telehub.realtime.Fanout;
import org.telehub.work.WorkService;

/**
 * {@link Conversations} over PostgreSQL. A send takes the conversation's row lock, looks for the sender's client id
 * (a retry answers the stored message), numbers the message one past the last, stores it with its audit row and
 * commits — only then is the sender answered, so an acknowledged message is never lost, and numbers follow commit
 * order. Who may take part is decided per call from the encounter ({@link Membership}), so members follow the
 * encounter's participants and care relationships as they change.
 */
@Component(service = Conversations.class, configurationPid = "org.telehub.chat")
@Designate(ocd = ChatConfig.class)
public class ConversationsImpl implements Conversations {
    /** The realtime event of a stored message. */
    public static final String MESSAGE_EVENT = "chat.message";
    /** The realtime event of a member's read marker that moved. */
    public static final String READ_EVENT = "chat.read";
    /** The realtime event of a member who is typing. */
    public static final String TYPING_EVENT = "chat.typing";
    static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private final ChatSchema db;
    private final Membership members;
    private final AuditLog audit;
    private final Clock clock;
    private final Fanout fanout;
    private final WorkService work;
    private volatile ChatConfig config;
    private volatile java.time.Duration noticeAfter;
    /** Colleagues for direct conversations (absent: opening one answers 503; those open go on working). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Colleagues accounts;
    /** Who a visit's notices are pushed to: its patient's and doctor's accounts (absent: no push, lists still work). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile VisitContacts contacts;
    /** Encounter → the usernames its notices are pushed to, for a short while (a send must not read the visit). */
    private final Map<String, Recipients> recipients = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Recipients> eldest) {
                    return size() > 10_000;
                }
            });

    private record Recipients(List<String> usernames, long until) {
    }

    @Activate
    public ConversationsImpl(@Reference ChatSchema db, @Reference EncounterService encounters,
            @Reference PatientAccess access, @Reference AuditLog audit, @Reference Fanout fanout,
            @Reference WorkService work, ChatConfig config) {
        this(db, encounters, access, audit, fanout, work, config, Clock.systemUTC());
    }

    ConversationsImpl(ChatSchema db, EncounterService encounters, PatientAccess access, AuditLog audit,
            Fanout fanout, WorkService work, ChatConfig config, Clock clock) {
        this.db = db;
        this.fanout = fanout;
        this.work = work;
        this.members = new Membership(db, encounters, access, audit, clock);
        this.audit = audit;
        this.config = config;
        this.noticeAfter = UnreadNotices.after(config.unreadNoticeAfter());
        this.clock = clock;
    }

    @Modified
    void modified(ChatConfig c) {
        this.noticeAfter = UnreadNotices.after(c.unreadNoticeAfter());
        this.config = c;
    }

    @Override
    public Conversation ofEncounter(AuthenticatedUser caller, String encounterId) {
        Membership.Room r = members.room(caller, encounterId, "chat.read", config.readOnlyAfterHours());
        String me = caller.username();
        Conversation c = db.jdbi().withHandle(h -> {
            ConversationStore.Row row = ConversationStore.row(h, r.id()).orElseThrow();
            return new Conversation(row.id(), row.encounterId(), row.lastSequence(), r.closed(), row.createdAt(),
                    ConversationStore.reads(h, row.id()), ConversationStore.unreadIn(h, row.id(), me), row.revision(),
                    config.editMinutes(), r.direct() ? colleagueOf(h, row.id(), me) : null);
        });
        audit.record(caller, "chat.read", r.patientId(), List.of(), r.said("ok"));
        return c;
    }

    /** The names of a direct conversation's members other than {@code me}. */
    private static String colleagueOf(org.jdbi.v3.core.Handle h, String conversationId, String me) {
        return String.join(", ", ConversationStore.members(h, conversationId).entrySet().stream()
                .filter(m -> !m.getKey().equals(me)).map(Map.Entry::getValue).toList());
    }

    @Override
    public Conversation openDirect(AuthenticatedUser caller, String username) {
        requireDirect(caller, "chat.direct.open");
        if (username == null || username.isBlank()) {
            throw new InvalidException("username", "Required: the colleague's username");
        }
        Colleagues a = colleagues();
        Colleagues.Colleague other = a.colleague(username.strip())
                .orElseThrow(() -> new InvalidException("username", "No colleague '" + username.strip()
                        + "': a direct conversation is with a clinician's enabled account"));
        if (other.username().equalsIgnoreCase(caller.username())) {
            throw new InvalidException("username", "A direct conversation is with a colleague, not oneself");
        }
        String id = db.jdbi().inTransaction(h -> {
            String made = ConversationStore.openDirect(h, caller.username(), name(caller), other.username(),
                    other.displayName(), clock.instant()).id();
            audit.record(h, caller, "chat.direct.open", null, List.of(), "ok · direct " + made + " with "
                    + other.username());
            return made;
        });
        return ofEncounter(caller, Conversations.direct(id));
    }

    @Override
    public List<Colleague> colleagues(AuthenticatedUser caller, String prefix) {
        requireDirect(caller, "chat.direct.colleagues");
        if (prefix == null || prefix.strip().length() < 2) {
            throw new InvalidException("q", "At least 2 letters of the colleague's name or username");
        }
        Colleagues a = colleagues();
        return a.colleagues(prefix, 21).stream().filter(c -> !c.username().equals(caller.username())).limit(20)
                .map(c -> new Colleague(c.username(), c.displayName())).toList();
    }

    /** The clinic's clinicians, or 503 while the security bundle's service is away. */
    private Colleagues colleagues() {
        Colleagues a = accounts;
        if (a == null) {
            throw new org.telehub.domain.UnavailableException("Accounts are not available right now; try again");
        }
        return a;
    }

    /** Direct conversations are clinicians' only: anyone else is refused (and audited). */
    private void requireDirect(AuthenticatedUser caller, String action) {
        if (!Membership.directAllowed(caller)) {
            audit.record(caller, action, null, List.of(), "denied");
            throw new org.telehub.domain.ForbiddenException("Clinicians only", "Direct conversations are between"
                    + " clinicians signed in with their own account", null, null);
        }
    }

    @Override
    public Sent send(AuthenticatedUser caller, String encounterId, String clientId, String text,
            String attachmentId) {
        if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
            throw new InvalidException("clientId", "Required: 1 to 64 letters, digits or . _ : -, unique per message");
        }
        int max = config.maxTextLength();
        boolean withFile = attachmentId != null;
        if (text == null && withFile) {
            text = "";
        }
        if (text == null || (text.isBlank() && !withFile) || text.length() > max) {
            throw new InvalidException("text", "Required (may be empty with an attachment), at most " + max
                    + " characters");
        }
        String body = text;
        // a conversation that exists: membership and the visit's state without reading (and auditing) the whole
        // encounter for every message; the send is audited in its own transaction
        Membership.Room room = members.room(caller, encounterId, "chat.send", config.readOnlyAfterHours());
        String patient = room.patientId();
        boolean closed = room.closed();
        String sender = caller.username();
        Sent sent = db.jdbi().inTransaction(h -> {
            String c = room.id();
            // two statements, not one joined: a statement that waited for the lock sees the locked row as it is
            // now but other tables as they were when it began, so it would miss the message of a concurrent retry
            long last = ConversationStore.lock(h, c);
            Optional<Message> earlier = ConversationStore.byClient(h, c, sender, clientId);
            if (earlier.isPresent()) {
                return new Sent(earlier.get(), true); // answered before, even if the visit has closed since
            }
            if (closed) {
                throw new ConflictException("This visit's conversation is closed: it ended more than "
                        + config.readOnlyAfterHours() + " hours ago; its messages can still be read");
            }
            ChatFiles.Attachment file = null;
            if (withFile) {
                file = ConversationStore.attachment(h, attachmentId).filter(a -> a.conversationId().equals(c))
                        .orElseThrow(() -> new InvalidException("attachmentId",
                                "No attachment " + attachmentId + " in this conversation: upload the file first"));
            }
            Message m = new Message(UUID.randomUUID().toString(), c, last + 1, sender, name(caller), clientId,
                    body, clock.instant(), file);
            // the message, the counter, the sender's own marker (one's own is read) and the unread check: one trip
            // email/SMS of unread messages: a visit's patient and doctor (a direct conversation's members are not
            // written to: see UnreadNotices)
            java.time.Duration notice = noticeAfter;
            java.time.Instant due = notice.isZero() || room.direct() ? null : m.sentAt().plus(notice);
            if (ConversationStore.store(h, m, due)) {
                UnreadNotices.submit(h, work, c, due);
            }
            audit.record(h, caller, "chat.send", patient, List.of(), room.said("ok"));
            return new Sent(m, false);
        });
        // after the commit: the followers of the conversation on every node (a retry's too: a listener drops what
        // it has already shown, and the first attempt's publish may have been lost with its node)
        fanout.publish(topic(sent.message().conversationId()), MESSAGE_EVENT, sent.message());
        Map<String, Object> poke = Map.of("encounterId", encounterId, "conversationId",
                sent.message().conversationId(), "sequence", sent.message().sequence());
        for (String r : room.direct() ? directMembers(room.id()) : recipientsOf(encounterId)) {
            if (!r.equals(sender)) {
                fanout.publish(userTopic(r), NOTICE_EVENT, poke);
            }
        }
        return sent;
    }

    @Override
    public Message edit(AuthenticatedUser caller, String encounterId, String messageId, String text) {
        int max = config.maxTextLength();
        if (text == null || text.isBlank() || text.length() > max) {
            throw new InvalidException("text", "Required, at most " + max + " characters (to take a message back, "
                    + "retract it)");
        }
        return change(caller, encounterId, messageId, text, false);
    }

    @Override
    public Message retract(AuthenticatedUser caller, String encounterId, String messageId) {
        return change(caller, encounterId, messageId, null, true);
    }

    /**
     * An edit or a retraction: the sender's own message, still changeable, in a conversation still open; under the
     * conversation's lock, so changes are numbered in commit order like messages. A repeat (the same text, a second
     * retraction) changes nothing and answers the message as it is.
     */
    private Message change(AuthenticatedUser caller, String encounterId, String messageId, String text,
            boolean retract) {
        String action = retract ? "chat.retract" : "chat.edit";
        if (messageId == null || messageId.isBlank()) {
            throw new InvalidException("messageId", "Required");
        }
        Membership.Room room = members.room(caller, encounterId, action, config.readOnlyAfterHours());
        String patient = room.patientId();
        boolean closed = room.closed();
        String c = room.id();
        java.time.Instant now = clock.instant();
        // who sent it never changes: checked (and a refusal audited) before the transaction
        String sender = db.jdbi().withHandle(h -> ConversationStore.message(h, c, messageId)).map(Message::sender)
                .orElseThrow(() -> new org.telehub.domain.NotFoundException("No message " + messageId
                        + " in this conversation"));
        if (!sender.equals(caller.username())) {
            audit.record(caller, action, patient, List.of(), room.said("denied: not the sender"));
            throw new org.telehub.domain.ForbiddenException("Not yours",
                    "Only the sender of a message may change or retract it", "messageId", null);
        }
        Change[] changed = {null};
        Message result = db.jdbi().inTransaction(h -> {
            ConversationStore.lock(h, c);
            Message m = ConversationStore.message(h, c, messageId).orElseThrow();
            if (m.retractedAt() != null) {
                if (retract) {
                    return m; // retracted already: a retry
                }
                throw new ConflictException("This message was retracted; it cannot be edited");
            }
            if (!retract && m.text().equals(text)) {
                return m; // the same text: a retry, or nothing to change
            }
            if (closed) {
                throw new ConflictException("This visit's conversation is closed: it ended more than "
                        + config.readOnlyAfterHours() + " hours ago; its messages can no longer be changed");
            }
            int minutes = config.editMinutes();
            if (m.sentAt().plus(java.time.Duration.ofMinutes(minutes)).isBefore(now)) {
                throw new ConflictException("This message was sent more than " + minutes + " minutes ago: it can "
                        + "no longer be " + (retract ? "retracted" : "edited") + "; write a new one instead");
            }
            long revision = ConversationStore.change(h, c, messageId, text, retract, now);
            Message after = ConversationStore.message(h, c, messageId).orElseThrow();
            audit.record(h, caller, action, patient, List.of(), room.said("ok"));
            changed[0] = new Change(after, revision);
            return after;
        });
        if (changed[0] != null) {
            fanout.publish(topic(c), CHANGED_EVENT, changed[0]);
        }
        return result;
    }

    @Override
    public List<Version> history(AuthenticatedUser caller, String encounterId, String messageId) {
        Membership.Room room = members.room(caller, encounterId, "chat.read", config.readOnlyAfterHours());
        String c = room.id();
        List<Version> versions = db.jdbi().withHandle(h -> {
            Message m = ConversationStore.message(h, c, messageId)
                    .orElseThrow(() -> new org.telehub.domain.NotFoundException("No message " + messageId
                            + " in this conversation"));
            return m.retractedAt() != null ? List.<Version>of() : ConversationStore.versions(h, messageId);
        });
        audit.record(caller, "chat.read", room.patientId(), List.of(), room.said("ok"));
        return versions;
    }

    @Override
    public List<Change> changes(AuthenticatedUser caller, String encounterId, long afterRevision, long upToSequence,
            int limit) {
        if (afterRevision < 0) {
            throw new InvalidException("revision", "The last change number the client has, 0 or more");
        }
        if (limit < 1 || limit > 200) {
            throw new InvalidException("limit", "From 1 to 200");
        }
        Membership.Room room = members.room(caller, encounterId, "chat.read", config.readOnlyAfterHours());
        List<Change> out = db.jdbi().withHandle(h -> ConversationStore.changedAfter(h, room.id(), afterRevision,
                upToSequence, limit));
        audit.record(caller, "chat.read", room.patientId(), List.of(), room.said("ok"));
        return out;
    }

    /** How long who is the patient and the doctor of a visit is taken as known, for pushing notices. */
    static final long RECIPIENTS_FOR_MS = 30_000;

    /**
     * The accounts of a visit's patient and doctor, who are told of its new messages on their own topic: they take
     * part in the conversation for as long as they are its patient and doctor (a colleague, the care team and guests
     * see their counts on their lists instead). Known for {@link #RECIPIENTS_FOR_MS} at most, so a doctor replaced
     * meanwhile may still be poked that long; a poke carries ids only and what it makes the client ask is checked.
     */
    private List<String> recipientsOf(String encounterId) {
        VisitContacts c = contacts;
        if (c == null) {
            return List.of();
        }
        long now = System.currentTimeMillis();
        Recipients known = recipients.get(encounterId);
        if (known != null && known.until() > now) {
            return known.usernames();
        }
        List<String> names = new java.util.ArrayList<>(2);
        try {
            c.of(encounterId).ifPresent(v -> {
                if (v.patient() != null && v.patient().username() != null) {
                    names.add(v.patient().username());
                }
                if (v.doctor() != null && v.doctor().username() != null) {
                    names.add(v.doctor().username());
                }
            });
        } catch (RuntimeException e) {
            return List.of(); // the message is stored and published; the bell catches up on its next look
        }
        recipients.put(encounterId, new Recipients(List.copyOf(names), now + RECIPIENTS_FOR_MS));
        return names;
    }

    /** The members of a direct conversation, told of its new messages on their own topics. */
    private List<String> directMembers(String conversationId) {
        return List.copyOf(db.jdbi().withHandle(h -> ConversationStore.members(h, conversationId)).keySet());
    }

    /** The realtime topic of one user's own events (their notices), followed by their {@code notice.subscribe}. */
    public static String userTopic(String username) {
        return "user:" + username;
    }

    @Override
    public Notices notices(AuthenticatedUser caller, int limit) {
        if (limit < 1 || limit > 50) {
            throw new InvalidException("limit", "From 1 to 50");
        }
        String me = caller.username();
        boolean direct = Membership.directAllowed(caller);
        List<ConversationStore.Unseen> mine = new java.util.ArrayList<>();
        java.time.Instant[] at = {null};
        String[] id = {null};
        boolean more = true;
        scan:
        for (int looked = 0; looked < SCAN; looked += 200) {
            List<ConversationStore.Unseen> rows = db.jdbi().withHandle(h -> ConversationStore.unseen(h, me, at[0],
                    id[0], 200));
            Map<String, String> patients = new java.util.LinkedHashMap<>();
            rows.forEach(r -> patients.put(r.encounterId(), r.patientId()));
            java.util.Set<String> member = members.memberOf(caller, patients);
            for (ConversationStore.Unseen r : rows) {
                // a direct one is listed only for its members (the query's), while they are clinicians
                if (r.encounterId() == null ? direct : member.contains(r.encounterId())) {
                    if (mine.size() == limit) {
                        break scan; // one more than fits: there is more
                    }
                    mine.add(r);
                }
                at[0] = r.lastAt();
                id[0] = r.id();
            }
            if (rows.size() < 200) {
                more = false;
                break;
            }
        }
        List<Notice> items = new java.util.ArrayList<>();
        java.util.Set<String> shownPatients = new java.util.LinkedHashSet<>();
        long unseen = 0;
        for (ConversationStore.Unseen r : mine) {
            if (r.encounterId() == null) {
                // a colleague's names and a count: nothing of a patient to read or audit
                items.add(new Notice(r.id(), null, null, null, null, null, r.count(), r.newest(), r.newestAt(),
                        r.fromName(), r.colleagues()));
                unseen += r.count();
                continue;
            }
            EncounterDetails e;
            try {
                e = members.member(caller, r.encounterId(), "chat.read"); // the visit's read, audited
            } catch (org.telehub.domain.NotFoundException gone) {
                continue;
            }
            items.add(new Notice(r.id(), r.encounterId(), e.status(), e.scheduledStart(), e.doctorName(),
                    e.patientName(), r.count(), r.newest(), r.newestAt(), r.fromName(), null));
            unseen += r.count();
            shownPatients.add(r.patientId());
        }
        shownPatients.forEach(p -> audit.record(caller, "chat.read", p, List.of(), "ok"));
        return new Notices(items, unseen, more);
    }

    @Override
    public List<Seen> markSeen(AuthenticatedUser caller, List<Seen> seen) {
        if (seen == null || seen.isEmpty() || seen.size() > 50) {
            throw new InvalidException("seen", "From 1 to 50 marks of {encounterId, sequence}");
        }
        Map<String, Membership.Room> rooms = new java.util.LinkedHashMap<>();
        for (Seen s : seen) {
            if (s == null || s.encounterId() == null || s.encounterId().isBlank()) {
                throw new InvalidException("encounterId", "Required in every mark");
            }
            if (s.sequence() < 1) {
                throw new InvalidException("sequence", "The sequence number of a message of the conversation");
            }
            // all checked first: nothing is written for a list that names a visit the caller is not in
            rooms.put(s.encounterId(), members.room(caller, s.encounterId(), "chat.read",
                    config.readOnlyAfterHours()));
        }
        String me = caller.username();
        List<Seen> now = db.jdbi().inTransaction(h -> {
            List<Seen> out = new java.util.ArrayList<>();
            for (Seen s : seen) {
                ConversationStore.Row c = ConversationStore.row(h, rooms.get(s.encounterId()).id()).orElseThrow();
                long mark = ConversationStore.seen(h, c.id(), me, s.sequence());
                if (mark < 0) {
                    throw new InvalidException("sequence", "The conversation of " + s.encounterId()
                            + " has " + c.lastSequence() + " messages");
                }
                out.add(new Seen(s.encounterId(), mark));
            }
            return out;
        });
        for (Seen s : now) {
            fanout.publish(userTopic(me), NOTICE_EVENT, Map.of("encounterId", s.encounterId(), "conversationId",
                    rooms.get(s.encounterId()).id(), "sequence", s.sequence()));
        }
        return now;
    }

    @Override
    public Read markRead(AuthenticatedUser caller, String encounterId, long sequence) {
        Read[] moved = {null};
        Read now = moveMark(caller, encounterId, sequence, (h, c) -> ConversationStore.read(h, c, caller.username(),
                name(caller), sequence, clock.instant()), moved);
        if (moved[0] != null) {
            fanout.publish(userTopic(caller.username()), NOTICE_EVENT, Map.of("encounterId", encounterId,
                    "conversationId", now.conversationId(), "sequence", now.sequence()));
        }
        return now;
    }

    @Override
    public Read markDelivered(AuthenticatedUser caller, String encounterId, long sequence) {
        return moveMark(caller, encounterId, sequence, (h, c) -> ConversationStore.delivered(h, c,
                caller.username(), name(caller), sequence, clock.instant()).isPresent(), new Read[1]);
    }

    /**
     * A read or delivered mark: a member's, for a message the conversation has; {@code move} moves it (true if it
     * moved). Answers the caller's marks now, pushed as {@code chat.read} when they moved ({@code moved[0]} set).
     */
    private Read moveMark(AuthenticatedUser caller, String encounterId, long sequence,
            java.util.function.BiPredicate<org.jdbi.v3.core.Handle, String> move, Read[] moved) {
        if (sequence < 1) {
            throw new InvalidException("sequence", "The sequence number of a message of this conversation");
        }
        Membership.Room room = members.room(caller, encounterId, "chat.read", config.readOnlyAfterHours());
        String reader = caller.username();
        boolean[] changed = {false};
        Read now = db.jdbi().inTransaction(h -> {
            ConversationStore.Row c = ConversationStore.row(h, room.id()).orElseThrow();
            if (sequence > c.lastSequence()) {
                throw new InvalidException("sequence", "This conversation's last message is number "
                        + c.lastSequence());
            }
            changed[0] = move.test(h, c.id());
            return ConversationStore.reads(h, c.id()).stream().filter(r -> r.reader().equals(reader)).findFirst()
                    .orElseThrow();
        });
        if (changed[0]) {
            moved[0] = now;
            fanout.publish(topic(now.conversationId()), READ_EVENT, now);
        }
        return now;
    }

    @Override
    public Map<String, Long> unread(AuthenticatedUser caller, java.util.Collection<String> encounterIds) {
        if (encounterIds.size() > 200) {
            throw new InvalidException("encounterId", "At most 200 visits at a time");
        }
        if (encounterIds.isEmpty()) {
            return Map.of();
        }
        return db.jdbi().withHandle(h -> {
            java.util.Set<String> mine = members.memberOf(caller, ConversationStore.patients(h, encounterIds));
            Map<String, Long> counts = ConversationStore.unread(h, mine, caller.username());
            return counts;
        });
    }

    /** The most conversations one {@link #recent} call looks through, 200 at a time, for the caller's. */
    static final int SCAN = 2000;

    @Override
    public Recent recent(AuthenticatedUser caller, String cursor, int limit) {
        if (limit < 1 || limit > 50) {
            throw new InvalidException("limit", "From 1 to 50");
        }
        java.time.Instant[] at = {null};
        String[] id = {null};
        if (cursor != null && !cursor.isBlank()) {
            int i = cursor.indexOf('~');
            try {
                at[0] = java.time.Instant.parse(cursor.substring(0, i));
                id[0] = cursor.substring(i + 1);
            } catch (RuntimeException e) {
                throw new InvalidException("cursor", "The next value of a page, as it was given");
            }
        }
        // newest first, 200 at a time, keeping the caller's, until the page is full or SCAN rows were looked at (the
        // next page goes on from there); direct conversations are the query's own (the caller's), while a clinician
        String me = caller.username();
        boolean direct = Membership.directAllowed(caller);
        List<ConversationStore.Latest> mine = new java.util.ArrayList<>();
        boolean exhausted = false;
        scan:
        for (int looked = 0; looked < SCAN; looked += 200) {
            List<ConversationStore.Latest> rows = db.jdbi().withHandle(h -> ConversationStore.latest(h, me, at[0],
                    id[0], 200));
            Map<String, String> patients = new java.util.LinkedHashMap<>();
            rows.forEach(r -> patients.put(r.encounterId(), r.patientId()));
            java.util.Set<String> member = members.memberOf(caller, patients);
            for (ConversationStore.Latest r : rows) {
                at[0] = r.lastAt();
                id[0] = r.id();
                if (r.encounterId() == null ? direct : member.contains(r.encounterId())) {
                    mine.add(r);
                    if (mine.size() == limit) {
                        break scan;
                    }
                }
            }
            if (rows.size() < 200) {
                exhausted = true;
                break;
            }
        }
        Map<String, Long> unread = mine.isEmpty() ? Map.of() : db.jdbi().withHandle(h -> ConversationStore.unread(h,
                mine.stream().map(ConversationStore.Latest::encounterId).filter(java.util.Objects::nonNull).toList(),
                me));
        List<Summary> items = new java.util.ArrayList<>();
        java.util.Set<String> shownPatients = new java.util.LinkedHashSet<>();
        boolean shownDirect = false;
        for (ConversationStore.Latest r : mine) {
            if (r.encounterId() == null) {
                long n = db.jdbi().withHandle(h -> ConversationStore.unreadIn(h, r.id(), me));
                items.add(new Summary(r.id(), null, null, null, null, null, r.lastSequence(), r.lastAt(), r.sender(),
                        r.senderName(), r.text(), r.file(), r.retracted(), n, r.colleagues()));
                shownDirect = true;
                continue;
            }
            EncounterDetails e;
            try {
                e = members.member(caller, r.encounterId(), "chat.read"); // the visit's read, audited
            } catch (org.telehub.domain.NotFoundException gone) {
                continue; // left the caller's reach since the scan
            }
            items.add(new Summary(r.id(), r.encounterId(), e.status(), e.scheduledStart(), e.doctorName(),
                    e.patientName(), r.lastSequence(), r.lastAt(), r.sender(), r.senderName(), r.text(), r.file(),
                    r.retracted(), unread.getOrDefault(r.encounterId(), 0L), null));
            shownPatients.add(r.patientId());
        }
        shownPatients.forEach(p -> audit.record(caller, "chat.read", p, List.of(), "ok"));
        if (shownDirect) {
            audit.record(caller, "chat.read", null, List.of(), "ok: direct"); // their last messages were shown
        }
        return new Recent(items, exhausted ? null : at[0] + "~" + id[0]);
    }

    @Override
    public void typing(AuthenticatedUser caller, String encounterId) {
        Membership.Room room = members.room(caller, encounterId, "chat.read", config.readOnlyAfterHours());
        if (room.closed()) {
            throw new ConflictException("This visit's conversation is closed: it takes no new messages");
        }
        String conversation = room.id();
        fanout.publish(topic(conversation), TYPING_EVENT, Map.of("conversationId", conversation, "sender",
                caller.username(), "senderName", name(caller)));
    }

    /** The realtime topic of a conversation's events. */
    public static String topic(String conversationId) {
        return "conversation:" + conversationId;
    }

    @Override
    public List<Message> messages(AuthenticatedUser caller, String encounterId, long afterSequence, int limit) {
        if (afterSequence < 0) {
            throw new InvalidException("after", "A message's sequence number, 0 or more");
        }
        if (limit < 1 || limit > 200) {
            throw new InvalidException("limit", "From 1 to 200");
        }
        Membership.Room room = members.room(caller, encounterId, "chat.read", config.readOnlyAfterHours());
        List<Message> page = db.jdbi().withHandle(h -> ConversationStore.after(h, room.id(), afterSequence, limit));
        audit.record(caller, "chat.read", room.patientId(), List.of(), room.said("ok"));
        return page;
    }

    private static String name(AuthenticatedUser caller) {
        String n = caller.displayName();
        return n == null || n.isBlank() ? caller.username() : n.length() > 200 ? n.substring(0, 200) : n;
    }
}
