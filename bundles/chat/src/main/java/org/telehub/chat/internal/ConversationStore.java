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
import org.telehub.chat.Conversations.Message;

/** SQL of conversations and messages, on the caller's handle (and so in the caller's transaction). */
final class ConversationStore {
    private static final String MESSAGE = "id, conversation_id, sequence, sender, sender_name, client_id, body, sent_at";

    record Row(String id, String encounterId, long lastSequence, Instant createdAt) {
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
        return h.createQuery("SELECT id, encounter_id, last_sequence, created_at FROM chat_conversation WHERE id = :id")
                .bind("id", idOf(encounterId))
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2), rs.getLong(3), instant(rs, 4))).one();
    }

    /** Locks the conversation's row until the transaction ends and answers its last sequence number. */
    static long lock(Handle h, String conversationId) {
        return h.createQuery("SELECT last_sequence FROM chat_conversation WHERE id = :id FOR UPDATE")
                .bind("id", conversationId).mapTo(Long.class).one();
    }

    static Optional<Message> byClient(Handle h, String conversationId, String sender, String clientId) {
        return h.createQuery("SELECT " + MESSAGE + " FROM chat_message WHERE conversation_id = :c AND sender = :s"
                + " AND client_id = :k").bind("c", conversationId).bind("s", sender).bind("k", clientId)
                .map((rs, ctx) -> message(rs)).findOne();
    }

    /** Stores a message numbered {@code m.sequence()}; the caller holds the row lock of {@link #lock}. */
    static void insert(Handle h, Message m) {
        h.createUpdate("UPDATE chat_conversation SET last_sequence = :n WHERE id = :c").bind("n", m.sequence())
                .bind("c", m.conversationId()).execute();
        h.createUpdate("INSERT INTO chat_message (" + MESSAGE + ") VALUES (:id, :c, :n, :s, :name, :k, :body, :at)")
                .bind("id", m.id()).bind("c", m.conversationId()).bind("n", m.sequence()).bind("s", m.sender())
                .bind("name", m.senderName()).bind("k", m.clientId()).bind("body", m.text())
                .bind("at", ts(m.sentAt())).execute();
    }

    static List<Message> after(Handle h, String conversationId, long afterSequence, int limit) {
        return h.createQuery("SELECT " + MESSAGE + " FROM chat_message WHERE conversation_id = :c AND sequence > :a"
                + " ORDER BY sequence LIMIT :l").bind("c", conversationId).bind("a", afterSequence).bind("l", limit)
                .map((rs, ctx) -> message(rs)).list();
    }

    private static Message message(ResultSet rs) throws SQLException {
        return new Message(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), instant(rs, 8));
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.from(i);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
