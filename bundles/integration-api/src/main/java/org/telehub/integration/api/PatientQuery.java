package org.telehub.integration.api;

import java.time.LocalDate;

/**
 * A patient search. Null fields do not constrain; at least one must be set.
 *
 * @param identifier an identifier value in the system's configured identifier system (e.g. the MRN)
 * @param limit the most patients to return, 1..100
 * @since 1.2
 */
public record PatientQuery(String identifier, String familyName, String givenName, LocalDate birthDate, int limit) {

    public PatientQuery {
        if (limit < 1 || limit > 100) {
            throw new IllegalArgumentException("limit must be 1..100");
        }
        if (blank(identifier) && blank(familyName) && blank(givenName) && birthDate == null) {
            throw new IllegalArgumentException("a patient search needs at least one criterion");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
