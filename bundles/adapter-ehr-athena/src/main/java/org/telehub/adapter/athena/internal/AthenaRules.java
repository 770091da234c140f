package org.telehub.adapter.athena.internal;

import java.util.Map;

import org.telehub.fhir.VendorRules;
import org.telehub.integration.api.AdapterException;

/**
 * athenaOne is multi-tenant by practice: every call names the practice ({@code ah-practice}, a reference to the
 * practice's Organization {@code a-1.Practice-<id>}), and every record carries it as athenahealth's
 * {@code ah-practice} extension. Writes only where athenahealth has enabled them for the app.
 */
final class AthenaRules implements VendorRules {
    static final String PRACTICE_EXTENSION = "https://fhir.athena.io/StructureDefinition/ah-practice";

    private final String practice;
    private final boolean writes;

    AthenaRules(String practiceId, boolean writes) {
        if (practiceId == null || !practiceId.trim().matches("[0-9]{1,12}")) {
            throw new IllegalArgumentException("practiceId: the practice's numeric athenaOne id (got '" + practiceId
                    + "')");
        }
        this.practice = "Organization/a-1.Practice-" + practiceId.trim();
        this.writes = writes;
    }

    @Override
    public Map<String, String> parametersOnEveryRequest() {
        return Map.of("ah-practice", practice);
    }

    @Override
    public Map<String, String> referenceExtensionsOnCreate() {
        return Map.of(PRACTICE_EXTENSION, practice);
    }

    @Override
    public void checkCreate(String resourceType) throws AdapterException {
        if (!writes) {
            throw new AdapterException("athenahealth: this adapter files no " + resourceType + " records (writes "
                    + "are off; turn them on once athenahealth has enabled them for the app)", false);
        }
    }

    @Override
    public boolean takesResults() {
        return writes;
    }
}
