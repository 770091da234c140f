package org.telehub.fhir.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.fhir.FhirAuths;
import org.telehub.fhir.FhirRecords;
import org.telehub.fhir.FhirSettings;
import org.telehub.fhir.SearchRules;
import org.telehub.integration.api.AdapterException;
import org.telehub.testing.fhir.FhirServerProcess;
import org.telehub.testing.keycloak.Keycloak;
import org.telehub.testing.keycloak.TestKeys;

/**
 * SMART Backend Services against a real authorization server (Keycloak on 127.0.0.1, clients authenticating with
 * {@code private_key_jwt}): tokens for RS384 and ES384 clients, and every refusal Keycloak itself makes surfaces as
 * an adapter error that names the part to check.
 */
class SmartKeycloakTest {
    static final String SCOPE = "system/Observation.write";
    static final TestKeys RSA = TestKeys.rsa("rsa-1");
    static final TestKeys EC = TestKeys.ec384("ec-1");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static Keycloak keycloak;
    static URI token;

    @BeforeAll
    static void start() throws Exception {
        keycloak = Keycloak.start(dir.resolve("keycloak"), List.of(Keycloak.Client.of("rsa-client", RSA, SCOPE),
                Keycloak.Client.of("ec-client", EC, SCOPE)));
        token = URI.create(keycloak.tokenUrl());
    }

    @AfterAll
    static void stop() {
        if (keycloak != null) {
            keycloak.close();
        }
    }

    static SmartBackendServices smart(String client, TestKeys keys, String kid, String alg, List<String> scopes) {
        return new SmartBackendServices(client, token, keys.privateKeyPem(), kid, alg, scopes,
                Duration.ofSeconds(10));
    }

    @Test
    void rs384AndEs384ClientsGetTokensAndTheFhirClientUsesThem() throws Exception {
        SmartBackendServices rs = smart("rsa-client", RSA, "rsa-1", "RS384", List.of(SCOPE));
        String header = rs.header().orElseThrow();
        assertTrue(header.startsWith("Bearer ey"), "a JWT access token");
        assertEquals(header, rs.header().orElseThrow(), "cached until shortly before it expires");
        assertTrue(rs.rejected());
        assertFalse(header.equals(rs.header().orElseThrow()), "a 401 makes it fetch a new one");
        assertTrue(smart("ec-client", EC, "ec-1", "ES384", List.of(SCOPE)).header().orElseThrow()
                .startsWith("Bearer "));
        // the whole path: token, then the FHIR request with it
        FhirRecords fhir = new FhirRecords(new FhirSettings(URI.create(FhirServerProcess.shared().baseUrl()), null,
                null, Duration.ofSeconds(5), Duration.ofSeconds(30)), FhirAuths.smartBackendServices("rsa-client",
                        token, RSA.privateKeyPem(), "rsa-1", "RS384", List.of(SCOPE), Duration.ofSeconds(10)),
                SearchRules.ANY);
        assertTrue(fhir.ping().contains("4.0.1"));
    }

    @Test
    void keycloaksRefusalsNameThePartToCheck() throws Exception {
        SmartBackendServices rs = smart("rsa-client", RSA, "rsa-1", "RS384", List.of(SCOPE));
        String once = rs.assertion();
        rs.fetchWith(once);
        refused(() -> rs.fetchWith(once), "Token reuse detected", "jti replay");
        refused(() -> rs.fetchWith(rs.assertion(keycloak.baseUrl() + "/realms/other")), "Invalid token audience",
                "check the audience");
        // an EC key on a client registered for RS384: the algorithm
        refused(() -> smart("rsa-client", EC, "rsa-1", "ES384", List.of(SCOPE)).header(),
                "Invalid signature algorithm", "check the algorithm");
        refused(() -> smart("rsa-client", RSA, "rsa-unknown", "RS384", List.of(SCOPE)).header(),
                "Unable to load public key", "check the key");
        refused(() -> smart("rsa-client", TestKeys.rsa("rsa-1"), "rsa-1", "RS384", List.of(SCOPE)).header(),
                "Signature on JWT token failed validation", "check the key");
        refused(() -> smart("rsa-client", RSA, "rsa-1", "RS384", List.of("system/Undefined.read")).header(),
                "Invalid scopes", "check the scopes");
        refused(() -> smart("nobody", RSA, "rsa-1", "RS384", List.of(SCOPE)).header(), "HTTP 401",
                "check the client");
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void refused(Call call, String serverSaid, String hint) {
        AdapterException e = assertThrows(AdapterException.class, call::run);
        assertFalse(e.retryable(), e.getMessage());
        assertTrue(e.getMessage().contains(serverSaid), e.getMessage());
        assertTrue(e.getMessage().contains(hint), e.getMessage());
        assertFalse(e.getMessage().contains("eyJ"), "the assertion never appears in a message");
    }
}
