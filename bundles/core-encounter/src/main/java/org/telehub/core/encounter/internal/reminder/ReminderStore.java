package org.telehub.core.encounter.internal.reminder;

import static org.telehub.core.encounter.internal.Sql.instant;
import static org.telehub.core.encounter.internal.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Handle;

/** SQL of reminders; every method runs on the caller's handle. The state is the work item's ({@code workId}). */
public final class ReminderStore {
    private static final String COLUMNS = "id, encounter_id, offset_seconds, due_at, work_id, detail, created_at,"
            + " sent_at";

    private ReminderStore() {
    }

    /** One reminder; {@code detail} and {@code sentAt} say what the channels did, or why it was cancelled. */
    public record Reminder(String id, String encounterId, long offsetSeconds, Instant dueAt, String workId,
            String detail, Instant createdAt, Instant sentAt) {
    }

    /** Nothing if the reminder exists already (its event handed again). */
    static void insert(Handle h, Reminder r) {
        h.createUpdate("INSERT INTO encounter_reminder (" + COLUMNS + ") VALUES (:id, :e, :o, :due, :w, NULL, :now,"
                + " NULL) ON CONFLICT (id) DO NOTHING").bind("id", r.id()).bind("e", r.encounterId())
                .bind("o", r.offsetSeconds()).bind("due", ts(r.dueAt())).bind("w", r.workId())
                .bind("now", ts(r.createdAt())).execute();
    }

    static List<Reminder> of(Handle h, String encounterId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM encounter_reminder WHERE encounter_id = :e"
                + " ORDER BY due_at, id").bind("e", encounterId).map((rs, ctx) -> reminder(rs)).list();
    }

    static Optional<Reminder> get(Handle h, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM encounter_reminder WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> reminder(rs)).findOne();
    }

    static void detail(Handle h, String id, String detail) {
        h.createUpdate("UPDATE encounter_reminder SET detail = :d WHERE id = :id").bind("d", cut(detail))
                .bind("id", id).execute();
    }

    static void sent(Handle h, String id, String detail, Instant at) {
        h.createUpdate("UPDATE encounter_reminder SET detail = :d, sent_at = :at WHERE id = :id")
                .bind("d", cut(detail)).bind("at", ts(at)).bind("id", id).execute();
    }

    private static String cut(String s) {
        return s == null ? null : s.substring(0, Math.min(500, s.length()));
    }

    private static Reminder reminder(ResultSet rs) throws SQLException {
        return new Reminder(rs.getString(1), rs.getString(2), rs.getLong(3), instant(rs, 4), rs.getString(5),
                rs.getString(6), instant(rs, 7), instant(rs, 8));
    }
}
