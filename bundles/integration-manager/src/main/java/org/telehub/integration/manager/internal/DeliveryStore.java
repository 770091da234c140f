package org.telehub.integration.manager.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The delivery rows. Every state change is one conditional UPDATE, so two workers never own one delivery. */
final class DeliveryStore {
    private static final String QUEUED = DeliveryState.QUEUED.value();
    private static final String IN_FLIGHT = DeliveryState.IN_FLIGHT.value();
    private static final String DELIVERED = DeliveryState.DELIVERED.value();
    private static final String RETRYING = DeliveryState.RETRYING.value();
    private static final String DEAD = DeliveryState.DEAD.value();

    private static final String COLUMNS = "id, result_id, request_key, local_patient_id, adapter_id,"
            + " system_patient_id, payload, state, attempts, max_attempts, next_attempt_at, last_error, remote_id,"
            + " created_by, created_at, updated_at, delivered_at";

    private final Jdbi jdbi;

    DeliveryStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A delivery as stored. {@code payload} is JSON. */
    record Row(String id, String resultId, String requestKey, String patientId, String adapterId,
            String systemPatientId, String payload, DeliveryState state, int attempts, int maxAttempts, Instant nextAttemptAt,
            String lastError, String remoteId, String createdBy, Instant createdAt, Instant updatedAt,
            Instant deliveredAt) {
    }

    void insertAll(List<Row> rows) {
        jdbi.useTransaction(h -> {
            for (Row r : rows) {
                h.createUpdate("INSERT INTO integration_delivery (" + COLUMNS + ") VALUES (:id, :result, :key,"
                        + " :patient, :adapter, :spid, :payload, :state, 0, :max, :next, NULL, NULL, :by, :now, :now,"
                        + " NULL)")
                        .bind("id", r.id()).bind("result", r.resultId()).bind("key", r.requestKey())
                        .bind("patient", r.patientId()).bind("adapter", r.adapterId())
                        .bind("spid", r.systemPatientId()).bind("payload", r.payload()).bind("state", QUEUED)
                        .bind("max", r.maxAttempts()).bind("next", ts(r.nextAttemptAt())).bind("by", r.createdBy())
                        .bind("now", ts(r.createdAt())).execute();
            }
        });
    }

