/**
 * The integration SPI. A vendor adapter is a bundle that registers, per configured instance, one service under
 * {@link org.telehub.integration.api.Adapter} whose object also implements the capability interfaces it supports
 * ({@link org.telehub.integration.api.ClinicalRecordSystem}, {@link org.telehub.integration.api.ImagingArchive},
 * {@link org.telehub.integration.api.ProcedureSystem}, since 1.1 {@link org.telehub.integration.api.DicomArchive}, since 1.2
 * {@link org.telehub.integration.api.ClinicalRecordSearch}, since 1.4
 * {@link org.telehub.integration.api.ConditionRecorder} and {@link org.telehub.integration.api.MedicationPrescriber};
 * 1.6: a procedure's accession number, study, station and modality in {@code ProcedureSummary};
 * 1.7: {@link org.telehub.integration.api.InstanceIntake} and {@link org.telehub.integration.api.PerformedSteps}, the
 * hub keeping what a system sends unasked: its images and its performed procedure steps; 1.8: an
 * {@link org.telehub.integration.api.AnalysisResult}'s coded finding, confidence and algorithm, and
 * {@link org.telehub.integration.api.AnalysisRecorder}, the record that files it; 1.9: a procedure system's
 * {@link org.telehub.integration.api.LiveVideo}, which a visit may show; 1.10:
 * {@link org.telehub.integration.api.DicomStore}, any system the hub sends instances to, which every
 * {@code DicomArchive} is, and a kept instance forwarded to several of them; 1.11: a
 * {@link org.telehub.integration.api.DocumentSource}, the documents a system keeps about a patient).
 * The Integration Manager finds adapters in the service
 * registry; no list of vendors exists anywhere in the core.
 *
 * <p>Contract for every operation: it may block on the remote system but must honour the adapter's own timeouts;
 * it reports failure as {@link org.telehub.integration.api.AdapterException} (retryable or not), never as
 * {@code null}, an empty result standing for an error, or an unchecked exception; writes take an idempotency key
 * and must not create a second record when called again with the same key (FHIR identifier + conditional create,
 * DICOM SOP Instance UID).
 */
@Version("1.11.0")
package org.telehub.integration.api;

import org.osgi.annotation.versioning.Version;
