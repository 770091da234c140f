package org.telehub.testing.keycloak;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A key pair of a SMART backend client: the private key (also as PKCS#8 PEM, the form a clinic's IT hands over),
 * the public JWKS to register at the authorization server, and JWTs signed with it, all with the JDK alone.
 *
 * <pre>{@code
 * TestKeys keys = TestKeys.rsa("telehub-1");
 * try (Keycloak kc = Keycloak.start(dir, List.of(Keycloak.Client.of("telehub", keys, "system/Observation.write")))) {
 *     String assertion = keys.clientAssertion("telehub", kc.tokenUrl());
 * }
 * }</pre>
 */
public final class TestKeys {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    /** An ES384 signature: R and S of P-384, 48 bytes each. */
    private static final int P384_BYTES = 48;

    private final String kid;
    private final String algorithm;
    private final KeyPair pair;

    private TestKeys(String kid, String algorithm, KeyPair pair) {
        this.kid = kid;
        this.algorithm = algorithm;
        this.pair = pair;
    }

    /** A new 2048-bit RSA key pair for {@code RS384}. */
    public static TestKeys rsa(String kid) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new TestKeys(kid, "RS384", generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new P-384 (secp384r1) key pair for {@code ES384}. */
    public static TestKeys ec384(String kid) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp384r1"));
            return new TestKeys(kid, "ES384", generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same key pair under another key id (for an "unknown kid" case). */
    public TestKeys withKid(String otherKid) {
        return new TestKeys(otherKid, algorithm, pair);
    }

    public String kid() {
        return kid;
    }

    /** {@code RS384} or {@code ES384}. */
    public String algorithm() {
        return algorithm;
    }

    public PrivateKey privateKey() {
        return pair.getPrivate();
    }

    public PublicKey publicKey() {
        return pair.getPublic();
    }

    /** The private key as PEM, PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}). */
    public String privateKeyPem() {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** The public key as a JWK: {@code kty}, {@code kid}, {@code use: sig}, {@code alg}, and n/e or crv/x/y. */
    public Map<String, Object> publicJwk() {
        Map<String, Object> jwk = new LinkedHashMap<>();
        if (pair.getPublic() instanceof RSAPublicKey rsa) {
            jwk.put("kty", "RSA");
            jwk.put("kid", kid);
            jwk.put("use", "sig");
            jwk.put("alg", algorithm);
            jwk.put("n", B64URL.encodeToString(unsigned(rsa.getModulus(), 0)));
            jwk.put("e", B64URL.encodeToString(unsigned(rsa.getPublicExponent(), 0)));
        } else {
            ECPublicKey ec = (ECPublicKey) pair.getPublic();
            jwk.put("kty", "EC");
            jwk.put("kid", kid);
            jwk.put("use", "sig");
            jwk.put("alg", algorithm);
            jwk.put("crv", "P-384");
            jwk.put("x", B64URL.encodeToString(unsigned(ec.getW().getAffineX(), P384_BYTES)));
            jwk.put("y", B64URL.encodeToString(unsigned(ec.getW().getAffineY(), P384_BYTES)));
        }
        return jwk;
    }

    /** The public JWKS, {@code {"keys":[<publicJwk()>]}}, as JSON. */
    public String jwksJson() {
        return json(Map.of("keys", List.of(publicJwk())));
    }

    /**
     * A {@code private_key_jwt} client assertion signed with {@link #algorithm()}: {@code iss} = {@code sub} =
     * {@code clientId}, {@code aud} = {@code audience} (the token URL), a random {@code jti}, {@code iat} now,
     * {@code exp} in 300 s.
     */
    public String clientAssertion(String clientId, String audience) {
        return jwt(algorithm, assertionClaims(clientId, audience));
    }

    /** The claims {@link #clientAssertion} signs, to change before signing with {@link #jwt}. */
    public static Map<String, Object> assertionClaims(String clientId, String audience) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", clientId);
        claims.put("sub", clientId);
        claims.put("aud", audience);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("iat", now);
        claims.put("exp", now + 300);
        return claims;
    }

    /** A compact JWS of {@code claims}, header {@code alg} = {@link #algorithm()}, {@code kid}, {@code typ: JWT}. */
    public String jwt(Map<String, ?> claims) {
        return jwt(algorithm, claims);
    }

    /**
     * A compact JWS of {@code claims} with the given {@code alg} in the header and used for the signature:
     * RS256, RS384, RS512 with an RSA key, ES384 with the P-384 key.
     */
    public String jwt(String alg, Map<String, ?> claims) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", alg);
        header.put("kid", kid);
        header.put("typ", "JWT");
        String input = B64URL.encodeToString(json(header).getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(json(claims).getBytes(StandardCharsets.UTF_8));
        return input + "." + B64URL.encodeToString(sign(alg, input.getBytes(StandardCharsets.US_ASCII)));
    }

    private byte[] sign(String alg, byte[] input) {
        boolean rsaKey = pair.getPrivate().getAlgorithm().equals("RSA");
        String jca = switch (alg) {
            case "RS256" -> rsaKey ? "SHA256withRSA" : null;
            case "RS384" -> rsaKey ? "SHA384withRSA" : null;
            case "RS512" -> rsaKey ? "SHA512withRSA" : null;
            case "ES384" -> rsaKey ? null : "SHA384withECDSA";
            default -> null;
        };
        if (jca == null) {
            throw new IllegalArgumentException(alg + " does not fit a " + pair.getPrivate().getAlgorithm() + " key");
        }
        try {
            Signature signature = Signature.getInstance(jca);
            signature.initSign(pair.getPrivate());
            signature.update(input);
            byte[] raw = signature.sign();
            return rsaKey ? raw : derToJose(raw, P384_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An ECDSA signature from the JDK's DER form ({@code SEQUENCE { INTEGER r, INTEGER s }}) to JOSE's: R and S
     * as unsigned big-endian numbers of {@code size} bytes each, concatenated (RFC 7518 section 3.4).
     */
    public static byte[] derToJose(byte[] der, int size) {
        int at = 0;
        if (der[at++] != 0x30) {
            throw new IllegalArgumentException("not a DER sequence");
        }
        at += lengthOfLength(der, at);
        byte[] out = new byte[2 * size];
        for (int part = 0; part < 2; part++) {
            if (der[at++] != 0x02) {
                throw new IllegalArgumentException("not a DER integer");
            }
            int length = der[at++] & 0xff;
            byte[] value = Arrays.copyOfRange(der, at, at + length);
            at += length;
            byte[] fixed = unsigned(new BigInteger(1, value), size);
            System.arraycopy(fixed, 0, out, part * size, size);
        }
        return out;
    }

    /** 1 for a short DER length, 1 + n for the long form (0x8n followed by n bytes). */
    private static int lengthOfLength(byte[] der, int at) {
        int first = der[at] & 0xff;
        return first < 0x80 ? 1 : 1 + (first & 0x7f);
    }

    /** The number's unsigned big-endian bytes, left-padded with zeros to {@code size} (0: no padding). */
    private static byte[] unsigned(BigInteger value, int size) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        if (size == 0 || bytes.length == size) {
            return bytes;
        }
        if (bytes.length > size) {
            throw new IllegalArgumentException("a number of " + bytes.length + " bytes does not fit in " + size);
        }
        byte[] padded = new byte[size];
        System.arraycopy(bytes, 0, padded, size - bytes.length, bytes.length);
        return padded;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
