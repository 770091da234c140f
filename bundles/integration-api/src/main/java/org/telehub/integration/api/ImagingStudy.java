package org.telehub.integration.api;

import java.time.LocalDate;
import java.util.List;

/**
 * A study as a PACS lists it, with the patient it belongs to (a query by name or date matches several patients).
 *
 * @since 1.1
 */
public record ImagingStudy(String patientId, String patientName, LocalDate birthDate, String studyInstanceUid,
        String accessionNumber, LocalDate studyDate, List<String> modalities, String description,
        int numberOfSeries, int numberOfInstances) {

    public ImagingStudy {
        modalities = List.copyOf(modalities);
    }

    public StudySummary summary() {
        return new StudySummary(studyInstanceUid, accessionNumber, studyDate, modalities, description,
                numberOfInstances);
    }
}
