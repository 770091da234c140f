package org.telehub.chat.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Handle;

/** The rows of resumable uploads ({@code chat_upload}) and their pieces ({@code chat_upload_part}). */
final class UploadStore {

    private UploadStore() {
    }

    /** An upload's row; {@code attachmentId} once its last piece made an attachment. */
    record Row(String id, String conversationId, String uploader, String name, long size, long received,
            String attachmentId, Instant createdAt, Instant expiresAt) {
    }

    static void insert(Handle h, Row r) {
        h.createUpdate("INSERT INTO chat_upload (id, conversation_id, uploader, name, size, received, created_at,"
                + " expires_at) VALUES (:id, :c, :u, :n, :s, 0, :at, :exp)").bind("id", r.id())
                .bind("c", r.conversationId()).bind("u", r.uploader()).bind("n", r.name()).bind("s", r.size())
                .bind("at", Timestamp.from(r.createdAt())).bind("exp", Timestamp.from(r.expiresAt())).execute();
    }

    static Optional<Row> find(Handle h, String id) {
        return h.createQuery("SELECT id, conversation_id, uploader, name, size, received, attachment_id, created_at,"
                + " expires_at FROM chat_upload WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), rs.getLong(6), rs.getString(7), rs.getTimestamp(8).toInstant(),
                        rs.getTimestamp(9).toInstant())).findOne();
    }

    /**
     * Appends a stored piece when it starts where the upload stands (and the upload is not finished): true if it was
     * appended, false if the upload had moved on (or finished) meanwhile.
     */
    static boolean append(Handle h, String id, long offset, long length, String fileId) {
        int moved = h.createUpdate("UPDATE chat_upload SET received = :end WHERE id = :id AND received = :offset"
                + " AND attachment_id IS NULL").bind("end", offset + length).bind("id", id).bind("offset", offset)
                .execute();
        if (moved == 0) {
            return false;
        }
        h.createUpdate("INSERT INTO chat_upload_part (upload_id, \"offset\", length, file_id) VALUES (:id, :o, :l, :f)")
                .bind("id", id).bind("o", offset).bind("l", length).bind("f", fileId).execute();
        return true;
    }

    /** The stored files of an upload's pieces, in order. */
    static List<String> parts(Handle h, String id) {
        return h.createQuery("SELECT file_id FROM chat_upload_part WHERE upload_id = :id ORDER BY \"offset\"")
                .bind("id", id).mapTo(String.class).list();
    }

    /**
     * Locks an upload's row until the transaction ends: a piece being appended meanwhile either committed before (its
     * row is then read with the others) or waits and then finds the upload gone or finished.
     */
    private static void lock(Handle h, String id) {
        h.createQuery("SELECT id FROM chat_upload WHERE id = :id FOR UPDATE").bind("id", id).mapTo(String.class)
                .findOne();
    }

    /** How many uploads of {@code uploader} are unfinished and not expired at {@code now}. */
    static long unfinished(Handle h, String uploader, Instant now) {
        return h.createQuery("SELECT count(*) FROM chat_upload WHERE uploader = :u AND attachment_id IS NULL"
                + " AND expires_at > :now").bind("u", uploader).bind("now", Timestamp.from(now)).mapTo(Long.class)
                .one();
    }

    /** The upload made {@code attachmentId}: noted, its pieces' rows deleted; answers their stored files. */
    static List<String> finish(Handle h, String id, String attachmentId) {
        lock(h, id);
        List<String> files = parts(h, id);
        h.createUpdate("UPDATE chat_upload SET attachment_id = :a WHERE id = :id").bind("a", attachmentId)
                .bind("id", id).execute();
        h.createUpdate("DELETE FROM chat_upload_part WHERE upload_id = :id").bind("id", id).execute();
        return files;
    }

    /** Deletes an upload and its pieces' rows; answers their stored files (to delete after the commit). */
    static List<String> delete(Handle h, String id) {
        lock(h, id);
        List<String> files = parts(h, id);
        h.createUpdate("DELETE FROM chat_upload WHERE id = :id").bind("id", id).execute();
        return files;
    }
}
