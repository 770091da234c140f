package org.telehub.integration.api;

/**
 * The identity of an instance received from a PACS (read from the instance itself).
 *
 * @since 1.1
 */
public record ReceivedInstance(String patientId, String patientName, String studyInstanceUid,
        String seriesInstanceUid, String sopInstanceUid, String sopClassUid, String modality) {
}
