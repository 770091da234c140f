package org.telehub.fhir.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.telehub.integration.api.AdapterException;

/**
 * The client assertion as SMART Backend Services defines it, verified with the JDK's own signature classes; the
 * server side of the exchange is tested against Keycloak.
 */
class AssertionTest {
    static final URI TOKEN = URI.create("https://auth.example.org/oauth2/token");
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void rs384AssertionFromPkcs8PemVerifiesAndCarriesTheClaims() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                kp.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        SmartBackendServices s = new SmartBackendServices("telehub-app", TOKEN, pem, "k1", "RS384",
                List.of("system/Observation.write"), Duration.ofSeconds(5));
        String jwt = s.assertion();
        String[] parts = jwt.split("\\.");
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertEquals("RS384", header.get("alg").asText());
        assertEquals("k1", header.get("kid").asText());
        assertEquals("telehub-app", claims.get("iss").asText());
        assertEquals("telehub-app", claims.get("sub").asText());
        assertEquals(TOKEN.toString(), claims.get("aud").asText());
        long now = Instant.now().getEpochSecond();
        assertTrue(claims.get("exp").asLong() - now <= 300 && claims.get("exp").asLong() > now);
        Signature v = Signature.getInstance("SHA384withRSA");
        v.initVerify(kp.getPublic());
        v.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(v.verify(Base64.getUrlDecoder().decode(parts[2])));
        assertFalse(jwt.equals(s.assertion()), "a new jti every time");
    }

    @Test
    void es384AssertionFromAJwkVerifiesInJoseForm() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        for (int i = 0; i < 20; i++) { // leading zeros in R or S show up in some of them
            KeyPair kp = g.generateKeyPair();
            ECPrivateKey priv = (ECPrivateKey) kp.getPrivate();
            String jwk = "{\"kty\":\"EC\",\"crv\":\"P-384\",\"d\":\"" + b64(unsigned(priv.getS(), 48)) + "\"}";
            SmartBackendServices s = new SmartBackendServices("c", TOKEN, jwk, "ec", "ES384", List.of(),
                    Duration.ofSeconds(5));
            String[] parts = s.assertion().split("\\.");
            byte[] jose = Base64.getUrlDecoder().decode(parts[2]);
            assertEquals(96, jose.length);
            Signature v = Signature.getInstance("SHA384withECDSAinP1363Format");
            v.initVerify((ECPublicKey) kp.getPublic());
            v.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            assertTrue(v.verify(jose));
        }
    }

    @Test
    void aKeyThatDoesNotFitSaysWhyWithoutShowingIt() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                g.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----";
        IllegalArgumentException wrongAlg = assertThrows(IllegalArgumentException.class,
                () -> new SmartBackendServices("c", TOKEN, pem, null, "ES384", List.of(), Duration.ofSeconds(1)));
        assertTrue(wrongAlg.getMessage().contains("ES384"), wrongAlg.getMessage());
        IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class,
                () -> new SmartBackendServices("c", TOKEN, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
                        null, "RS384", List.of(), Duration.ofSeconds(1)));
        assertFalse(garbage.getMessage().contains("AAAA"));
        IllegalArgumentException pkcs1 = assertThrows(IllegalArgumentException.class,
                () -> new SmartBackendServices("c", TOKEN, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA "
                        + "PRIVATE KEY-----", null, "RS384", List.of(), Duration.ofSeconds(1)));
        assertTrue(pkcs1.getMessage().contains("PKCS#8"), pkcs1.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new SmartBackendServices("c", TOKEN, pem, null, "RS256", List.of(), Duration.ofSeconds(1)));
    }

    @Test
    void refusalsNameThePartToCheck() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                g.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----";
        SmartBackendServices s = new SmartBackendServices("app", TOKEN, pem, "k1", "RS384", List.of("system/x.read"),
                Duration.ofSeconds(1));
        AdapterException server = s.refused(503, "", "");
        assertTrue(server.retryable());
        AdapterException scope = s.refused(400, "invalid_scope", "Invalid scopes: system/x.read");
        assertFalse(scope.retryable());
        assertTrue(scope.getMessage().contains("check the scopes"), scope.getMessage());
    }

    private static byte[] unsigned(BigInteger v, int size) {
        byte[] b = v.toByteArray();
        if (b.length == size) {
            return b;
        }
        byte[] out = new byte[size];
        if (b.length > size) {
            System.arraycopy(b, b.length - size, out, 0, size);
        } else {
            System.arraycopy(b, 0, out, size - b.length, b.length);
        }
        return out;
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(b, b.length));
    }
}
