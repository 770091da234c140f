package org.telehub.adapter.athena.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** One athenaOne practice: {@code etc/org.telehub.adapter.athena-<name>.cfg} with the instance id inside. */
@ObjectClassDefinition(name = "Telehub athenahealth adapter", description = "athenahealth's athenaOne FHIR R4 "
        + "API for one practice, as a 2-legged OAuth (client credentials) app.")
@interface AthenaConfig {
    @AttributeDefinition(name = "Adapter id", description = "Unique, stable id in the hub (letters, digits, . _ -)")
    String id();

    @AttributeDefinition(name = "Practice id", description = "The practice's numeric athenaOne id; sent with every "
            + "call as ah-practice=Organization/a-1.Practice-<id>")
    String practiceId();

    @AttributeDefinition(name = "FHIR base URL", description = "Production https://api.platform.athenahealth.com/"
            + "fhir/r4, Preview https://api.preview.platform.athenahealth.com/fhir/r4")
    String baseUrl() default "https://api.platform.athenahealth.com/fhir/r4";

    @AttributeDefinition(name = "Token URL")
    String tokenUrl() default "https://api.platform.athenahealth.com/oauth2/v1/token";

    @AttributeDefinition(name = "Client id", description = "The app's client id from athenahealth's Developer Portal")
    String clientId();

    @AttributeDefinition(name = "Client secret", type = AttributeType.PASSWORD)
    String clientSecret();

    @AttributeDefinition(name = "Scopes", description = "The system scopes the app is registered for")
    String[] scopes() default {"system/Patient.read", "system/Observation.read"};

    @AttributeDefinition(name = "File results", description = "Create Observation, DiagnosticReport, Condition and "
            + "MedicationRequest records. Off unless athenahealth has enabled these writes for the app: off, the hub "
            + "sends this practice no results", required = false)
    boolean writes() default false;

    @AttributeDefinition(name = "MRN identifier system", description = "The system URI of the identifier searched "
            + "as the patient's MRN (empty: the value in any system)", required = false)
    String patientIdentifierSystem() default "";

    @AttributeDefinition(name = "Result identifier system", description = "System URI of the identifiers Telehub "
            + "gives the records it creates (conditional create)", required = false)
    String resultIdentifierSystem() default "urn:telehub:result";

    @AttributeDefinition(name = "Connect timeout (ms)", min = "100")
    int connectTimeoutMillis() default 5000;

    @AttributeDefinition(name = "Read timeout (ms)", min = "100")
    int readTimeoutMillis() default 30000;
}
