package org.telehub.integration.api;

import java.time.LocalDate;

/** A patient as one system knows them. */
public record Demographics(String systemPatientId, String familyName, String givenName, LocalDate birthDate,
        String sex) {
}
