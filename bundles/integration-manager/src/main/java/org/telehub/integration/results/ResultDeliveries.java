package org.telehub.integration.results;

import java.time.Instant;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

/**
 * Sends a result to the systems a patient is mapped to, as durable deliveries (one per system that takes it: a row
 * and a work item in one transaction, retried until the system has it, each attempt idempotent at the system), and
 * tells what became of them. The caller must reach the patient by a care relationship ({@code NotFoundException}
 * "No patient …" otherwise). A request key makes a send idempotent: the same caller sending the same key for the
 * same patient again gets the deliveries made the first time.
 */
@ProviderType
public interface ResultDeliveries {

    /**
     * Queues the report for every system the patient is mapped to that takes a report, and for every one whose adapter
     * is not installed now (being updated): its delivery waits for the adapter, so a result is never left out because
     * a system was away at the moment it was sent.
     *
     * @throws org.telehub.domain.UnprocessableException {@code targets} when no installed system the patient is
     *             mapped to takes it
     */
    List<Delivery> send(AuthenticatedUser caller, String patientId, String requestKey, Report report);

    /** The deliveries a send with {@code requestKey} made (empty: none yet). */
    List<Delivery> sent(AuthenticatedUser caller, String patientId, String requestKey);

    /**
     * A rendered report: {@code code} and {@code codeSystem} say what kind (e.g. LOINC 11506-3), {@code content} the
     * document ({@code contentType}, e.g. application/pdf), {@code studyInstanceUid} the patient's study it belongs
     * to in a PACS (null: a study of its own).
     */
    record Report(String code, String codeSystem, String title, String conclusion, byte[] content, String contentType,
            Instant authoredAt, String author, String studyInstanceUid) {
    }

    /** {@code state}: queued, in_flight, retrying, delivered or dead; {@code remoteId} what the system calls it. */
    record Delivery(String id, String adapterId, String state, int attempts, String lastError, String remoteId,
            Instant deliveredAt) {
    }
}
