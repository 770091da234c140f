package org.telehub.adapter.epic.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** One Epic organisation: {@code etc/org.telehub.adapter.epic-<name>.cfg} with the instance id inside. */
@ObjectClassDefinition(name = "Telehub Epic adapter", description = "Epic's FHIR R4 API for one customer "
        + "organisation, as a SMART Backend Services client registered with Epic.")
@interface EpicConfig {
    @AttributeDefinition(name = "Adapter id", description = "Unique, stable id in the hub (letters, digits, . _ -)")
    String id();

    @AttributeDefinition(name = "FHIR base URL", description = "The organisation's Epic FHIR R4 base, e.g. "
            + "https://fhir.example.org/interconnect-fhir-oauth/api/FHIR/R4")
    String baseUrl();

    @AttributeDefinition(name = "Token URL", description = "The organisation's OAuth 2 token endpoint, e.g. "
            + "https://fhir.example.org/interconnect-fhir-oauth/oauth2/token (the client assertion's audience)")
    String tokenUrl();

    @AttributeDefinition(name = "Client id", description = "The backend app's client id from Epic's App Orchard / "
            + "Vendor Services registration")
    String clientId();

    @AttributeDefinition(name = "Private key", description = "PKCS#8 PEM or a private JWK matching the public key "
            + "registered with Epic", type = AttributeType.PASSWORD)
    String privateKey();

    @AttributeDefinition(name = "Key id (kid)", description = "The key's id in the registered JWK Set",
            required = false)
    String keyId() default "";

    @AttributeDefinition(name = "Signing algorithm", options = {@Option(label = "RS384", value = "RS384"),
        @Option(label = "ES384", value = "ES384")})
    String algorithm() default "RS384";

    @AttributeDefinition(name = "Scopes", description = "Sent with the token request; Epic grants what the "
            + "registration lists and ignores others. Empty to send none.", required = false)
    String[] scopes() default {};

    @AttributeDefinition(name = "MRN identifier system", description = "The organisation's MRN system, e.g. "
            + "urn:oid:1.2.840.114350.1.13.<org>.<env>.7.5.737384.14 (differs per organisation)")
    String patientIdentifierSystem();

    @AttributeDefinition(name = "Result identifier system", description = "System URI of the identifiers Telehub "
            + "gives the records it creates (conditional create)", required = false)
    String resultIdentifierSystem() default "urn:telehub:result";

    @AttributeDefinition(name = "Connect timeout (ms)", min = "100")
    int connectTimeoutMillis() default 5000;

    @AttributeDefinition(name = "Read timeout (ms)", min = "100")
    int readTimeoutMillis() default 30000;
}
