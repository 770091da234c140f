package org.telehub.integration.api;

import java.time.LocalDate;
import java.util.List;

/** An imaging study, with DICOM's own names. */
public record StudySummary(String studyInstanceUid, String accessionNumber, LocalDate studyDate,
        List<String> modalities, String description, int numberOfInstances) {
}
