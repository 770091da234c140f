package org.telehub.adapter.epic.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ObservationQuery;
import org.telehub.integration.api.PatientQuery;

/** Epic's search minimums are refused before anything is sent, with the rule in words. */
class EpicRulesTest {
    private final EpicRules rules = new EpicRules();

    @Test
    void patientSearchNeedsAnMrnOrFamilyGivenAndBirthDate() {
        LocalDate born = LocalDate.of(1980, 3, 21);
        assertDoesNotThrow(() -> rules.checkPatientSearch(new PatientQuery("E1234", null, null, null, 10)));
        assertDoesNotThrow(() -> rules.checkPatientSearch(new PatientQuery(null, "Tehrani", "Leyla", born, 10)));
        for (PatientQuery q : new PatientQuery[] {new PatientQuery(null, "Tehrani", null, born, 10),
            new PatientQuery(null, "Tehrani", "Leyla", null, 10), new PatientQuery(null, null, null, born, 10)}) {
            AdapterException e = assertThrows(AdapterException.class, () -> rules.checkPatientSearch(q));
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("Epic requires"), e.getMessage());
        }
    }

    @Test
    void observationSearchNeedsACategoryOrACode() {
        assertDoesNotThrow(() -> rules.checkObservationSearch(new ObservationQuery("vital-signs", null, null, null,
                null, 10)));
        assertDoesNotThrow(() -> rules.checkObservationSearch(new ObservationQuery(null, "8867-4", null, null, null,
                10)));
        AdapterException e = assertThrows(AdapterException.class, () -> rules.checkObservationSearch(
                new ObservationQuery(null, null, null, LocalDate.of(2026, 1, 1), null, 10)));
        assertTrue(e.getMessage().contains("category"), e.getMessage());
    }
}
