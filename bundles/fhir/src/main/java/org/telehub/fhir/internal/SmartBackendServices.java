package org.telehub.fhir.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.telehub.integration.api.AdapterException;

/**
 * SMART Backend Services (HL7 SMART App Launch 2, "Backend Services"): {@code client_credentials} with a
 * {@code private_key_jwt} client assertion signed RS384 or ES384 ({@code iss} = {@code sub} = client id,
 * {@code aud} = token URL, unique {@code jti}, {@code exp} 5 minutes ahead). The access token is cached and fetched
 * again 60 seconds before it expires, or after the FHIR server refused it.
 */
public final class SmartBackendServices extends TokenClient {
    private final PrivateKey key;
    private final String keyId;
    private final String algorithm;

    public SmartBackendServices(String clientId, URI tokenUrl, String privateKey, String keyId, String algorithm,
            List<String> scopes, Duration timeout) {
        super(clientId, tokenUrl, scopes, timeout);
        if (!"RS384".equals(algorithm) && !"ES384".equals(algorithm)) {
            throw new IllegalArgumentException("algorithm: RS384 or ES384 (got '" + algorithm + "')");
        }
        this.key = Keys.read(privateKey, algorithm);
        this.keyId = keyId == null || keyId.isBlank() ? null : keyId;
        this.algorithm = algorithm;
    }

    @Override
    String flow() {
        return "SMART";
    }

    @Override
    void authenticate(Map<String, String> form, HttpRequest.Builder request) throws AdapterException {
        form.putAll(assertionForm(assertion()));
    }

    private static Map<String, String> assertionForm(String clientAssertion) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        form.put("client_assertion", clientAssertion);
        return form;
    }

    /** The signed client assertion (a JWT) for the token URL. */
    String assertion() throws AdapterException {
        return assertion(tokenUrl.toString());
    }

    /** The signed client assertion with the given audience (tests show what the server says to a wrong one). */
    String assertion(String audience) throws AdapterException {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", algorithm);
        header.put("typ", "JWT");
        if (keyId != null) {
            header.put("kid", keyId);
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", clientId);
        claims.put("sub", clientId);
        claims.put("aud", audience);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("iat", now);
        claims.put("exp", now + 300);
        try {
            String signingInput = b64(JSON.writeValueAsBytes(header)) + "." + b64(JSON.writeValueAsBytes(claims));
            Signature s = Signature.getInstance(algorithm.equals("RS384") ? "SHA384withRSA" : "SHA384withECDSA");
            s.initSign(key);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            byte[] sig = s.sign();
            if (algorithm.equals("ES384")) {
                sig = derToJose(sig, 48);
            }
            return signingInput + "." + b64(sig);
        } catch (GeneralSecurityException | IOException e) {
            throw new AdapterException("cannot sign the SMART client assertion: " + e.getMessage(), false, e);
        }
    }

    /** Exchanges a given client assertion for an access token and caches it (tests replay one). */
    void fetchWith(String clientAssertion) throws AdapterException {
        fetch(assertionForm(clientAssertion), HttpRequest.newBuilder(tokenUrl));
    }

    @Override
    String checkClient(String d) {
        if (d.contains("audience") || d.contains("aud")) {
            return "the audience: the assertion's aud is the token URL " + tokenUrl;
        } else if (d.contains("algorithm") || d.contains("alg")) {
            return "the algorithm: " + algorithm + " must be the one registered for client " + clientId;
        } else if (d.contains("not active") || d.contains("expired")) {
            return "the clock: the assertion's iat/exp must fall within the server's time (is this host's clock "
                    + "right?)";
        } else if (d.contains("reuse") || d.contains("replay")) {
            return "the assertion id: it was used before (jti replay)";
        } else if (d.contains("signature") || d.contains("key") || d.contains("kid") || d.contains("jwks")) {
            return "the key: the private key or its key id (" + keyId + ") does not match the public key registered"
                    + " for client " + clientId;
        }
        return null;
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** An ECDSA signature from DER (SEQUENCE of two INTEGERs) to JOSE's fixed-length R || S. */
    static byte[] derToJose(byte[] der, int size) {
        int offset = 2;
        if ((der[1] & 0x80) != 0) {
            offset += der[1] & 0x7f;
        }
        byte[] out = new byte[2 * size];
        for (int i = 0; i < 2; i++) {
            int len = der[offset + 1] & 0xff;
            byte[] n = Arrays.copyOfRange(der, offset + 2, offset + 2 + len);
            int skip = 0;
            while (n.length - skip > size && n[skip] == 0) {
                skip++;
            }
            System.arraycopy(n, skip, out, i * size + size - (n.length - skip), n.length - skip);
            offset += 2 + len;
        }
        return out;
    }

    @Override
    public String toString() {
        return "SMART Backend Services[client=" + clientId + ", tokenUrl=" + tokenUrl + ", alg=" + algorithm + "]";
    }
}