    Optional<Row> get(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM integration_delivery WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> row(rs)).findOne());
    }

    /** The deliveries one caller created for one patient under one request key (keys are the caller's own). */
    List<Row> byRequestKey(String key, String createdBy, String patientId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM integration_delivery"
                + " WHERE request_key = :k AND created_by = :by AND local_patient_id = :p ORDER BY adapter_id")
                .bind("k", key).bind("by", createdBy).bind("p", patientId).map((rs, ctx) -> row(rs)).list());
    }

    List<Row> list(DeliveryState state, String adapterId, String patientId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM integration_delivery WHERE 1 = 1");
        if (state != null) {
            sql.append(" AND state = :state");
        }
        if (adapterId != null) {
            sql.append(" AND adapter_id = :adapter");
        }
        if (patientId != null) {
            sql.append(" AND local_patient_id = :patient");
        }
        sql.append(" ORDER BY created_at DESC, id LIMIT :limit");
        return jdbi.withHandle(h -> {
            var q = h.createQuery(sql.toString()).bind("limit", limit);
            if (state != null) {
                q.bind("state", state.value());
            }
            if (adapterId != null) {
                q.bind("adapter", adapterId);
            }
            if (patientId != null) {
                q.bind("patient", patientId);
            }
            return q.map((rs, ctx) -> row(rs)).list();
        });
    }

    /** Takes a due delivery for one attempt; false if another worker has it, it is finished, or not yet due. */
    boolean claim(String id, Instant now) {
        return update(h -> h.createUpdate("UPDATE integration_delivery SET state = :inflight, attempts = attempts + 1,"
                + " updated_at = :now WHERE id = :id AND state IN (:q, :r) AND next_attempt_at <= :now")
                .bind("inflight", IN_FLIGHT).bind("now", ts(now)).bind("id", id).bind("q", QUEUED).bind("r", RETRYING)
                .execute()) == 1;
    }

    void delivered(String id, String remoteId, Instant now) {
        update(h -> h.createUpdate("UPDATE integration_delivery SET state = :s, remote_id = :rid, last_error = NULL,"
                + " updated_at = :now, delivered_at = :now WHERE id = :id AND state = :inflight")
                .bind("s", DELIVERED).bind("rid", remoteId).bind("now", ts(now)).bind("id", id)
                .bind("inflight", IN_FLIGHT).execute());
    }

    void failed(String id, DeliveryState state, String error, Instant next, Instant now) {
        update(h -> h.createUpdate("UPDATE integration_delivery SET state = :s, last_error = :e, next_attempt_at = :next,"
                + " updated_at = :now WHERE id = :id AND state = :inflight")
                .bind("s", state.value()).bind("e", truncate(error)).bind("next", ts(next)).bind("now", ts(now)).bind("id", id)
                .bind("inflight", IN_FLIGHT).execute());
    }

    /** The target adapter is not installed: the delivery waits, no attempt is counted. */
    void waiting(String id, String error, Instant next, Instant now) {
        update(h -> h.createUpdate("UPDATE integration_delivery SET last_error = :e, next_attempt_at = :next,"
                + " updated_at = :now WHERE id = :id AND state IN (:q, :r)")
                .bind("e", truncate(error)).bind("next", ts(next)).bind("now", ts(now)).bind("id", id)
                .bind("q", QUEUED).bind("r", RETRYING).execute());
    }

    /** Makes every waiting or retrying delivery of an adapter due now; returns their ids. */
    List<String> wake(String adapterId, Instant now) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("UPDATE integration_delivery SET next_attempt_at = :now, updated_at = :now"
                    + " WHERE adapter_id = :a AND state IN (:q, :r)")
                    .bind("now", ts(now)).bind("a", adapterId).bind("q", QUEUED).bind("r", RETRYING).execute();
            return h.createQuery("SELECT id FROM integration_delivery WHERE adapter_id = :a AND state IN (:q, :r)")
                    .bind("a", adapterId).bind("q", QUEUED).bind("r", RETRYING).mapTo(String.class).list();
        });
    }

    /**
     * Recovery: deliveries left in flight by a crash become retrying, and due deliveries whose message is older
     * than {@code lostAfter} (lost, or never sent) are returned, as id → adapter id, to be queued again.
     */
    List<Map.Entry<String, String>> sweep(Instant now, Instant stuckBefore, Instant lostBefore) {
        return jdbi.inTransaction(h -> {
            List<Map.Entry<String, String>> crashed = h.createQuery("SELECT id, adapter_id FROM integration_delivery"
                    + " WHERE state = :inflight AND updated_at < :stuck")
                    .bind("inflight", IN_FLIGHT).bind("stuck", ts(stuckBefore))
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).list();
            List<Map.Entry<String, String>> lost = h.createQuery("SELECT id, adapter_id FROM integration_delivery"
                    + " WHERE state IN (:q, :r) AND next_attempt_at <= :now AND updated_at < :lost")
                    .bind("q", QUEUED).bind("r", RETRYING).bind("now", ts(now)).bind("lost", ts(lostBefore))
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).list();
            for (String id : crashed.stream().map(Map.Entry::getKey).toList()) {
                h.createUpdate("UPDATE integration_delivery SET state = :r, next_attempt_at = :now, updated_at = :now,"
                        + " last_error = 'interrupted in flight (restart or crash); retrying'"
                        + " WHERE id = :id AND state = :inflight")
                        .bind("r", RETRYING).bind("now", ts(now)).bind("id", id).bind("inflight", IN_FLIGHT).execute();
            }
            for (String id : lost.stream().map(Map.Entry::getKey).toList()) {
                // touched, so the next sweep does not queue it again before its message had a chance
                h.createUpdate("UPDATE integration_delivery SET updated_at = :now WHERE id = :id")
                        .bind("now", ts(now)).bind("id", id).execute();
            }
            List<Map.Entry<String, String>> again = new java.util.ArrayList<>(crashed);
            again.addAll(lost);
            return again;
        });
    }

    /** A dead (or retrying) delivery starts over; false if it is in another state. */
    boolean replay(String id, Instant now) {
        return update(h -> h.createUpdate("UPDATE integration_delivery SET state = :q, attempts = 0,"
                + " next_attempt_at = :now, updated_at = :now, last_error = NULL WHERE id = :id AND state IN (:d, :r)")
                .bind("q", QUEUED).bind("now", ts(now)).bind("id", id).bind("d", DEAD).bind("r", RETRYING)
                .execute()) == 1;
    }

    private int update(java.util.function.Function<Handle, Integer> f) {
        return jdbi.withHandle(f::apply);
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("id"), rs.getString("result_id"), rs.getString("request_key"),
                rs.getString("local_patient_id"), rs.getString("adapter_id"), rs.getString("system_patient_id"),
                rs.getString("payload"), DeliveryState.of(rs.getString("state")).orElseThrow(), rs.getInt("attempts"), rs.getInt("max_attempts"),
                instant(rs, "next_attempt_at"), rs.getString("last_error"), rs.getString("remote_id"),
                rs.getString("created_by"), instant(rs, "created_at"), instant(rs, "updated_at"),
                instant(rs, "delivered_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.from(i);
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 1000 ? s : s.substring(0, 997) + "...";
    }
}
