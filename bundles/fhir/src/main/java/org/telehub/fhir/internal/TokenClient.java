package org.telehub.fhir.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.telehub.fhir.FhirAuth;
import org.telehub.integration.api.AdapterException;

/**
 * OAuth 2 {@code client_credentials} against a token endpoint: the access token is cached and fetched again 60
 * seconds before it expires, or after the FHIR server refused it. Subclasses say how the client authenticates
 * (a signed assertion, or a secret).
 */
abstract class TokenClient implements FhirAuth {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration EARLY = Duration.ofSeconds(60);

    final String clientId;
    final URI tokenUrl;
    final List<String> scopes;
    private final Duration timeout;
    private final HttpClient http;
    private String token;
    private Instant refreshAt = Instant.EPOCH;

    TokenClient(String clientId, URI tokenUrl, List<String> scopes, Duration timeout) {
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("clientId is required");
        }
        if (tokenUrl == null || !("https".equals(tokenUrl.getScheme()) || "http".equals(tokenUrl.getScheme()))) {
            throw new IllegalArgumentException("tokenUrl: an http(s) URL");
        }
        this.clientId = clientId;
        this.tokenUrl = tokenUrl;
        this.scopes = List.copyOf(scopes);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The name of the flow in messages, e.g. "SMART". */
    abstract String flow();

    /** Adds the client's authentication to the token request: form fields and/or headers. */
    abstract void authenticate(Map<String, String> form, HttpRequest.Builder request) throws AdapterException;

    /** What to check when the server refused the client, in the client's own terms. */
    abstract String checkClient(String description);

    @Override
    public synchronized Optional<String> header() throws AdapterException {
        if (token == null || Instant.now().isAfter(refreshAt)) {
            Map<String, String> form = new LinkedHashMap<>();
            HttpRequest.Builder request = HttpRequest.newBuilder(tokenUrl);
            authenticate(form, request);
            fetch(form, request);
        }
        return Optional.of("Bearer " + token);
    }

    @Override
    public synchronized boolean rejected() {
        token = null;
        return true;
    }

    /** Exchanges the client's credentials for an access token and caches it. */
    synchronized void fetch(Map<String, String> authentication, HttpRequest.Builder request)
            throws AdapterException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.putAll(authentication);
        if (!scopes.isEmpty()) {
            form.put("scope", String.join(" ", scopes));
        }
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        request.timeout(timeout).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        HttpResponse<String> r;
        try {
            r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AdapterException(flow() + " token request to " + tokenUrl + " failed: " + e, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdapterException(flow() + " token request interrupted", true, e);
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

    /** The authorization server's refusal in words that say which part to check; never the credentials. */
    AdapterException refused(int status, String error, String description) {
        String d = description.toLowerCase(Locale.ROOT);
        String part;
        if (d.contains("scope")) {
            part = "the scopes " + scopes + " (not granted to client " + clientId + ")";
        } else {
            part = checkClient(d);
            if (part == null) {
                part = error.equals("invalid_client") || error.equals("unauthorized_client")
                        ? "the client: " + clientId + " and its registered credentials" : "the token request";
            }
        }
        boolean retryable = status >= 500 || status == 429;
        return new AdapterException(flow() + " token request refused by " + tokenUrl + " (HTTP " + status
                + (error.isEmpty() ? "" : ", " + error) + (description.isEmpty() ? "" : ": " + description)
                + "); check " + part, retryable);
    }
}
