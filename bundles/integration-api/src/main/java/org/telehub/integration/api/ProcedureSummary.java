package org.telehub.integration.api;

import java.time.Instant;

/**
 * A procedure (e.g. an endoscopy) a procedure system has scheduled or recorded.
 *
 * @param procedureId the system's id of the procedure (a DICOM worklist's scheduled procedure step id)
 * @param type what is done, as the system describes it
 * @param performedAt when it is scheduled or was performed
 * @param status the system's word for where it stands (e.g. SCHEDULED, IN PROGRESS, COMPLETED)
 * @param accessionNumber the order's accession number, or null (since 1.6)
 * @param studyInstanceUid the study its images will be in, or null (since 1.6)
 * @param stationAe the station (AE title) it is scheduled on, or null (since 1.6)
 * @param modality e.g. {@code ES} for endoscopy, or null (since 1.6)
 */
public record ProcedureSummary(String procedureId, String type, Instant performedAt, String status,
        String accessionNumber, String studyInstanceUid, String stationAe, String modality) {

    public ProcedureSummary(String procedureId, String type, Instant performedAt, String status) {
        this(procedureId, type, performedAt, status, null, null, null, null);
    }
}
