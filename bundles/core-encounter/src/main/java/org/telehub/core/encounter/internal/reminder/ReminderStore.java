package org.telehub.core.encounter.internal.reminder;

import static org.telehub.core.encounter.internal.Sql.instant;
import static org.telehub.core.encounter.internal.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Handle;

/** SQL of reminders; every method runs on the caller's handle. */
public final class ReminderStore {
    private ReminderStore() {
    }

    /** One reminder row: {@code state} pending, sending, sent, failed, cancelled or replaced. */
    public record Reminder(String id, String encounterId, long offsetSeconds, Instant dueAt, String state, String detail,
            Instant createdAt, Instant sentAt) {
    }

    static void insert(Handle h, Reminder r) {
        h.createUpdate("INSERT INTO encounter_reminder (id, encounter_id, offset_seconds, due_at, state, detail,"
                + " created_at, updated_at) VALUES (:id, :e, :o, :due, :s, NULL, :now, :now)")
                .bind("id", r.id()).bind("e", r.encounterId()).bind("o", r.offsetSeconds()).bind("due", ts(r.dueAt()))
                .bind("s", r.state()).bind("now", ts(r.createdAt())).execute();
    }

    /** Pending reminders of an encounter become {@code state} (cancelled, replaced); returns how many. */
    static int close(Handle h, String encounterId, String state, String detail, Instant now) {
        return h.createUpdate("UPDATE encounter_reminder SET state = :s, detail = :d, updated_at = :now"
                + " WHERE encounter_id = :e AND state = 'pending'")
                .bind("s", state).bind("d", detail).bind("now", ts(now)).bind("e", encounterId).execute();
    }

    static List<Reminder> of(Handle h, String encounterId) {
        return h.createQuery("SELECT id, encounter_id, offset_seconds, due_at, state, detail, created_at, sent_at"
                + " FROM encounter_reminder WHERE encounter_id = :e ORDER BY due_at, id").bind("e", encounterId)
                .map((rs, ctx) -> reminder(rs)).list();
    }

    static Optional<Reminder> get(Handle h, String id) {
        return h.createQuery("SELECT id, encounter_id, offset_seconds, due_at, state, detail, created_at, sent_at"
                + " FROM encounter_reminder WHERE id = :id").bind("id", id).map((rs, ctx) -> reminder(rs)).findOne();
    }

    /** Takes a pending reminder for sending (one node, one worker): false if it is not pending. */
    static boolean claim(Handle h, String id, Instant now) {
        return h.createUpdate("UPDATE encounter_reminder SET state = 'sending', updated_at = :now"
                + " WHERE id = :id AND state = 'pending'").bind("now", ts(now)).bind("id", id).execute() == 1;
    }

    static void finish(Handle h, String id, String state, String detail, Instant now) {
        h.createUpdate("UPDATE encounter_reminder SET state = :s, detail = :d, updated_at = :now,"
                + " sent_at = CASE WHEN :s = 'sent' THEN :now ELSE sent_at END WHERE id = :id")
                .bind("s", state).bind("d", detail == null ? null : detail.substring(0, Math.min(500, detail.length())))
                .bind("now", ts(now)).bind("id", id).execute();
    }

    /**
     * Recovery: reminders left 'sending' by a crash (for twice {@code graceSeconds}) go back to pending; pending
     * ones past due by more than {@code graceSeconds} (their message lost) are returned to be looked at now.
     */
    static List<String> overdue(Handle h, Instant now, long graceSeconds) {
        h.createUpdate("UPDATE encounter_reminder SET state = 'pending', updated_at = :now WHERE state = 'sending'"
                + " AND updated_at < :stuck").bind("now", ts(now)).bind("stuck", ts(now.minusSeconds(2 * graceSeconds)))
                .execute();
        return h.createQuery("SELECT id FROM encounter_reminder WHERE state = 'pending' AND due_at < :late"
                + " ORDER BY due_at FETCH FIRST 500 ROWS ONLY").bind("late", ts(now.minusSeconds(graceSeconds)))
                .mapTo(String.class).list();
    }

    private static Reminder reminder(ResultSet rs) throws SQLException {
        return new Reminder(rs.getString(1), rs.getString(2), rs.getLong(3), instant(rs, 4), rs.getString(5),
                rs.getString(6), instant(rs, 7), instant(rs, 8));
    }
}
