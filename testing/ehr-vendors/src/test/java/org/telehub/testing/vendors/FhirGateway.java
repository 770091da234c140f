package org.telehub.testing.vendors;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A vendor's front door before the real FHIR server (HAPI): on 127.0.0.1, it refuses what the vendor refuses and
 * forwards the rest. Every request must carry a bearer token Keycloak signed (RS256, checked against the realm's
 * published keys), of its realm and not expired; then the vendor's {@link Route} decides: refuse (a status and the
 * words of an OperationOutcome)
 * or forward to a path of HAPI's base, with named query parameters taken off (HAPI does not know the vendor's own
 * parameters). Every request is kept in {@link #seen()} for the test to look at.
 */
public final class FhirGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FORWARDED = List.of("Content-Type", "Accept", "Prefer", "If-None-Exist",
            "If-Match");
    private static final List<String> RETURNED = List.of("Content-Type", "Location", "Content-Location", "ETag");

    /** One request as it arrived: the path after the gateway's root, the raw query, its parameters. */
    public record Seen(String method, String path, String query, Map<String, List<String>> parameters,
            String ifNoneExist) {
    }

    /** Where a request goes: refused with {@code status} and {@code message}, or forwarded to {@code path}. */
    public record Answer(int status, String message, String path) {
        public static Answer refuse(int status, String message) {
            return new Answer(status, message, null);
        }

        public static Answer forward(String path) {
            return new Answer(0, null, path);
        }
    }

    /** The vendor's routing. */
    public interface Route {
        Answer route(Seen request);
    }

    private final HttpServer server;
    private final String upstream;
    private final Route route;
    private final List<String> stripped;
    private final String jwksUrl;
    private final String issuer;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Boolean> active = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    /**
     * @param upstream HAPI's base, e.g. {@code http://127.0.0.1:1234/fhir}
     * @param stripped query parameters taken off before forwarding (also from {@code If-None-Exist})
     * @param jwksUrl the realm's keys; {@code issuer} the realm's issuer
     */
    public FhirGateway(String upstream, List<String> stripped, Route route, String jwksUrl, String issuer)
            throws IOException {
        this.upstream = upstream.replaceAll("/+$", "");
        this.stripped = List.copyOf(stripped);
        this.route = route;
        this.jwksUrl = jwksUrl;
        this.issuer = issuer;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}: the vendor's host. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    public void clear() {
        seen.clear();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            URI uri = x.getRequestURI();
            Seen request = new Seen(x.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(),
                    parameters(uri.getRawQuery()), x.getRequestHeaders().getFirst("If-None-Exist"));
            seen.add(request);
            String authorization = x.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.startsWith("Bearer ")) {
                respond(x, 401, outcome("no bearer token"));
                return;
            }
            if (!active(authorization.substring(7))) {
                respond(x, 401, outcome("the access token is not one the realm issued, or it expired"));
                return;
            }
            Answer answer = route.route(request);
            if (answer.path() == null) {
                respond(x, answer.status(), outcome(answer.message()));
                return;
            }
            forward(x, request, answer.path());
        } catch (IOException | RuntimeException e) {
            respond(x, 502, outcome("gateway: " + e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(x, 502, outcome("gateway: interrupted"));
        }
    }

    private void forward(HttpExchange x, Seen request, String path) throws IOException, InterruptedException {
        String query = without(request.query());
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + path
                + (query.isEmpty() ? "" : "?" + query)));
        for (String h : FORWARDED) {
            String v = x.getRequestHeaders().getFirst(h);
            if (v != null) {
                b.header(h, h.equals("If-None-Exist") ? without(v) : v);
            }
        }
        byte[] body;
        try (InputStream in = x.getRequestBody()) {
            body = in.readAllBytes();
        }
        b.method(request.method(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        for (String h : RETURNED) {
            r.headers().firstValue(h).ifPresent(v -> x.getResponseHeaders().add(h, v));
        }
        x.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
        x.getResponseBody().write(r.body());
    }

    /** The query without the stripped parameters. */
    private String without(String query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        List<String> kept = new ArrayList<>();
        for (String pair : query.split("&")) {
            String name = URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8);
            if (!stripped.contains(name)) {
                kept.add(pair);
            }
        }
        return String.join("&", kept);
    }

    /** Signed by the realm (RS256 with a key it publishes), issued by it, not expired. */
    private boolean active(String token) throws IOException, InterruptedException {
        Boolean known = active.get(token);
        if (known != null) {
            return known;
        }
        boolean yes = false;
        String[] parts = token.split("\\.");
        if (parts.length == 3) {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            JsonNode header = JSON.readTree(b64.decode(parts[0]));
            JsonNode claims = JSON.readTree(b64.decode(parts[1]));
            JsonNode keys = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(jwksUrl)).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("keys");
            for (JsonNode k : keys) {
                if (k.path("kid").asText().equals(header.path("kid").asText()) && "RS256".equals(header.path("alg")
                        .asText())) {
                    try {
                        java.security.PublicKey key = java.security.KeyFactory.getInstance("RSA").generatePublic(
                                new java.security.spec.RSAPublicKeySpec(new java.math.BigInteger(1, b64.decode(
                                        k.path("n").asText())), new java.math.BigInteger(1, b64.decode(k.path("e")
                                                .asText()))));
                        java.security.Signature v = java.security.Signature.getInstance("SHA256withRSA");
                        v.initVerify(key);
                        v.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
                        yes = v.verify(b64.decode(parts[2])) && issuer.equals(claims.path("iss").asText())
                                && claims.path("exp").asLong() > System.currentTimeMillis() / 1000;
                    } catch (java.security.GeneralSecurityException e) {
                        yes = false;
                    }
                }
            }
        }
        active.put(token, yes);
        return yes;
    }

    static Map<String, List<String>> parameters(String query) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                out.computeIfAbsent(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), k -> new ArrayList<>())
                        .add(kv.length < 2 ? "" : URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static byte[] outcome(String message) {
        return ("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"forbidden\","
                + "\"diagnostics\":" + JSON.valueToTree(message) + "}]}").getBytes(StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange x, int status, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", "application/fhir+json");
        x.sendResponseHeaders(status, body.length);
        x.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
