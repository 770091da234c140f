package org.telehub.chat.internal;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.telehub.chat.ChatFiles;
import org.telehub.chat.ChatFiles.Attachment;
import org.telehub.chat.Conversations;
import org.telehub.chat.Conversations.Message;
import org.telehub.chat.Conversations.Read;

/** SQL of conversations, messages and attachments, on the caller's handle (and so in the caller's transaction). */
final class ConversationStore {
    private static final String MESSAGE = "id, conversation_id, sequence, sender, sender_name, client_id, body, sent_at,"
            + " attachment_id";
    private static final String ATTACHMENT = "id, conversation_id, name, content_type, size, sha256, scan, uploaded_by,"
            + " created_at";
    /**
     * Moves a reader's marker forward, never back ({@code :c}, {@code :reader}, {@code :readerName}, {@code :readSeq},
     * {@code :readAt}): a read, and a send for its sender.
     */
    private static final String READ_UPSERT = "INSERT INTO chat_read (conversation_id, reader, reader_name, sequence,"
            + " read_at, delivered) VALUES (:c, :reader, :readerName, :readSeq, :readAt, :readSeq)"
            + " ON CONFLICT (conversation_id, reader) DO UPDATE SET sequence = EXCLUDED.sequence,"
            + " reader_name = EXCLUDED.reader_name, read_at = EXCLUDED.read_at,"
            + " delivered = GREATEST(chat_read.delivered, EXCLUDED.sequence) WHERE chat_read.sequence < EXCLUDED.sequence";
    /** A message and its attachment's columns (a_*), for the queries that answer messages. */
    private static final String MESSAGE_JOINED = "m.id, m.conversation_id, m.sequence, m.sender, m.sender_name,"
            + " m.client_id, m.body, m.sent_at, a.id, a.conversation_id, a.name, a.content_type, a.size, a.sha256,"
            + " a.scan, a.uploaded_by, a.created_at, m.edited_at, m.retracted_at, m.revision FROM chat_message m"
            + " LEFT JOIN chat_attachment a ON a.id = m.attachment_id";

    /** @param revision the conversation's change counter (edits and retractions so far) */
    record Row(String id, String encounterId, long lastSequence, Instant createdAt, long revision) {
    }

    private ConversationStore() {
    }

    /** The conversation id of an encounter: the same on every node and in every retry. */
    static String idOf(String encounterId) {
        return UUID.nameUUIDFromBytes(("telehub.chat.encounter:" + encounterId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** The encounter's conversation, made if it is not there yet (concurrent makers agree on the one row). */
    static Row ensure(Handle h, String encounterId, String patientId, Instant now) {
        h.createUpdate("INSERT INTO chat_conversation (id, kind, encounter_id, patient_id, last_sequence, created_at)"
                + " VALUES (:id, 'encounter', :e, :p, 0, :now) ON CONFLICT DO NOTHING")
                .bind("id", idOf(encounterId)).bind("e", encounterId).bind("p", patientId).bind("now", ts(now))
                .execute();
        return h.createQuery("SELECT id, encounter_id, last_sequence, created_at, last_revision FROM chat_conversation"
                + " WHERE id = :id").bind("id", idOf(encounterId))
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2), rs.getLong(3), instant(rs, 4),
                        rs.getLong(5))).one();
    }

