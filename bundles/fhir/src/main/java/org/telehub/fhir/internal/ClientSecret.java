package org.telehub.fhir.internal;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * OAuth 2 {@code client_credentials} with a client secret sent as HTTP Basic ({@code client_secret_basic},
 * RFC 6749 2.3.1: id and secret form-encoded, then joined by ':'), as Oracle Health system accounts and
 * athenahealth's 2-legged OAuth use it. The secret appears in no message.
 */
public final class ClientSecret extends TokenClient {
    private final String basic;

    public ClientSecret(String clientId, URI tokenUrl, String secret, List<String> scopes, Duration timeout) {
        super(clientId, tokenUrl, scopes, timeout);
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("clientSecret is required");
        }
        this.basic = "Basic " + Base64.getEncoder().encodeToString((form(clientId) + ":" + form(secret))
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String form(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    String flow() {
        return "OAuth client credentials";
    }

    @Override
    void authenticate(Map<String, String> form, HttpRequest.Builder request) {
        request.header("Authorization", basic);
    }

    @Override
    String checkClient(String description) {
        return description.contains("secret") || description.contains("credentials")
                ? "the client secret of client " + clientId : null;
    }

    @Override
    public String toString() {
        return "OAuth client credentials[client=" + clientId + ", tokenUrl=" + tokenUrl + ", secret=***]";
    }
}
