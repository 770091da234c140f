package org.telehub.testing.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SMART Backend Services against a real Keycloak: {@code client_credentials} with {@code private_key_jwt} assertions
 * signed RS384 and ES384 by the JDK, and what Keycloak answers to the assertions it must refuse.
 */
class KeycloakTest {

    private static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestKeys RSA = TestKeys.rsa("rsa-1");
    private static final TestKeys EC = TestKeys.ec384("ec-1");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Keycloak keycloak;

    @BeforeAll
    static void start() throws Exception {
        long t0 = System.nanoTime();
        keycloak = Keycloak.start(Path.of("target", "keycloak-work"), List.of(
                Keycloak.Client.of("rsa-client", RSA, "system/Observation.write", "system/Patient.read"),
                Keycloak.Client.of("ec-client", EC, "system/Patient.read")));
        System.out.printf("Keycloak ready in %.1f s, RSS %d MiB, listening on %s%n", (System.nanoTime() - t0) / 1e9,
                keycloak.rssKiB() / 1024, keycloak.listening());
    }

    @AfterAll
    static void stop() {
        if (keycloak != null) {
            List<ProcessHandle> processes = Stream.concat(ProcessHandle.of(keycloak.pid()).stream(),
                    ProcessHandle.of(keycloak.pid()).stream().flatMap(ProcessHandle::descendants)).toList();
            long t0 = System.nanoTime();
            keycloak.close();
            System.out.printf("Keycloak stopped in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            assertTrue(processes.stream().noneMatch(ProcessHandle::isAlive), processes.toString());
        }
    }

    @Test
    void listensOnLoopbackOnly() {
        List<InetSocketAddress> listening = keycloak.listening();
        assertTrue(listening.stream().anyMatch(a -> a.getPort() == keycloak.port()), listening.toString());
        assertTrue(listening.stream().allMatch(a -> a.getAddress().isLoopbackAddress()), listening.toString());
    }

    @Test
    void rs384AndEs384AssertionsGetTokensWithTheirScopesAndEachAssertionOnlyOnce() throws Exception {
        String assertion = RSA.clientAssertion("rsa-client", keycloak.tokenUrl());
        JsonNode ok = token(200, assertion, "system/Observation.write");
        assertFalse(ok.path("access_token").asText().isEmpty(), ok.toString());
        // the realm's 5-minute lifetime; Keycloak counts expires_in from exp to its own now, so a token issued at the
        // end of a second says 299 (failed once on CI)
        int expiresIn = ok.path("expires_in").asInt();
        assertTrue(expiresIn == 300 || expiresIn == 299, ok.toString());
        assertEquals("Bearer", ok.path("token_type").asText(), ok.toString());
        assertEquals("system/Observation.write", ok.path("scope").asText(), ok.toString());
        JsonNode claims = payload(ok.path("access_token").asText());
        assertEquals(keycloak.issuer(), claims.path("iss").asText(), claims.toString());
        assertEquals("system/Observation.write", claims.path("scope").asText(), claims.toString());
        assertEquals("rsa-client", claims.path("azp").asText(), claims.toString());

        refused(assertion, "system/Observation.write", 400, "invalid_client", "Token reuse detected");

        JsonNode both = token(200, RSA.clientAssertion("rsa-client", keycloak.tokenUrl()),
                "system/Patient.read system/Observation.write");
        assertEquals(Set.of("system/Patient.read", "system/Observation.write"),
                Set.of(payload(both.path("access_token").asText()).path("scope").asText().split(" ")));
        // no scope asked: a token all the same, with an empty scope claim
        JsonNode none = token(200, RSA.clientAssertion("rsa-client", keycloak.tokenUrl()), null);
        assertEquals("", payload(none.path("access_token").asText()).path("scope").asText());

        JsonNode ec = token(200, EC.clientAssertion("ec-client", keycloak.tokenUrl()), "system/Patient.read");
        assertEquals("system/Patient.read", payload(ec.path("access_token").asText()).path("scope").asText());
    }

    @Test
    void refusesWrongAudienceAlgorithmKidKeyScopeTimeAndClient() throws Exception {
        String token = keycloak.tokenUrl();
        refused(RSA.clientAssertion("rsa-client", keycloak.baseUrl() + "/realms/other"), "system/Observation.write",
                400, "invalid_client", "Invalid token audience");
        refused(RSA.jwt("RS256", TestKeys.assertionClaims("rsa-client", token)), "system/Observation.write",
                400, "invalid_client", "Invalid signature algorithm");
        refused(RSA.withKid("rsa-unknown").clientAssertion("rsa-client", token), "system/Observation.write",
                400, "invalid_client", "Unable to load public key");
        // another key under the registered kid
        refused(TestKeys.rsa("rsa-1").clientAssertion("rsa-client", token), "system/Observation.write", 400,
                "invalid_client",
                "Client authentication with signed JWT failed: Signature on JWT token failed validation");
        Map<String, Object> expired = TestKeys.assertionClaims("rsa-client", token);
        expired.put("iat", (Long) expired.get("iat") - 600);
        expired.put("exp", (Long) expired.get("exp") - 600);
        refused(RSA.jwt(expired), "system/Observation.write", 400, "invalid_client", "Token is not active");
        // the one 401: a client id Keycloak does not know
        refused(RSA.clientAssertion("nobody", token), "system/Observation.write", 401, "invalid_client",
                "Invalid client or Invalid client credentials");
        refused(EC.clientAssertion("ec-client", token), "system/Observation.write",
                400, "invalid_scope", "Invalid scopes: system/Observation.write");
        refused(RSA.clientAssertion("rsa-client", token), "system/Undefined.read",
                400, "invalid_scope", "Invalid scopes: system/Undefined.read");
    }

    @Test
    void pemAndJwksDescribeTheKeys() throws Exception {
        for (TestKeys keys : List.of(RSA, EC)) {
            String base64 = keys.privateKeyPem().replaceAll("-----[A-Z ]+-----|\\s", "");
            KeyFactory factory = KeyFactory.getInstance(keys.privateKey().getAlgorithm());
            assertEquals(keys.privateKey(), factory.generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64))));
            JsonNode jwk = JSON.readTree(keys.jwksJson()).path("keys").get(0);
            assertEquals(keys.kid(), jwk.path("kid").asText());
            assertEquals(keys.algorithm(), jwk.path("alg").asText());
            PublicKey key = keys == RSA
                    ? factory.generatePublic(new RSAPublicKeySpec(number(jwk, "n"), number(jwk, "e")))
                    : factory.generatePublic(new ECPublicKeySpec(new ECPoint(number(jwk, "x"), number(jwk, "y")),
                            ((ECPublicKey) keys.publicKey()).getParams()));
            assertEquals(keys.publicKey(), key);
        }
    }

    private static BigInteger number(JsonNode jwk, String field) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path(field).asText()));
    }

    @Test
    void es384SignaturesAreJoseRAndS() throws Exception {
        byte[] data = "header.claims".getBytes(StandardCharsets.US_ASCII);
        Signature der = Signature.getInstance("SHA384withECDSA");
        der.initSign(EC.privateKey());
        der.update(data);
        byte[] jose = TestKeys.derToJose(der.sign(), 48);
        assertEquals(96, jose.length);
        Signature p1363 = Signature.getInstance("SHA384withECDSAinP1363Format");
        p1363.initVerify(EC.publicKey());
        p1363.update(data);
        assertTrue(p1363.verify(jose));
    }

    private static JsonNode token(int status, String assertion, String scope) throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_assertion_type", ASSERTION_TYPE);
        form.put("client_assertion", assertion);
        if (scope != null) {
            form.put("scope", scope);
        }
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(keycloak.tokenUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.printf("scope=%s -> %d %s%n", scope, answer.statusCode(), answer.statusCode() == 200
                ? "(token)" : answer.body());
        assertEquals(status, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body());
    }

    private static void refused(String assertion, String scope, int status, String error, String description)
            throws Exception {
        JsonNode answer = token(status, assertion, scope);
        assertEquals(error, answer.path("error").asText(), answer.toString());
        assertEquals(description, answer.path("error_description").asText(), answer.toString());
    }

    private static JsonNode payload(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }
}
