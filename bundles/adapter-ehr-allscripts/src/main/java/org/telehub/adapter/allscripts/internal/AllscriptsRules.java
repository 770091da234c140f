package org.telehub.adapter.allscripts.internal;

import org.telehub.fhir.VendorRules;
import org.telehub.integration.api.AdapterException;

/**
 * Veradigm's FHIR R4 APIs read; they do not file results. Writing into TouchWorks, Sunrise or Professional EHR
 * takes Veradigm's proprietary Unity API, which Telehub does not implement: the adapter takes no results, so the
 * hub queues none for it, and a direct write is refused before anything is sent.
 */
final class AllscriptsRules implements VendorRules {

    @Override
    public void checkCreate(String resourceType) throws AdapterException {
        throw new AdapterException("Veradigm (Allscripts): its FHIR R4 API is read-only; filing a " + resourceType
                + " needs Veradigm's Unity API, which Telehub does not implement", false);
    }

    @Override
    public boolean takesResults() {
        return false;
    }
}
