package org.telehub.integration.api;

import java.time.LocalDate;

/**
 * A study-level query. Null fields do not constrain; {@code patientName} may use DICOM wildcards ({@code *},
 * {@code ?}). At least one field must be set: an unconstrained query over a whole PACS is refused.
 *
 * @param limit the most studies to return, 1..1000
 * @since 1.1
 */
public record StudyQuery(String patientId, String patientName, LocalDate birthDate, LocalDate studyDateFrom,
        LocalDate studyDateTo, String modality, String accessionNumber, int limit) {

    public static final int MAX_LIMIT = 1000;

    public StudyQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
        }
        if (studyDateFrom != null && studyDateTo != null && studyDateTo.isBefore(studyDateFrom)) {
            throw new IllegalArgumentException("studyDateTo is before studyDateFrom");
        }
        if (blank(patientId) && blank(patientName) && birthDate == null && studyDateFrom == null
                && studyDateTo == null && blank(modality) && blank(accessionNumber)) {
            throw new IllegalArgumentException("a query needs at least one criterion");
        }
    }

    public static StudyQuery byPatient(String patientId) {
        return new StudyQuery(patientId, null, null, null, null, null, null, MAX_LIMIT);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
