package org.telehub.adapter.cerner.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** One Millennium tenant: {@code etc/org.telehub.adapter.cerner-<name>.cfg} with the instance id inside. */
@ObjectClassDefinition(name = "Telehub Oracle Health (Cerner) adapter", description = "Oracle Health Millennium's "
        + "FHIR R4 API for one tenant (health system), as a system account or a private-key backend client.")
@interface CernerConfig {
    @AttributeDefinition(name = "Adapter id", description = "Unique, stable id in the hub (letters, digits, . _ -)")
    String id();

    @AttributeDefinition(name = "Tenant id", description = "The health system's Millennium tenant (a GUID), given "
            + "by the health system; part of both the FHIR and the token URL")
    String tenantId();

    @AttributeDefinition(name = "FHIR service root", description = "Without the tenant: production "
            + "https://fhir-ehr.cerner.com/r4, the code sandbox https://fhir-ehr-code.cerner.com/r4")
    String serviceRoot() default "https://fhir-ehr.cerner.com/r4";

    @AttributeDefinition(name = "Token URL", description = "The tenant's token endpoint; {tenant} is replaced by the "
            + "tenant id")
    String tokenUrl() default "https://authorization.cerner.com/tenants/{tenant}/hosts/fhir-ehr.cerner.com/"
            + "protocols/oauth2/profiles/smart-v1/token";

    @AttributeDefinition(name = "Client authentication", options = {
        @Option(label = "System account: client secret (client_secret_basic)", value = "CLIENT_SECRET"),
        @Option(label = "Private key (SMART Backend Services, private_key_jwt)", value = "PRIVATE_KEY_JWT")})
    String authentication() default "CLIENT_SECRET";

    @AttributeDefinition(name = "Client id", description = "The system account's or the backend app's client id")
    String clientId();

    @AttributeDefinition(name = "Client secret", description = "The system account's secret (with CLIENT_SECRET)",
            type = AttributeType.PASSWORD, required = false)
    String clientSecret() default "";

    @AttributeDefinition(name = "Private key", description = "PKCS#8 PEM or a private JWK (with PRIVATE_KEY_JWT)",
            type = AttributeType.PASSWORD, required = false)
    String privateKey() default "";

    @AttributeDefinition(name = "Key id (kid)", required = false)
    String keyId() default "";

    @AttributeDefinition(name = "Signing algorithm", options = {@Option(label = "RS384", value = "RS384"),
        @Option(label = "ES384", value = "ES384")})
    String algorithm() default "RS384";

    @AttributeDefinition(name = "Scopes", description = "Millennium grants only the system scopes asked for and "
            + "registered for the account")
    String[] scopes() default {"system/Patient.read", "system/Observation.read", "system/Observation.write",
        "system/DiagnosticReport.write", "system/Condition.write", "system/MedicationRequest.write"};

    @AttributeDefinition(name = "MRN identifier system", description = "The tenant's MRN system URI (empty: the "
            + "value in any system)", required = false)
    String patientIdentifierSystem() default "";

    @AttributeDefinition(name = "Result identifier system", description = "System URI of the identifiers Telehub "
            + "gives the records it creates (conditional create)", required = false)
    String resultIdentifierSystem() default "urn:telehub:result";

    @AttributeDefinition(name = "Connect timeout (ms)", min = "100")
    int connectTimeoutMillis() default 5000;

    @AttributeDefinition(name = "Read timeout (ms)", min = "100")
    int readTimeoutMillis() default 30000;
}
