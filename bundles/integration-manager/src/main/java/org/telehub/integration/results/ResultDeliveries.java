package org.telehub.integration.results;

import java.time.Instant;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.integration.api.ConditionEntry;
import org.telehub.integration.api.MedicationOrder;
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
    default List<Delivery> send(AuthenticatedUser caller, String patientId, String requestKey, Report report) {
        return send(caller, patientId, requestKey, report, List.of(), List.of());
    }

    /**
     * As {@link #send(AuthenticatedUser, String, String, Report)}, with the report's coded diagnoses and its
     * prescription lines: a system that keeps them files each as its own record (a FHIR {@code Condition},
     * {@code MedicationRequest}); one that does not gets the report only.
     *
     * @since 1.1
     */
    List<Delivery> send(AuthenticatedUser caller, String patientId, String requestKey, Report report,
            List<ConditionEntry> conditions, List<MedicationOrder> medications);

    /** The deliveries a send with {@code requestKey} made (empty: none yet). */
    List<Delivery> sent(AuthenticatedUser caller, String patientId, String requestKey);

    /**
     * A rendered report: {@code code} and {@code codeSystem} say what kind (e.g. LOINC 11506-3), {@code content} the
     * document ({@code contentType}, e.g. application/pdf), {@code studyInstanceUid} the patient's study it belongs
     * to in a PACS (null: a study of its own); since 1.1 {@code documentId} its own id in every system (null: none)
     * and {@code amends} the document id of the report it is an addendum to (an EHR marks that one amended, a PACS
     * files the addendum as a new document).
     */
    record Report(String code, String codeSystem, String title, String conclusion, byte[] content, String contentType,
            Instant authoredAt, String author, String studyInstanceUid, String documentId, String amends) {

        /** The 1.0 report: no document id, amending nothing. */
        public Report(String code, String codeSystem, String title, String conclusion, byte[] content,
                String contentType, Instant authoredAt, String author, String studyInstanceUid) {
            this(code, codeSystem, title, conclusion, content, contentType, authoredAt, author, studyInstanceUid, null,
                    null);
        }
    }

    /** {@code state}: queued, in_flight, retrying, delivered or dead; {@code remoteId} what the system calls it. */
    record Delivery(String id, String adapterId, String state, int attempts, String lastError, String remoteId,
            Instant deliveredAt) {
    }
}
