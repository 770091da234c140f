package org.telehub.reporting;

import java.time.Instant;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

/**
 * A visit's clinical report: written by the visit's doctor (a draft, saved as often as the editor likes, each
 * revision kept), approved, signed (a PDF/A-3 with a PAdES signature, stored encrypted; the signing needs a current
 * code of the doctor's second factor), then shared with the patient. A signed report is never changed; what comes
 * later is a signed addendum.
 *
 * <p>Who may do what follows from the caller's place in the visit and their care relationship with its patient:
 * <ul>
 * <li>the visit's doctor writes, approves, signs and shares it, and reads it at every stage;</li>
 * <li>the patient reads it once it is shared;</li>
 * <li>clinicians who reach the patient by a care relationship (an invited colleague, the care team) read it once it
 * is signed;</li>
 * <li>to anyone else, and to those above before their stage, a report does not exist ({@code NotFoundException}
 * "No report …"); an administrator who sees the visit but takes no part in the patient's care is refused
 * ({@code ForbiddenException}): reports are clinical records, not administration.</li>
 * </ul>
 * Every read and change is audited against the patient. Failures are the exceptions of {@code org.telehub.domain}:
 * {@code InvalidException}/{@code UnprocessableException} name the field (e.g. {@code diagnoses[1].code}),
 * {@code ConflictException} a stale revision or a step the report's status does not allow.
 */
@ProviderType
public interface Reports {

    /** Statuses. */
    String DRAFT = "draft";
    String APPROVED = "approved";
    String SIGNED = "signed";

    /** Languages a report is written and printed in. */
    List<String> LANGUAGES = List.of("en", "fa", "ru");

    /** The visit's report as the caller may see it. */
    Report get(AuthenticatedUser caller, String encounterId);

    /**
     * The visit's report, made from the visit (its complaint and notes, and what each {@link DraftSource} offers)
     * when there is none yet: for the visit's doctor, once the visit has started; never for a cancelled visit or a
     * no-show. {@code created} tells whether this call made it.
     */
    Drafted draft(AuthenticatedUser caller, String encounterId);

    /**
     * Saves the whole content as the next revision; {@code expectedRevision} is the revision the editor started
     * from (a stale one is a {@code ConflictException} with the current revision). An approved report becomes a
     * draft again. A medicine not in the clinic's formulary is refused or saved with a warning, as the clinic
     * configures.
     */
    Report update(AuthenticatedUser caller, String encounterId, Content content, int expectedRevision);

    /** The saved revisions, newest first: who saved each and when (the content of one with {@link #revision}). */
    List<RevisionInfo> revisions(AuthenticatedUser caller, String encounterId);

    /** One saved revision's content. */
    Content revision(AuthenticatedUser caller, String encounterId, int revision);

    /** Freezes the draft at {@code expectedRevision} for signing; needs an assessment and a coded diagnosis. */
    Report approve(AuthenticatedUser caller, String encounterId, int expectedRevision);

    /**
     * Signs the approved report: renders it, signs it with the doctor's key (issued by the clinic's CA the first
     * time, or the doctor's imported one) and stores it; all or nothing. {@code secondFactorCode}: a current code of
     * the doctor's second factor (a doctor without one is told to enrol).
     */
    Report sign(AuthenticatedUser caller, String encounterId, String secondFactorCode);

    /** Shares the signed report with the patient, who is told by the clinic's notification channels (once). */
    Report share(AuthenticatedUser caller, String encounterId);

    /** Adds a signed addendum to a signed report (the same second-factor check as {@link #sign}). */
    Report addendum(AuthenticatedUser caller, String encounterId, String text, String secondFactorCode);

    /** The report's content as a PDF the way it would be signed now, marked as a draft (the editor's preview). */
    byte[] preview(AuthenticatedUser caller, String encounterId);

    /** The signed PDF of report {@code reportId}, or of its addendum {@code addendumId} (null: the report's). */
    Pdf pdf(AuthenticatedUser caller, String reportId, String addendumId);

    /**
     * The caller's reports, newest first: a patient's shared ones, a doctor's own (every status; {@code status}
     * filters, e.g. {@code draft} for the worklist).
     */
    List<Summary> list(AuthenticatedUser caller, String status, int offset, int limit);

    /** What the report says. Every list may be empty; texts may be null. */
    record Content(String language, String subjective, String objective, String assessment, String plan,
            List<Diagnosis> diagnoses, List<Medication> medications, List<Order> orders, FollowUp followUp) {
    }

    /** {@code system} icd10 (checked against the clinic's ICD-10 edition) or snomed; {@code primary} at most one. */
    record Diagnosis(String system, String code, String display, boolean primary) {
    }

    /**
     * A prescription line: {@code medicineId} the formulary's (null: written in by name), the rest as the patient
     * reads it; {@code quantity} the amount dispensed, {@code refills} how many times more.
     */
    record Medication(String medicineId, String name, String dose, String route, String frequency, String duration,
            Integer quantity, Integer refills, String instructions) {
    }

    /** {@code kind} lab or imaging; {@code code} optional (e.g. LOINC). */
    record Order(String kind, String code, String text) {
    }

    /** A follow-up visit in {@code days} days (null: none) and what it is for. */
    record FollowUp(Integer days, String note) {
    }

    /**
     * @param warnings what was saved but deserves a look (e.g. a medicine not in the formulary)
     * @param deliveries where the signed report went (the patient's EHR, PACS), for its doctor and the care team
     * @param pdf the path of the signed PDF under the API ({@code reports/{id}/pdf}), null before signing
     */
    record Report(String id, String encounterId, String status, Content content, int revision, String doctorId,
            String doctorName, String patientId, String patientName, String visitType, Instant visitStart,
            Instant createdAt, Instant updatedAt, Instant approvedAt, Instant signedAt, String signedBy,
            String signerSubject, Instant sharedAt, String pdf, String pdfSha256, List<Addendum> addenda,
            List<Delivery> deliveries, List<String> warnings) {
    }

    /** {@code deliveries}: the addendum's own, as the report's. */
    record Addendum(String id, String text, Instant signedAt, String signedBy, String pdf,
            List<Delivery> deliveries) {
    }

    /**
     * A signed report on its way to one of the patient's systems (an EHR, a PACS): {@code system} the adapter's id,
     * {@code state} queued, in_flight, retrying, delivered or dead, {@code lastError} the system's last refusal.
     */
    record Delivery(String system, String state, String lastError, Instant deliveredAt) {
    }

    record Drafted(Report report, boolean created) {
    }

    record RevisionInfo(int revision, String savedBy, Instant savedAt) {
    }

    record Pdf(String fileName, byte[] content) {
    }

    record Summary(String id, String encounterId, String status, String doctorName, String patientName,
            String visitType, Instant visitStart, Instant updatedAt, Instant signedAt, Instant sharedAt) {
    }
}
