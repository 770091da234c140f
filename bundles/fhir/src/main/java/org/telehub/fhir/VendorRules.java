package org.telehub.fhir;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;
import org.telehub.integration.api.AdapterException;

/**
 * A vendor's rules beyond its search minimums: what goes with every request, what marks every record Telehub
 * creates, and which writes the vendor's API takes. Pass one where {@link SearchRules} are asked for.
 *
 * @since 1.1
 */
@ConsumerType
public interface VendorRules extends SearchRules {

    /**
     * Query parameters sent with every request, reads and writes alike (athenahealth's {@code ah-practice}).
     * Names and values are sent URL-encoded.
     */
    default Map<String, String> parametersOnEveryRequest() {
        return Map.of();
    }

    /**
     * Extensions every created record carries, as extension URL → a literal reference (athenahealth's practice:
     * {@code https://fhir.athena.io/StructureDefinition/ah-practice} → {@code Organization/a-1.Practice-195900}).
     */
    default Map<String, String> referenceExtensionsOnCreate() {
        return Map.of();
    }

    /**
     * Throws a non-retryable {@link AdapterException} naming the rule when the vendor's API does not create
     * {@code resourceType} (e.g. {@code MedicationRequest}) for this client; checked before a request goes out.
     */
    default void checkCreate(String resourceType) throws AdapterException {
    }

    /** Whether results (observations, reports) can be filed at all; false for a read-only API. */
    default boolean takesResults() {
        return true;
    }
}