    /** A conversation's row by its id. */
    static Optional<Row> row(Handle h, String conversationId) {
        return h.createQuery("SELECT id, encounter_id, last_sequence, created_at, last_revision FROM chat_conversation"
                + " WHERE id = :id").bind("id", conversationId)
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2), rs.getLong(3), instant(rs, 4),
                        rs.getLong(5))).findOne();
    }

    /**
     * The direct conversation of two people, made if it is not there yet: one per pair, whoever opens it (concurrent
     * openers agree on the one row through {@code member_key}). Each member's name is kept as last given.
     */
    static Row openDirect(Handle h, String me, String myName, String other, String otherName, Instant now) {
        String key = me.compareTo(other) < 0 ? me + " " + other : other + " " + me;
        h.createUpdate("INSERT INTO chat_conversation (id, kind, member_key, last_sequence, created_at)"
                + " VALUES (:id, 'direct', :k, 0, :now) ON CONFLICT (member_key) DO NOTHING")
                .bind("id", UUID.randomUUID().toString()).bind("k", key).bind("now", ts(now)).execute();
        String id = h.createQuery("SELECT id FROM chat_conversation WHERE member_key = :k").bind("k", key)
                .mapTo(String.class).one();
        for (String[] m : List.of(new String[] {me, myName}, new String[] {other, otherName})) {
            h.createUpdate("INSERT INTO chat_member (conversation_id, username, display_name, joined_at)"
                    + " VALUES (:c, :u, :n, :now) ON CONFLICT (conversation_id, username)"
                    + " DO UPDATE SET display_name = EXCLUDED.display_name").bind("c", id).bind("u", m[0])
                    .bind("n", m[1]).bind("now", ts(now)).execute();
        }
        return row(h, id).orElseThrow();
    }

    /** Whether {@code username} is a member of the direct conversation {@code conversationId}. */
    static boolean isMember(Handle h, String conversationId, String username) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM chat_member WHERE conversation_id = :c AND username = :u)")
                .bind("c", conversationId).bind("u", username).mapTo(Boolean.class).one();
    }

    /** The members of a direct conversation (username → display name), by username. */
    static java.util.Map<String, String> members(Handle h, String conversationId) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        h.createQuery("SELECT username, display_name FROM chat_member WHERE conversation_id = :c ORDER BY username")
                .bind("c", conversationId).map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
                .forEach(r -> out.put(r[0], r[1]));
        return out;
    }

    /** The messages of others in one conversation after {@code reader}'s marker. */
    static long unreadIn(Handle h, String conversationId, String reader) {
        return h.createQuery("SELECT count(*) FROM chat_message m LEFT JOIN chat_read r ON r.conversation_id ="
                + " m.conversation_id AND r.reader = :r WHERE m.conversation_id = :c AND m.sender <> :r"
                + " AND m.sequence > COALESCE(r.sequence, 0)").bind("c", conversationId).bind("r", reader)
                .mapTo(Long.class).one();
    }

    /** Locks the conversation's row until the transaction ends and answers its last sequence number. */
    static long lock(Handle h, String conversationId) {
        return h.createQuery("SELECT last_sequence FROM chat_conversation WHERE id = :id FOR UPDATE")
                .bind("id", conversationId).mapTo(Long.class).one();
    }

    static Optional<Message> byClient(Handle h, String conversationId, String sender, String clientId) {
        return h.createQuery("SELECT " + MESSAGE_JOINED + " WHERE m.conversation_id = :c AND m.sender = :s"
                + " AND m.client_id = :k").bind("c", conversationId).bind("s", sender).bind("k", clientId)
                .map((rs, ctx) -> message(rs)).findOne();
    }

    /**
     * Stores a message numbered {@code m.sequence()} (the caller holds the lock of {@link #lock}) in one round trip:
     * the conversation's counter and last time, the message, the sender's own read marker, and — when
     * {@code noticeDue} is given — a pending unread-notice check unless one is pending already. Answers whether that
     * check was added (its work item is then the caller's to submit).
     */
    static boolean store(Handle h, Message m, Instant noticeDue) {
        return h.createQuery("WITH c AS (UPDATE chat_conversation SET last_sequence = :n, last_at = :at WHERE id = :c),"
                + " r AS (" + READ_UPSERT + "),"
                + " m AS (INSERT INTO chat_message (" + MESSAGE + ") VALUES (:id, :c, :n, :s, :name, :k, :body, :at,"
                + " :file)),"
                + " d AS (INSERT INTO chat_notice_due (conversation_id, due_at) SELECT :c, :due WHERE :plan"
                + " ON CONFLICT DO NOTHING RETURNING 1)"
                + " SELECT count(*) FROM d").bind("id", m.id()).bind("c", m.conversationId()).bind("n", m.sequence())
                .bind("s", m.sender()).bind("name", m.senderName()).bind("k", m.clientId()).bind("body", m.text())
                .bind("at", ts(m.sentAt())).bind("file", m.attachment() == null ? null : m.attachment().id())
                .bind("reader", m.sender()).bind("readerName", m.senderName()).bind("readSeq", m.sequence())
                .bind("readAt", ts(m.sentAt()))
                .bind("due", ts(noticeDue == null ? m.sentAt() : noticeDue)).bind("plan", noticeDue != null)
                .mapTo(Long.class).one() == 1;
    }

    static List<Message> after(Handle h, String conversationId, long afterSequence, int limit) {
        return h.createQuery("SELECT " + MESSAGE_JOINED + " WHERE m.conversation_id = :c AND m.sequence > :a"
                + " ORDER BY m.sequence LIMIT :l").bind("c", conversationId).bind("a", afterSequence).bind("l", limit)
                .map((rs, ctx) -> message(rs)).list();
    }

    private static Message message(ResultSet rs) throws SQLException {
        return new Message(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), instant(rs, 8), rs.getString(9) == null ? null : attachment(rs, 9),
                instant(rs, 18), instant(rs, 19));
    }

    /** A message of the conversation by its id. */
    static Optional<Message> message(Handle h, String conversationId, String messageId) {
        return h.createQuery("SELECT " + MESSAGE_JOINED + " WHERE m.conversation_id = :c AND m.id = :id")
                .bind("c", conversationId).bind("id", messageId).map((rs, ctx) -> message(rs)).findOne();
    }

    /**
     * Changes a message (the caller holds the conversation's lock): keeps what it says now as its next version, takes
     * the conversation's next change number, and gives it {@code body} — or retracts it (empty text, no file).
     * Answers the change number.
     */
    static long change(Handle h, String conversationId, String messageId, String body, boolean retract, Instant at) {
        h.createUpdate("INSERT INTO chat_message_version (message_id, version, body, attachment_id, replaced_at)"
                + " SELECT m.id, 1 + (SELECT count(*) FROM chat_message_version v WHERE v.message_id = m.id), m.body,"
                + " m.attachment_id, :at FROM chat_message m WHERE m.id = :m").bind("m", messageId).bind("at", ts(at))
                .execute();
        long revision = h.createQuery("UPDATE chat_conversation SET last_revision = last_revision + 1 WHERE id = :c"
                + " RETURNING last_revision").bind("c", conversationId).mapTo(Long.class).one();
        h.createUpdate("UPDATE chat_message SET body = :b, revision = :r,"
                + " attachment_id = CASE WHEN :retract THEN NULL ELSE attachment_id END,"
                + " edited_at = CASE WHEN :retract THEN edited_at ELSE CAST(:at AS TIMESTAMPTZ) END,"
                + " retracted_at = CASE WHEN :retract THEN CAST(:at AS TIMESTAMPTZ) END WHERE id = :m")
                .bind("b", retract ? "" : body).bind("r", revision).bind("retract", retract).bind("at", ts(at))
                .bind("m", messageId).execute();
        return revision;
    }

    /** What a message said before, oldest first. */
    static List<Conversations.Version> versions(Handle h, String messageId) {
        return h.createQuery("SELECT v.version, v.body, v.replaced_at, a.id, a.conversation_id, a.name, a.content_type,"
                + " a.size, a.sha256, a.scan, a.uploaded_by, a.created_at FROM chat_message_version v"
                + " LEFT JOIN chat_attachment a ON a.id = v.attachment_id WHERE v.message_id = :m ORDER BY v.version")
                .bind("m", messageId).map((rs, ctx) -> new Conversations.Version(rs.getInt(1), rs.getString(2),
                        rs.getString(4) == null ? null : attachment(rs, 4), instant(rs, 3))).list();
    }

    /** The messages up to {@code upTo} changed after change number {@code after}, in change order. */
    static List<Conversations.Change> changedAfter(Handle h, String conversationId, long after, long upTo, int limit) {
        return h.createQuery("SELECT " + MESSAGE_JOINED + " WHERE m.conversation_id = :c AND m.revision > :r"
                + " AND m.sequence <= :s ORDER BY m.revision LIMIT :l").bind("c", conversationId).bind("r", after)
                .bind("s", upTo).bind("l", limit)
                .map((rs, ctx) -> new Conversations.Change(message(rs), rs.getLong(20))).list();
    }

    /**
     * Whether an attachment was posted only in messages since retracted: it was in a message's earlier version, and
     * no message carries it now. Its links are then refused like those of an attachment that does not exist.
     */
    static boolean retractedOnly(Handle h, String attachmentId) {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM chat_message_version v JOIN chat_message m"
                + " ON m.id = v.message_id WHERE v.attachment_id = :a AND m.retracted_at IS NOT NULL)"
                + " AND NOT EXISTS (SELECT 1 FROM chat_message WHERE attachment_id = :a)").bind("a", attachmentId)
                .mapTo(Boolean.class).one();
    }

    /** The attachment whose {@link #ATTACHMENT} columns start at {@code from}. */
    private static Attachment attachment(ResultSet rs, int from) throws SQLException {
        return new Attachment(rs.getString(from), rs.getString(from + 1), rs.getString(from + 2),
                rs.getString(from + 3), rs.getLong(from + 4), rs.getString(from + 5), rs.getString(from + 6),
                rs.getString(from + 7), instant(rs, from + 8));
    }

    static Optional<Attachment> attachment(Handle h, String id) {
        return h.createQuery("SELECT " + ATTACHMENT + " FROM chat_attachment WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> attachment(rs, 1)).findOne();
    }

    static Optional<Attachment> attachmentByContent(Handle h, String conversationId, String sha256) {
        return h.createQuery("SELECT " + ATTACHMENT + " FROM chat_attachment WHERE conversation_id = :c AND sha256 = :s")
                .bind("c", conversationId).bind("s", sha256).map((rs, ctx) -> attachment(rs, 1)).findOne();
    }

    /** Stores an attachment unless its content is in the conversation already; true if this one was stored. */
    static boolean insert(Handle h, Attachment a, String fileId, String previewFileId, String scanDetail) {
        return h.createUpdate("INSERT INTO chat_attachment (" + ATTACHMENT + ", file_id, preview_file_id, scan_detail,"
                + " scanned_at) VALUES (:id, :c, :name, :type, :size, :sha, :scan, :by, :at, :file, :preview, :detail,"
                + " :scanned)"
                + " ON CONFLICT (conversation_id, sha256) DO NOTHING").bind("id", a.id()).bind("c", a.conversationId())
                .bind("name", a.name()).bind("type", a.contentType()).bind("size", a.size()).bind("sha", a.sha256())
                .bind("scan", a.scan()).bind("by", a.uploadedBy()).bind("at", ts(a.createdAt())).bind("file", fileId)
                .bind("preview", previewFileId).bind("detail", scanDetail)
                .bind("scanned", a.scan().equals(ChatFiles.PENDING) ? null : ts(a.createdAt())).execute() == 1;
    }

    /** The stored file of an attachment, or of its preview (null once removed, or none). */
    static Optional<String> fileId(Handle h, String attachmentId, boolean preview) {
        return h.createQuery("SELECT " + (preview ? "preview_file_id" : "file_id") + " FROM chat_attachment"
                + " WHERE id = :id").bind("id", attachmentId).mapTo(String.class).findOne();
    }

    /** Records a scan's verdict (and a clean image's preview) on a pending attachment; false if it was not pending. */
    static boolean scanned(Handle h, String attachmentId, String scan, String detail, String previewFileId,
            Instant at) {
        return h.createUpdate("UPDATE chat_attachment SET scan = :scan, scan_detail = :d, scanned_at = :at,"
                + " preview_file_id = :preview, file_id = CASE WHEN :scan = 'infected' THEN NULL ELSE file_id END"
                + " WHERE id = :id AND scan = 'pending'").bind("scan", scan).bind("d", detail).bind("at", ts(at))
                .bind("preview", previewFileId).bind("id", attachmentId).execute() == 1;
    }

    /** Moves {@code reader}'s marker forward to {@code sequence}; true if it moved. */
    static boolean read(Handle h, String conversationId, String reader, String readerName, long sequence, Instant at) {
        return h.createUpdate(READ_UPSERT).bind("c", conversationId).bind("reader", reader)
                .bind("readerName", readerName).bind("readSeq", sequence).bind("readAt", ts(at)).execute() == 1;
    }

    static List<Read> reads(Handle h, String conversationId) {
        return h.createQuery("SELECT conversation_id, reader, reader_name, sequence, read_at, delivered FROM chat_read"
                + " WHERE conversation_id = :c ORDER BY reader").bind("c", conversationId)
                .map((rs, ctx) -> read(rs)).list();
    }

    private static Read read(ResultSet rs) throws SQLException {
        return new Read(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), instant(rs, 5),
                Math.max(rs.getLong(4), rs.getLong(6)));
    }

    /**
     * Moves {@code reader}'s delivered mark forward to {@code sequence} (a member who has not read anything yet gets
     * a row with read marker 0); the row when it moved, else empty.
     */
    static Optional<Read> delivered(Handle h, String conversationId, String reader, String readerName, long sequence,
            Instant at) {
        return h.createQuery("INSERT INTO chat_read (conversation_id, reader, reader_name, sequence, read_at,"
                + " delivered) VALUES (:c, :r, :n, 0, :at, :d) ON CONFLICT (conversation_id, reader) DO UPDATE"
                + " SET delivered = EXCLUDED.delivered WHERE GREATEST(chat_read.delivered, chat_read.sequence)"
                + " < EXCLUDED.delivered RETURNING conversation_id, reader, reader_name, sequence, read_at, delivered")
                .bind("c", conversationId).bind("r", reader).bind("n", readerName).bind("at", ts(at))
                .bind("d", sequence).map((rs, ctx) -> read(rs)).findOne();
    }

    /** The patient of each of these encounters whose conversation exists (encounter id → patient id). */
    static java.util.Map<String, String> patients(Handle h, java.util.Collection<String> encounterIds) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        h.createQuery("SELECT encounter_id, patient_id FROM chat_conversation WHERE encounter_id = ANY(:ids)")
                .bind("ids", encounterIds.toArray(new String[0]))
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)}).forEach(r -> out.put(r[0], r[1]));
        return out;
    }

    /** Per encounter among these, the messages of others after {@code reader}'s marker (0 rows: no conversation). */
    static java.util.Map<String, Long> unread(Handle h, java.util.Collection<String> encounterIds, String reader) {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        unreadOf(h, encounterIds, reader).forEach((e, u) -> out.put(e, u.count()));
        return out;
    }

    /** What a reader has not read of a conversation: how many messages of others, and the newest one's number (0). */
    record Unread(long count, long newest) {
    }

    /** {@link #unread}, with the newest unread message's number (what an unread notice tells up to). */
    static java.util.Map<String, Unread> unreadOf(Handle h, java.util.Collection<String> encounterIds, String reader) {
        java.util.Map<String, Unread> out = new java.util.LinkedHashMap<>();
        h.createQuery("SELECT c.encounter_id, count(m.id), COALESCE(max(m.sequence), 0) FROM chat_conversation c"
                + " LEFT JOIN chat_read r ON r.conversation_id = c.id AND r.reader = :r LEFT JOIN chat_message m"
                + " ON m.conversation_id = c.id AND m.sender <> :r AND m.sequence > COALESCE(r.sequence, 0)"
                + " WHERE c.encounter_id = ANY(:ids) GROUP BY c.encounter_id")
                .bind("ids", encounterIds.toArray(new String[0])).bind("r", reader)
                .map((rs, ctx) -> java.util.Map.entry(rs.getString(1), new Unread(rs.getLong(2), rs.getLong(3))))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The encounter and patient of a conversation. */
    static Optional<String[]> encounterOf(Handle h, String conversationId) {
        return h.createQuery("SELECT encounter_id, patient_id FROM chat_conversation WHERE id = :id")
                .bind("id", conversationId).map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
                .findOne();
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.from(i);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /**
     * The conversations a list may hold for reader {@code :r}: every encounter's (whether the reader is in it is the
     * caller's to check) and the direct ones the reader is a member of.
     */
    private static final String MINE = "(c.encounter_id IS NOT NULL OR EXISTS (SELECT 1 FROM chat_member cm"
            + " WHERE cm.conversation_id = c.id AND cm.username = :r))";
    /** For a direct conversation, the names of its members other than reader {@code :r}; null for an encounter's. */
    private static final String COLLEAGUES = "(SELECT string_agg(cm.display_name, ', ' ORDER BY cm.display_name)"
            + " FROM chat_member cm WHERE cm.conversation_id = c.id AND cm.username <> :r) AS colleagues";

    /** The {@code chat_notice} channel of the seen marks of in-app notices (not a NotificationChannel's name). */
    static final String SEEN = "app.seen";

    /**
     * A conversation where {@code reader} has messages of others after both their read marker and their seen mark:
     * how many, and the newest one.
     */
    record Unseen(String id, String encounterId, String patientId, Instant lastAt, long count, long newest,
            Instant newestAt, String fromName, String colleagues) {
    }

    /**
     * Conversations where {@code reader} has unseen messages, newest last message first, strictly before
     * ({@code beforeAt}, {@code beforeId}) when given. Whether the reader takes part in them is the caller's to check.
     */
    static List<Unseen> unseen(Handle h, String reader, Instant beforeAt, String beforeId, int limit) {
        return h.createQuery("SELECT c.id, c.encounter_id, c.patient_id, c.last_at, u.n, u.newest, nm.sent_at,"
                + " nm.sender_name, " + COLLEAGUES + " FROM chat_conversation c"
                + " LEFT JOIN chat_read r ON r.conversation_id = c.id AND r.reader = :r"
                + " LEFT JOIN chat_notice s ON s.conversation_id = c.id AND s.recipient = :r AND s.channel = :seen"
                + " CROSS JOIN LATERAL (SELECT count(*) AS n, max(m.sequence) AS newest FROM chat_message m"
                + " WHERE m.conversation_id = c.id AND m.sender <> :r"
                + " AND m.sequence > GREATEST(COALESCE(r.sequence, 0), COALESCE(s.sequence, 0))) u"
                + " JOIN chat_message nm ON nm.conversation_id = c.id AND nm.sequence = u.newest"
                + " WHERE c.last_at IS NOT NULL AND u.n > 0 AND " + MINE
                + (beforeAt == null ? "" : " AND (c.last_at, c.id) < (:at, :id)")
                + " ORDER BY c.last_at DESC, c.id DESC LIMIT :n").bind("r", reader).bind("seen", SEEN)
                .bind("at", beforeAt == null ? null : ts(beforeAt)).bind("id", beforeId).bind("n", limit)
                .map((rs, ctx) -> new Unseen(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4),
                        rs.getLong(5), rs.getLong(6), instant(rs, 7), rs.getString(8), rs.getString(9))).list();
    }

    /**
     * Moves {@code reader}'s seen mark of a conversation forward to {@code sequence} (never back, never past its last
     * message); the mark now, or -1 when {@code sequence} is past the last message.
     */
    static long seen(Handle h, String conversationId, String reader, long sequence) {
        long last = h.createQuery("SELECT last_sequence FROM chat_conversation WHERE id = :c")
                .bind("c", conversationId).mapTo(Long.class).findOne().orElse(0L);
        if (sequence > last) {
            return -1;
        }
        return h.createQuery("INSERT INTO chat_notice (conversation_id, recipient, channel, sequence, sent_at)"
                + " VALUES (:c, :r, :seen, :s, now()) ON CONFLICT (conversation_id, recipient, channel)"
                + " DO UPDATE SET sequence = GREATEST(chat_notice.sequence, EXCLUDED.sequence),"
                + " sent_at = EXCLUDED.sent_at RETURNING sequence").bind("c", conversationId).bind("r", reader)
                .bind("seen", SEEN).bind("s", sequence).mapTo(Long.class).one();
    }

    /** A conversation with messages, as {@link #latest} lists it. */
    record Latest(String id, String encounterId, String patientId, long lastSequence, java.time.Instant lastAt,
            String sender, String senderName, String text, String file, boolean retracted, String colleagues) {
    }

    /**
     * Conversations with messages, newest last message first, strictly before ({@code beforeAt}, {@code beforeId})
     * when given; each with its last message.
     */
    static List<Latest> latest(Handle h, String reader, java.time.Instant beforeAt, String beforeId, int limit) {
        return h.createQuery("SELECT c.id, c.encounter_id, c.patient_id, c.last_sequence, c.last_at, m.sender,"
                + " m.sender_name, left(m.body, 140) AS body, a.name AS file, m.retracted_at IS NOT NULL AS retracted,"
                + " " + COLLEAGUES + " FROM chat_conversation c"
                + " JOIN chat_message m ON m.conversation_id = c.id AND m.sequence = c.last_sequence"
                + " LEFT JOIN chat_attachment a ON a.id = m.attachment_id WHERE c.last_at IS NOT NULL AND " + MINE
                + (beforeAt == null ? "" : " AND (c.last_at, c.id) < (:at, :id)")
                + " ORDER BY c.last_at DESC, c.id DESC LIMIT :n").bind("r", reader)
                .bind("at", beforeAt == null ? null : ts(beforeAt))
                .bind("id", beforeId).bind("n", limit)
                .map((rs, ctx) -> new Latest(rs.getString("id"), rs.getString("encounter_id"),
                        rs.getString("patient_id"), rs.getLong("last_sequence"),
                        rs.getTimestamp("last_at").toInstant(), rs.getString("sender"), rs.getString("sender_name"),
                        rs.getString("body"), rs.getString("file"), rs.getBoolean("retracted"),
                        rs.getString("colleagues"))).list();
    }
}
