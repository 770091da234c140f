package org.telehub.fhir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.telehub.fhir.internal.ClientSecret;
import org.telehub.fhir.internal.SmartBackendServices;

/** The ways Telehub authorises itself to a FHIR server. */
public final class FhirAuths {
    private FhirAuths() {
    }

    public static FhirAuth none() {
        return new Fixed(null);
    }

    public static FhirAuth basic(String user, String password) {
        return new Fixed("Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8)));
    }

    public static FhirAuth bearer(String token) {
        return new Fixed("Bearer " + token);
    }

    /**
     * SMART Backend Services (client credentials with a {@code private_key_jwt} assertion): the token is fetched
     * when first needed, cached and fetched again shortly before it expires or after a 401.
     *
     * @param privateKey PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}) or a private JWK (RSA or EC P-384)
     * @param algorithm {@code RS384} or {@code ES384}
     * @param scopes e.g. {@code system/Observation.write}
     * @throws IllegalArgumentException if the key cannot be read or does not fit the algorithm (the message names
     *             which, never the key)
     */
    public static FhirAuth smartBackendServices(String clientId, URI tokenUrl, String privateKey, String keyId,
            String algorithm, List<String> scopes, Duration timeout) {
        return new SmartBackendServices(clientId, tokenUrl, privateKey, keyId, algorithm, scopes, timeout);
    }

    /**
     * OAuth 2 client credentials with a client secret ({@code client_secret_basic}): Oracle Health system
     * accounts, athenahealth's 2-legged OAuth. The token is cached like SMART's.
     *
     * @since 1.1
     * @throws IllegalArgumentException if the client id, the secret or the token URL is missing
     */
    public static FhirAuth clientSecret(String clientId, URI tokenUrl, String secret, List<String> scopes,
            Duration timeout) {
        return new ClientSecret(clientId, tokenUrl, secret, scopes, timeout);
    }

    private record Fixed(String value) implements FhirAuth {
        @Override
        public Optional<String> header() {
            return Optional.ofNullable(value);
        }

        @Override
        public boolean rejected() {
            return false;
        }

        @Override
        public String toString() {
            return value == null ? "none" : value.substring(0, value.indexOf(' ')) + " ***";
        }
    }
}
