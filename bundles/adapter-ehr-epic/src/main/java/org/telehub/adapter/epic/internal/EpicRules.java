package org.telehub.adapter.epic.internal;

import org.telehub.fhir.SearchRules;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ObservationQuery;
import org.telehub.integration.api.PatientQuery;

/**
 * Epic's minimum search criteria, checked before a request goes out (Epic answers an under-specified search with
 * an OperationOutcome and no matches, which would read as "no such patient"):
 * <ul>
 * <li>Patient.Search: an identifier (MRN), or family name + given name + birth date;</li>
 * <li>Observation.Search: the patient and a category or a code.</li>
 * </ul>
 */
final class EpicRules implements SearchRules {

    @Override
    public void checkPatientSearch(PatientQuery q) throws AdapterException {
        boolean byId = q.identifier() != null && !q.identifier().isBlank();
        boolean byDemographics = !blank(q.familyName()) && !blank(q.givenName()) && q.birthDate() != null;
        if (!byId && !byDemographics) {
            throw new AdapterException("Epic requires an identifier (MRN) or family name, given name and birth date "
                    + "to search patients", false);
        }
    }

    @Override
    public void checkObservationSearch(ObservationQuery q) throws AdapterException {
        if (blank(q.category()) && blank(q.code())) {
            throw new AdapterException("Epic requires a category (e.g. vital-signs, laboratory) or a code to search "
                    + "observations", false);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
