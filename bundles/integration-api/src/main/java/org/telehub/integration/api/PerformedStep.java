package org.telehub.integration.api;

import java.time.Instant;

/**
 * A procedure step as the system that performs it reports it (DICOM Modality Performed Procedure Step): started,
 * then completed or discontinued.
 *
 * @param uid the step's id in the system (the MPPS SOP Instance UID)
 * @param patientId the patient's identifier in the system
 * @param scheduledStepId the scheduled procedure step it performs (the worklist's), or null when unscheduled
 * @param accessionNumber the order's accession number, or null
 * @param studyInstanceUid the study its images are in, or null
 * @param status {@code IN PROGRESS}, {@code COMPLETED} or {@code DISCONTINUED}
 * @param description what was done, or null
 * @param stationAe the station (AE title) that performed it, or null
 * @param started when it started
 * @param ended when it ended, or null while in progress
 * @since 1.7
 */
public record PerformedStep(String uid, String patientId, String scheduledStepId, String accessionNumber,
        String studyInstanceUid, String status, String description, String stationAe, Instant started,
        Instant ended) {

    public static final String IN_PROGRESS = "IN PROGRESS";
    public static final String COMPLETED = "COMPLETED";
    public static final String DISCONTINUED = "DISCONTINUED";

    /** Completed or discontinued: a final step is never changed again. */
    public boolean isFinal() {
        return COMPLETED.equals(status) || DISCONTINUED.equals(status);
    }
}
