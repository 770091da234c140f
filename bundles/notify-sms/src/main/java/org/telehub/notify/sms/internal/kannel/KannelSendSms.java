package org.telehub.notify.sms.internal.kannel;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.notify.sms.SmsProvider;

/**
 * Kannel's {@code sendsms} HTTP interface (smsbox): one GET per message, UTF-8 in, and Kannel told to send UCS-2
 * ({@code coding=2}) when the text is not plain ASCII, so Persian and Cyrillic arrive whole; Kannel splits long
 * texts itself when the sendsms-user allows concatenation. Kannel answers {@code 202 0: Accepted for delivery} or
 * {@code 3: Queued for later delivery}; anything else is a refusal whose body is Kannel's reason.
 */
@Component(service = SmsProvider.class, configurationPid = KannelSendSms.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = SmsProvider.PROVIDER + "=kannel")
@Designate(ocd = KannelConfig.class)
public class KannelSendSms implements SmsProvider {
    static final String PID = "org.telehub.notify.sms.kannel";

    private final URI url;
    private final String username;
    private final String password;
    private final String from;
    private final String smscId;
    private final String dlrUrl;
    private final int dlrMask;
    private final Duration timeout;
    private final HttpClient http;

    @Activate
    public KannelSendSms(KannelConfig c) {
        this(c.url(), c.username(), c._password(), c.from(), c.smscId(), c.dlrUrl(), c.dlrMask(), c.timeoutSeconds());
    }

    KannelSendSms(String url, String username, String password, String from, String smscId, String dlrUrl,
            int dlrMask, int timeoutSeconds) {
        try {
            this.url = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PID + ": url '" + url + "' is not a URL", e);
        }
        if (!"http".equals(this.url.getScheme()) && !"https".equals(this.url.getScheme())
                || this.url.getRawQuery() != null) {
            throw new IllegalArgumentException(PID + ": url must be an http(s) URL without a query, not '" + url
                    + "'");
        }
        this.username = username == null ? "" : username;
        this.password = password == null ? "" : password;
        this.from = blankToNull(from);
        this.smscId = blankToNull(smscId);
        this.dlrUrl = blankToNull(dlrUrl);
        this.dlrMask = dlrMask;
        this.timeout = Duration.ofSeconds(timeoutSeconds);
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @Override
    public void send(String to, String text) throws Exception {
        if (username.isEmpty()) {
            throw new IllegalStateException("Kannel at " + url + ": no username configured (" + PID + ".cfg)");
        }
        Map<String, String> q = new LinkedHashMap<>();
        q.put("username", username);
        q.put("password", password);
        q.put("to", to);
        q.put("text", text);
        q.put("charset", "UTF-8");
        if (!text.chars().allMatch(ch -> ch < 128)) {
            q.put("coding", "2");
        }
        if (from != null) {
            q.put("from", from);
        }
        if (smscId != null) {
            q.put("smsc", smscId);
        }
        if (dlrUrl != null) {
            q.put("dlr-url", dlrUrl);
            q.put("dlr-mask", String.valueOf(dlrMask));
        }
        String query = q.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(url + "?" + query)).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            // the exception names the address at most, never the query (which holds the password)
            throw new Exception("Kannel at " + url + " unreachable: " + (e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage()));
        }
        String body = r.body() == null ? "" : r.body().strip();
        if (r.statusCode() / 100 != 2 || !(body.startsWith("0:") || body.startsWith("3:"))) {
            String reason = body.substring(0, Math.min(200, body.length()));
            if (!password.isEmpty()) {
                reason = reason.replace(password, "****");
            }
            throw new Exception("Kannel at " + url + " refused the message (HTTP " + r.statusCode() + "): " + reason);
        }
    }
}
