package org.telehub.integration.api;

/**
 * One series of a study.
 *
 * @since 1.1
 */
public record ImagingSeries(String studyInstanceUid, String seriesInstanceUid, String modality, Integer seriesNumber,
        String description, int numberOfInstances) {
}
