package org.telehub.integration.manager.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jdbi.v3.core.Jdbi;

/** The cross-reference of local patient ids to each system's own identifier. */
public final class PatientIdentifiers {
    private final Jdbi jdbi;

    public PatientIdentifiers(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** adapter id → identifier, ordered by adapter id. */
    public Map<String, String> of(String localPatientId) {
        Map<String, String> out = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT adapter_id, identifier FROM integration_patient_identifier"
                + " WHERE local_patient_id = :p ORDER BY adapter_id").bind("p", localPatientId)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    /** The local patients mapped to {@code identifier} in {@code adapterId} (normally one). */
    public java.util.List<String> locals(String adapterId, String identifier) {
        return jdbi.withHandle(h -> h.createQuery("SELECT local_patient_id FROM integration_patient_identifier"
                + " WHERE adapter_id = :a AND identifier = :i ORDER BY local_patient_id").bind("a", adapterId)
                .bind("i", identifier).mapTo(String.class).list());
    }

    /** For each of {@code identifiers} mapped in {@code adapterId}, its local patients: one read per page. */
    public Map<String, java.util.List<String>> locals(String adapterId, java.util.Collection<String> identifiers) {
        Map<String, java.util.List<String>> out = new LinkedHashMap<>();
        if (identifiers.isEmpty()) {
            return out;
        }
        jdbi.useHandle(h -> h.createQuery("SELECT identifier, local_patient_id FROM integration_patient_identifier"
                + " WHERE adapter_id = :a AND identifier = ANY(:ids) ORDER BY identifier, local_patient_id")
                .bind("a", adapterId).bindArray("ids", String.class, identifiers)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new java.util.ArrayList<>()).add(e.getValue())));
        return out;
    }

    /** Sets (creates or replaces) one mapping; returns true if it was new. */
    boolean put(String localPatientId, String adapterId, String identifier, String by) {
        return jdbi.inTransaction(h -> {
            Timestamp now = Timestamp.from(Instant.now());
            int updated = h.createUpdate("UPDATE integration_patient_identifier SET identifier = :i, updated_at = :t,"
                    + " updated_by = :b WHERE local_patient_id = :p AND adapter_id = :a")
                    .bind("i", identifier).bind("t", now).bind("b", by).bind("p", localPatientId).bind("a", adapterId)
                    .execute();
            if (updated > 0) {
                return false;
            }
            h.createUpdate("INSERT INTO integration_patient_identifier (local_patient_id, adapter_id, identifier,"
                    + " updated_at, updated_by) VALUES (:p, :a, :i, :t, :b)")
                    .bind("i", identifier).bind("t", now).bind("b", by).bind("p", localPatientId).bind("a", adapterId)
                    .execute();
            return true;
        });
    }

    boolean remove(String localPatientId, String adapterId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM integration_patient_identifier"
                + " WHERE local_patient_id = :p AND adapter_id = :a").bind("p", localPatientId).bind("a", adapterId)
                .execute()) > 0;
    }
}
