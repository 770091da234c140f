package org.telehub.integration.manager.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The delivery rows: the result, its target, the work item that carries it ({@code work_id}) and the target's
 * answer. State, attempts, retry time and last error are the work item's ({@code work_item} of
 * {@code org.telehub.work}), read here in the same query so that a list filtered by state is one indexed join, not
 * a look-up per row; this class only ever reads that table. Rows finished before deliveries ran on the work service
 * have no work item and keep their own final state.
 */
final class DeliveryStore {
    /**
     * The state of a delivery whose work item was pruned (done items go after the work service's
     * {@code keepFinishedHours}; dead ones stay; deliveries are never cancelled): delivered, as its own
     * {@code delivered_at} says, written before the item was done.
     */
    private static final String PRUNED = "CASE WHEN d.work_id IS NOT NULL AND d.delivered_at IS NOT NULL"
            + " THEN 'done' END";
    private static final String COLUMNS = "d.id, d.result_id, d.request_key, d.local_patient_id, d.adapter_id,"
            + " d.system_patient_id, d.payload, d.remote_id, d.created_by, d.created_at, d.work_id,"
            + " COALESCE(w.state, d.state, " + PRUNED + ") AS state, COALESCE(w.attempts, d.attempts, 0) AS attempts,"
            + " CASE WHEN w.state = 'pending' THEN w.due_at ELSE NULL END AS next_attempt_at,"
            + " COALESCE(w.last_error, d.last_error) AS last_error, COALESCE(w.updated_at, d.updated_at) AS updated_at,"
            + " CASE WHEN w.state = 'done' THEN COALESCE(d.delivered_at, w.finished_at) ELSE d.delivered_at END"
            + " AS delivered_at";
    private static final String FROM = " FROM integration_delivery d LEFT JOIN work_item w ON w.id = d.work_id";

    private final Jdbi jdbi;

    DeliveryStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A new delivery, before it is written. {@code payload} is JSON. */
    record New(String id, String resultId, String requestKey, String patientId, String adapterId,
            String systemPatientId, String payload, String createdBy, Instant createdAt) {
    }

    /** A delivery as stored, with its work item's state in the API's words. */
    record Row(String id, String resultId, String requestKey, String patientId, String adapterId,
            String systemPatientId, String payload, DeliveryState state, int attempts, Instant nextAttemptAt,
            String lastError, String remoteId, String createdBy, Instant createdAt, Instant updatedAt,
            Instant deliveredAt, String workId) {
    }

    /** Writes the rows in the caller's transaction, each with the id of the work item that carries it. */
    static void insert(Handle h, New r, String workId) {
        h.createUpdate("INSERT INTO integration_delivery (id, result_id, request_key, local_patient_id, adapter_id,"
                + " system_patient_id, payload, created_by, created_at, updated_at, work_id) VALUES (:id, :result,"
                + " :key, :patient, :adapter, :spid, :payload, :by, :now, :now, :work)")
                .bind("id", r.id()).bind("result", r.resultId()).bind("key", r.requestKey())
                .bind("patient", r.patientId()).bind("adapter", r.adapterId()).bind("spid", r.systemPatientId())
                .bind("payload", r.payload()).bind("by", r.createdBy()).bind("now", ts(r.createdAt()))
                .bind("work", workId).execute();
    }

