package org.telehub.metrics.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * {@code GET /metrics}, outside the Telehub JAX-RS application on purpose: a monitoring system scrapes it with a
 * token of its own ({@code Authorization: Bearer <scrape token>}, Prometheus' {@code authorization.credentials_file}),
 * not with a person's 8-hour token, and metrics keep answering while the API is being rebuilt. Anything else gets
 * 401. The token is compared in constant time and never logged or returned.
 */
@Component(service = Servlet.class, immediate = true, configurationPid = "org.telehub.metrics", property = {
        "osgi.http.whiteboard.servlet.pattern=/metrics", "osgi.http.whiteboard.servlet.name=telehub-metrics"})
@Designate(ocd = MetricsConfig.class)
public class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient Meters meters;
    private transient volatile byte[] tokenHash;

    @Activate
    public MetricsServlet(@Reference Meters meters, MetricsConfig config) {
        this.meters = meters;
        modified(config);
    }

    /** Shorter tokens (an empty or cut token file, a careless setting) are refused: the endpoint stays closed. */
    static final int MIN_TOKEN_LENGTH = 24;

    @Modified
    void modified(MetricsConfig config) {
        String token = config.scrapeToken().isBlank() ? generated(tokenFile(config)) : config.scrapeToken().trim();
        if (token.length() < MIN_TOKEN_LENGTH) {
            tokenHash = null; // fail closed: no token can match
            throw new IllegalStateException("The metrics scrape token must have at least " + MIN_TOKEN_LENGTH
                    + " characters (scrapeToken in etc/org.telehub.metrics.cfg, or " + tokenFile(config)
                    + ": delete that file to have a new one generated)");
        }
        tokenHash = sha256(token);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String auth = req.getHeader("Authorization");
        String presented = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : "";
        byte[] expected = tokenHash;
        if (expected == null || presented.isEmpty() || !MessageDigest.isEqual(sha256(presented), expected)) {
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"telehub-metrics\"");
            resp.setHeader("Cache-Control", "no-store");
            resp.setStatus(401);
            resp.setContentType("application/problem+json");
            resp.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                    + "\"detail\":\"GET /metrics takes the scrape token (etc/org.telehub.metrics.cfg or "
                    + "data/telehub/metrics.token) as a Bearer token\"}");
            return;
        }
        byte[] body = meters.scrape().getBytes(StandardCharsets.UTF_8);
        resp.setStatus(200);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentType("text/plain; version=0.0.4; charset=utf-8");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    static Path tokenFile(MetricsConfig config) {
        if (!config.tokenFile().isBlank()) {
            return Paths.get(config.tokenFile());
        }
        return Paths.get(System.getProperty("karaf.data", "data"), "telehub", "metrics.token");
    }

    /** The generated token, created once, readable by the hub's user only (like the broker secret). */
    static synchronized String generated(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                byte[] raw = new byte[32];
                new SecureRandom().nextBytes(raw);
                String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
                // written whole under another name, then linked into place: the token file is never seen empty or
                // half-written, and a concurrent activation's link wins or loses as a whole
                Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "metrics.token.", ".tmp",
                        PosixFilePermissions.asFileAttribute(
                                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
                try {
                    Files.writeString(tmp, token, StandardCharsets.UTF_8);
                    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                            java.nio.file.StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                    Files.createLink(file, tmp);
                } catch (FileAlreadyExistsException raced) {
                    // another activation put its token in place a moment ago: that one counts
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the metrics scrape token " + file, e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
