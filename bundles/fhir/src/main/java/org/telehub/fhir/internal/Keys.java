package org.telehub.fhir.internal;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateKeySpec;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Private keys from PKCS#8 PEM or a private JWK; errors never include key material. */
final class Keys {
    private Keys() {
    }

    static PrivateKey read(String text, String algorithm) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("privateKey is empty");
        }
        PrivateKey key;
        try {
            key = text.trim().startsWith("{") ? fromJwk(text) : fromPem(text);
        } catch (GeneralSecurityException | IllegalArgumentException | java.io.IOException e) {
            throw new IllegalArgumentException("privateKey is neither a PKCS#8 PEM private key nor a private JWK ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (algorithm.equals("RS384") && !(key instanceof RSAPrivateKey)) {
            throw new IllegalArgumentException("algorithm RS384 needs an RSA private key, privateKey is "
                    + key.getAlgorithm());
        }
        if (algorithm.equals("ES384")) {
            if (!(key instanceof ECPrivateKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 384) {
                throw new IllegalArgumentException("algorithm ES384 needs an EC P-384 private key");
            }
        }
        return key;
    }

    private static PrivateKey fromPem(String pem) throws GeneralSecurityException {
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")) {
            throw new IllegalArgumentException("PKCS#1/SEC1 PEM; convert with openssl pkcs8 -topk8 -nocrypt");
        }
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(b64);
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePrivate(spec);
        }
    }

    private static PrivateKey fromJwk(String json) throws GeneralSecurityException, java.io.IOException {
        JsonNode jwk = new ObjectMapper().readTree(json);
        if (jwk.has("keys")) {
            jwk = jwk.get("keys").get(0);
        }
        String kty = jwk.path("kty").asText();
        Base64.Decoder d = Base64.getUrlDecoder();
        if (kty.equals("RSA")) {
            return KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateKeySpec(
                    new BigInteger(1, d.decode(jwk.path("n").asText())),
                    new BigInteger(1, d.decode(jwk.path("d").asText()))));
        }
        if (kty.equals("EC") && jwk.path("crv").asText().equals("P-384")) {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec("secp384r1"));
            return KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(
                    new BigInteger(1, d.decode(jwk.path("d").asText())), p.getParameterSpec(ECParameterSpec.class)));
        }
        throw new IllegalArgumentException("unsupported JWK");
    }
}