    Optional<Row> get(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + FROM + " WHERE d.id = :id")
                .bind("id", id).map((rs, ctx) -> row(rs)).findOne());
    }

    /** The deliveries one caller created for one patient under one request key (keys are the caller's own). */
    List<Row> byRequestKey(String key, String createdBy, String patientId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + FROM
                + " WHERE d.request_key = :k AND d.created_by = :by AND d.local_patient_id = :p ORDER BY d.adapter_id")
                .bind("k", key).bind("by", createdBy).bind("p", patientId).map((rs, ctx) -> row(rs)).list());
    }

    /**
     * A patient's deliveries that carry an analysis (to {@code adapterId} only, if given), newest first. The payload
     * is the JSON Jackson wrote, where a present analysis is an object and an absent one {@code null}.
     */
    List<Row> withAnalysis(String patientId, String adapterId, int limit) {
        return jdbi.withHandle(h -> {
            var q = h.createQuery("SELECT " + COLUMNS + FROM + " WHERE d.local_patient_id = :patient"
                    + (adapterId == null ? "" : " AND d.adapter_id = :adapter")
                    + " AND d.payload LIKE :analysis ORDER BY d.created_at DESC, d.id LIMIT :limit")
                    .bind("patient", patientId).bind("analysis", "%\"analysis\":{%").bind("limit", limit);
            if (adapterId != null) {
                q.bind("adapter", adapterId);
            }
            return q.map((rs, ctx) -> row(rs)).list();
        });
    }

    List<Row> list(DeliveryState state, String adapterId, String patientId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + FROM + " WHERE 1 = 1");
        if (state != null) {
            sql.append(" AND ").append(condition(state));
        }
        if (adapterId != null) {
            sql.append(" AND d.adapter_id = :adapter");
        }
        if (patientId != null) {
            sql.append(" AND d.local_patient_id = :patient");
        }
        sql.append(" ORDER BY d.created_at DESC, d.id LIMIT :limit");
        return jdbi.withHandle(h -> {
            var q = h.createQuery(sql.toString()).bind("limit", limit);
            if (adapterId != null) {
                q.bind("adapter", adapterId);
            }
            if (patientId != null) {
                q.bind("patient", patientId);
            }
            return q.map((rs, ctx) -> row(rs)).list();
        });
    }

    /** How many deliveries are in {@code state} now (one indexed join, like {@link #list}). */
    long count(DeliveryState state) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*)" + FROM + " WHERE " + condition(state))
                .mapTo(Long.class).one());
    }

    /** The SQL of one API state: the work item's state (and attempts), or a finished row's own. */
    private static String condition(DeliveryState s) {
        String work = switch (s) {
            case QUEUED -> "w.state = 'pending' AND w.attempts = 0";
            case RETRYING -> "w.state = 'pending' AND w.attempts > 0";
            case IN_FLIGHT -> "w.state = 'running'";
            case DELIVERED -> "w.state = 'done' OR (w.id IS NULL AND " + PRUNED + " IS NOT NULL)";
            case DEAD -> "w.state IN ('dead', 'cancelled')";
        };
        return "((" + work + ") OR (d.work_id IS NULL AND d.state = '" + s.value() + "'))";
    }

    /** What the target answered; written by the attempt that succeeded, before its work item is done. */
    void delivered(String id, String remoteId, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE integration_delivery SET remote_id = :rid, delivered_at = :now,"
                + " updated_at = :now WHERE id = :id")
                .bind("rid", remoteId).bind("now", ts(now)).bind("id", id).execute());
    }

    /** Rows of the old queue still open (no work item yet): the migration gives each one. */
    List<Row> legacyOpen(int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + FROM + " WHERE d.work_id IS NULL"
                + " AND d.state IN ('queued', 'in_flight', 'retrying') ORDER BY d.created_at LIMIT :limit")
                .bind("limit", limit).map((rs, ctx) -> row(rs)).list());
    }

    static void attach(Handle h, String id, String workId) {
        h.createUpdate("UPDATE integration_delivery SET work_id = :w, state = NULL WHERE id = :id AND work_id IS NULL")
                .bind("w", workId).bind("id", id).execute();
    }

    Jdbi jdbi() {
        return jdbi;
    }

    private static Row row(ResultSet rs) throws SQLException {
        int attempts = rs.getInt("attempts");
        return new Row(rs.getString("id"), rs.getString("result_id"), rs.getString("request_key"),
                rs.getString("local_patient_id"), rs.getString("adapter_id"), rs.getString("system_patient_id"),
                rs.getString("payload"), state(rs.getString("state"), attempts), attempts,
                instant(rs, "next_attempt_at"), rs.getString("last_error"), rs.getString("remote_id"),
                rs.getString("created_by"), instant(rs, "created_at"), instant(rs, "updated_at"),
                instant(rs, "delivered_at"), rs.getString("work_id"));
    }

    /** A work item's state in the API's words (pending is queued before the first attempt, retrying after). */
    static DeliveryState state(String stored, int attempts) {
        return switch (stored) {
            case "pending" -> attempts == 0 ? DeliveryState.QUEUED : DeliveryState.RETRYING;
            case "running" -> DeliveryState.IN_FLIGHT;
            case "done" -> DeliveryState.DELIVERED;
            case "dead", "cancelled" -> DeliveryState.DEAD;
            default -> DeliveryState.of(stored)
                    .orElseThrow(() -> new IllegalStateException("unknown delivery state '" + stored + "'"));
        };
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.from(i);
    }
}
