package org.telehub.fhir.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.telehub.fhir.FhirAuth;
import org.telehub.integration.api.AdapterException;

/**
 * SMART Backend Services (HL7 SMART App Launch 2, "Backend Services"): {@code client_credentials} with a
 * {@code private_key_jwt} client assertion signed RS384 or ES384 ({@code iss} = {@code sub} = client id,
 * {@code aud} = token URL, unique {@code jti}, {@code exp} 5 minutes ahead). The access token is cached and fetched
 * again 60 seconds before it expires, or after the FHIR server refused it.
 */
public final class SmartBackendServices implements FhirAuth {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration EARLY = Duration.ofSeconds(60);

    private final String clientId;
    private final URI tokenUrl;
    private final PrivateKey key;
    private final String keyId;
    private final String algorithm;
    private final List<String> scopes;
    private final Duration timeout;
    private final HttpClient http;
    private String token;
    private Instant refreshAt = Instant.EPOCH;

    public SmartBackendServices(String clientId, URI tokenUrl, String privateKey, String keyId, String algorithm,
            List<String> scopes, Duration timeout) {
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("clientId is required for SMART Backend Services");
        }
        if (!"RS384".equals(algorithm) && !"ES384".equals(algorithm)) {
            throw new IllegalArgumentException("algorithm: RS384 or ES384 (got '" + algorithm + "')");
        }
        if (tokenUrl == null || !("https".equals(tokenUrl.getScheme()) || "http".equals(tokenUrl.getScheme()))) {
            throw new IllegalArgumentException("tokenUrl: an http(s) URL");
        }
        this.clientId = clientId;
        this.tokenUrl = tokenUrl;
        this.key = Keys.read(privateKey, algorithm);
        this.keyId = keyId == null || keyId.isBlank() ? null : keyId;
        this.algorithm = algorithm;
        this.scopes = List.copyOf(scopes);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public synchronized Optional<String> header() throws AdapterException {
        if (token == null || Instant.now().isAfter(refreshAt)) {
            fetch();
        }
        return Optional.of("Bearer " + token);
    }

    @Override
    public synchronized boolean rejected() {
        token = null;
        return true;
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

    private void fetch() throws AdapterException {
        fetchWith(assertion());
    }

    /** Exchanges a client assertion for an access token and caches it. */
    void fetchWith(String clientAssertion) throws AdapterException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        form.put("client_assertion", clientAssertion);
        if (!scopes.isEmpty()) {
            form.put("scope", String.join(" ", scopes));
        }
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(tokenUrl).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AdapterException("SMART token request to " + tokenUrl + " failed: " + e, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdapterException("SMART token request interrupted", true, e);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(r.body());
        } catch (IOException e) {
            answer = JSON.createObjectNode();
        }
        if (r.statusCode() != 200 || !answer.hasNonNull("access_token")) {
            throw refused(r.statusCode(), answer.path("error").asText(""), answer.path("error_description").asText(""));
        }
        token = answer.get("access_token").asText();
        long expiresIn = answer.path("expires_in").asLong(300);
        refreshAt = Instant.now().plusSeconds(expiresIn).minus(EARLY);
    }

    /** The authorization server's refusal in words that say which part to check; never the assertion itself. */
    AdapterException refused(int status, String error, String description) {
        String d = description.toLowerCase(Locale.ROOT);
        String part;
        if (d.contains("audience") || d.contains("aud")) {
            part = "the audience: the assertion's aud is the token URL " + tokenUrl;
        } else if (d.contains("scope")) {
            part = "the scopes " + scopes + " (not granted to client " + clientId + ")";
        } else if (d.contains("algorithm") || d.contains("alg")) {
            part = "the algorithm: " + algorithm + " must be the one registered for client " + clientId;
        } else if (d.contains("not active") || d.contains("expired")) {
            part = "the clock: the assertion's iat/exp must fall within the server's time (is this host's clock right?)";
        } else if (d.contains("reuse") || d.contains("replay")) {
            part = "the assertion id: it was used before (jti replay)";
        } else if (d.contains("signature") || d.contains("key") || d.contains("kid") || d.contains("jwks")) {
            part = "the key: the private key or its key id (" + keyId + ") does not match the public key registered"
                    + " for client " + clientId;
        } else if (error.equals("invalid_client") || error.equals("unauthorized_client")) {
            part = "the client: " + clientId + " and its registered key";
        } else {
            part = "the token request";
        }
        boolean retryable = status >= 500 || status == 429;
        return new AdapterException("SMART token request refused by " + tokenUrl + " (HTTP " + status
                + (error.isEmpty() ? "" : ", " + error) + (description.isEmpty() ? "" : ": " + description)
                + "); check " + part, retryable);
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
