package org.telehub.adapter.fhir.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** One FHIR R4 server: {@code etc/org.telehub.adapter.fhir-<name>.cfg} with the instance id inside. */
@ObjectClassDefinition(name = "Telehub FHIR R4 adapter", description = "One FHIR R4 server (any vendor).")
@interface FhirConfig {
    @AttributeDefinition(name = "Adapter id", description = "Unique, stable id in the hub (letters, digits, . _ -)")
    String id();

    @AttributeDefinition(name = "Vendor", required = false)
    String vendor() default "FHIR";

    @AttributeDefinition(name = "FHIR base URL", description = "e.g. https://ehr.example.org/fhir/R4")
    String baseUrl();

    @AttributeDefinition(name = "Authorisation", options = {@Option(label = "None", value = "NONE"),
        @Option(label = "HTTP basic", value = "BASIC"), @Option(label = "Bearer token", value = "BEARER"),
        @Option(label = "SMART Backend Services", value = "SMART")})
    String authMode() default "NONE";

    @AttributeDefinition(name = "User (basic)", required = false)
    String user() default "";

    @AttributeDefinition(name = "Password (basic)", type = AttributeType.PASSWORD, required = false)
    String password() default "";

    @AttributeDefinition(name = "Bearer token", type = AttributeType.PASSWORD, required = false)
    String bearerToken() default "";

    @AttributeDefinition(name = "SMART client id", required = false)
    String clientId() default "";

    @AttributeDefinition(name = "SMART token URL", required = false)
    String tokenUrl() default "";

    @AttributeDefinition(name = "SMART private key", description = "PKCS#8 PEM or a private JWK (RSA, or EC P-384)",
            type = AttributeType.PASSWORD, required = false)
    String privateKey() default "";

    @AttributeDefinition(name = "SMART key id (kid)", required = false)
    String keyId() default "";

    @AttributeDefinition(name = "SMART signing algorithm", options = {@Option(label = "RS384", value = "RS384"),
        @Option(label = "ES384", value = "ES384")})
    String algorithm() default "RS384";

    @AttributeDefinition(name = "SMART scopes", description = "e.g. system/Patient.read system/Observation.write",
            required = false)
    String[] scopes() default {};

    @AttributeDefinition(name = "Patient identifier system", description = "System URI of the identifier searched"
            + " as the patient's id here (e.g. the MRN's); empty for any", required = false)
    String patientIdentifierSystem() default "";

    @AttributeDefinition(name = "Result identifier system", description = "System URI of the identifiers Telehub "
            + "gives the records it creates (conditional create)", required = false)
    String resultIdentifierSystem() default "urn:telehub:result";

    @AttributeDefinition(name = "Connect timeout (ms)", min = "100")
    int connectTimeoutMillis() default 5000;

    @AttributeDefinition(name = "Read timeout (ms)", min = "100")
    int readTimeoutMillis() default 20000;
}
