package org.telehub.adapter.cerner.internal;

import org.telehub.fhir.VendorRules;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.PatientQuery;

/**
 * Millennium's search minimum for patients, checked before a request goes out: an identifier, or a name (a birth
 * date narrows a name search; alone it is refused). Observation searches always carry the patient here, which is
 * what Millennium requires of them.
 */
final class CernerRules implements VendorRules {

    @Override
    public void checkPatientSearch(PatientQuery q) throws AdapterException {
        if (blank(q.identifier()) && blank(q.familyName()) && blank(q.givenName())) {
            throw new AdapterException("Oracle Health Millennium requires an identifier (MRN) or a name to search "
                    + "patients; a birth date narrows a name search", false);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
