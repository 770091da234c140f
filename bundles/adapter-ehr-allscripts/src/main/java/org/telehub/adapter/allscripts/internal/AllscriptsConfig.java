package org.telehub.adapter.allscripts.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** One Veradigm (Allscripts) FHIR endpoint: {@code etc/org.telehub.adapter.allscripts-<name>.cfg}. */
@ObjectClassDefinition(name = "Telehub Veradigm (Allscripts) adapter", description = "Veradigm's FHIR R4 API of "
        + "one TouchWorks, Sunrise or Professional EHR installation, read-only.")
@interface AllscriptsConfig {
    @AttributeDefinition(name = "Adapter id", description = "Unique, stable id in the hub (letters, digits, . _ -)")
    String id();

    @AttributeDefinition(name = "FHIR base URL", description = "The installation's FHIR R4 endpoint, as listed in "
            + "Veradigm's endpoint directory for that client")
    String baseUrl();

    @AttributeDefinition(name = "Token URL", description = "The installation's OAuth 2 token endpoint")
    String tokenUrl();

    @AttributeDefinition(name = "Client authentication", options = {
        @Option(label = "Client secret (client_secret_basic)", value = "CLIENT_SECRET"),
        @Option(label = "Private key (SMART Backend Services, private_key_jwt)", value = "PRIVATE_KEY_JWT")})
    String authentication() default "PRIVATE_KEY_JWT";

    @AttributeDefinition(name = "Client id")
    String clientId();

    @AttributeDefinition(name = "Client secret", description = "With CLIENT_SECRET", type = AttributeType.PASSWORD,
            required = false)
    String clientSecret() default "";

    @AttributeDefinition(name = "Private key", description = "PKCS#8 PEM or a private JWK (with PRIVATE_KEY_JWT)",
            type = AttributeType.PASSWORD, required = false)
    String privateKey() default "";

    @AttributeDefinition(name = "Key id (kid)", required = false)
    String keyId() default "";

    @AttributeDefinition(name = "Signing algorithm", options = {@Option(label = "RS384", value = "RS384"),
        @Option(label = "ES384", value = "ES384")})
    String algorithm() default "RS384";

    @AttributeDefinition(name = "Scopes")
    String[] scopes() default {"system/Patient.read", "system/Observation.read"};

    @AttributeDefinition(name = "MRN identifier system", description = "The system URI of the identifier searched "
            + "as the patient's MRN (empty: the value in any system)", required = false)
    String patientIdentifierSystem() default "";

    @AttributeDefinition(name = "Connect timeout (ms)", min = "100")
    int connectTimeoutMillis() default 5000;

    @AttributeDefinition(name = "Read timeout (ms)", min = "100")
    int readTimeoutMillis() default 30000;
}
