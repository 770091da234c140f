package org.telehub.fhir;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * One FHIR server.
 *
 * @param baseUrl the FHIR base, e.g. {@code https://ehr.example.org/fhir/R4}
 * @param patientIdentifierSystem the system of the identifier searched by {@code PatientQuery.identifier}
 *            (e.g. the MRN's system URI); null to search the value in any system
 * @param resultIdentifierSystem the system of the identifiers Telehub gives the records it creates, which make
 *            creates conditional (a retried delivery finds its earlier record)
 */
public record FhirSettings(URI baseUrl, String patientIdentifierSystem, String resultIdentifierSystem,
        Duration connectTimeout, Duration readTimeout) {

    public static final String DEFAULT_RESULT_SYSTEM = "urn:telehub:result";

    public FhirSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
            throw new IllegalArgumentException("baseUrl: an http(s) URL (got '" + baseUrl + "')");
        }
        if (resultIdentifierSystem == null || resultIdentifierSystem.isBlank()) {
            resultIdentifierSystem = DEFAULT_RESULT_SYSTEM;
        }
    }
}
