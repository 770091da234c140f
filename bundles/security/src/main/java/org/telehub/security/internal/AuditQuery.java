package org.telehub.security.internal;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Reads the audit trail for administrators: by patient, by user, by time, newest first, a page at a time; and the
 * same entries as FHIR R4 {@code AuditEvent}s (plain JSON maps, so the security bundle needs no FHIR library).
 */
public final class AuditQuery {

    private AuditQuery() {
    }

    /** What the query asks for; null fields do not filter. */
    record Filter(String patientId, String actor, Instant from, Instant to) {
    }

    /** One audit row as the API shows it. */
    public record Entry(long seq, Instant at, long actorId, String actor, String action, String patientId,
            List<String> systems, String outcome) {
    }

    static List<Entry> find(Handle h, Filter f, int offset, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, at, actor_id, actor, action, patient_id, systems, outcome"
                + " FROM audit_event WHERE true");
        if (f.patientId() != null) {
            sql.append(" AND patient_id = :pid");
        }
        if (f.actor() != null) {
            sql.append(" AND actor = :actor");
        }
        if (f.from() != null) {
            sql.append(" AND at >= :from");
        }
        if (f.to() != null) {
            sql.append(" AND at < :to");
        }
        sql.append(" ORDER BY id DESC OFFSET :offset LIMIT :limit");
        Query q = h.createQuery(sql.toString()).bind("offset", offset).bind("limit", limit);
        if (f.patientId() != null) {
            q.bind("pid", f.patientId());
        }
        if (f.actor() != null) {
            q.bind("actor", f.actor());
        }
        if (f.from() != null) {
            q.bind("from", java.sql.Timestamp.from(f.from()));
        }
        if (f.to() != null) {
            q.bind("to", java.sql.Timestamp.from(f.to()));
        }
        return q.map((rs, ctx) -> new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getLong(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7) == null
                        || rs.getString(7).isEmpty() ? List.of() : Arrays.asList(rs.getString(7).split(",")),
                rs.getString(8))).list();
    }
}
