package org.telehub.itests;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** An administrator's browser: Basic credentials, a cookie jar, the token of the last page it loaded. */
public class ConsoleBrowser {
    private static final Pattern TOKEN = Pattern.compile("name='csrf' value='([^']+)'");
    private final KarafInstance karaf;
    private final String page;
    private final String basic;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL)).connectTimeout(Duration.ofSeconds(5))
            .build();
    private String token;

    ConsoleBrowser(KarafInstance karaf, String page, String user, String password) {
        this.karaf = karaf;
        this.page = page;
        this.basic = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                        .getBytes(StandardCharsets.UTF_8));
    }

    String origin() {
        return karaf.url("");
    }

    String token() {
        return token;
    }

    HttpResponse<String> get(String path) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(karaf.url(path))).GET());
        Matcher m = TOKEN.matcher(r.body());
        if (m.find()) {
            token = m.group(1);
        }
        return r;
    }

    HttpResponse<String> post(String path, Map<String, String> form, String origin, String fetchSite)
            throws Exception {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(karaf.url(path)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            b.header("Origin", origin);
        }
        if (fetchSite != null) {
            b.header("Sec-Fetch-Site", fetchSite);
        }
        return send(b);
    }

    /** A form of the page submitted as the browser does: same origin, with the page's token. */
    HttpResponse<String> act(String action, String name, String value) throws Exception {
        Map<String, String> form = new java.util.LinkedHashMap<>(Map.of("action", action, name, value));
        form.put("csrf", token);
        return post(page, form, origin(), "same-origin");
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        if (basic != null) {
            b.header("Authorization", basic);
        }
        return http.send(b.timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
