package org.telehub.security.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.NotAuthenticatedException;
import org.telehub.domain.UnavailableException;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.BrowserGate;

/**
 * How a browser is authenticated and kept from being used by another site: the session cookie's name and
 * attributes, the origin check and the CSRF token of cookie-authenticated unsafe requests, and the WebSocket
 * handshake check ({@link BrowserGate}). ARCHITECTURE.md, "How browsers authenticate", says why each part is there.
 *
 * <p>Two independent checks guard an unsafe request authenticated by the cookie: the {@code Origin} (or, when a
 * browser sends none, {@code Sec-Fetch-Site}) must be the configured public origin, and the {@code X-CSRF-Token}
 * header must carry the session's CSRF token. The token is derived from the session secret (SHA-256 with its own
 * prefix), which only the hub and the cookie know: nothing more to store, the same on every node, and it cannot be
 * planted the way a double-submit cookie can from a sibling subdomain.
 */
@Component(service = { BrowserGuard.class, BrowserGate.class }, configurationPid = "org.telehub.security")
public class BrowserGuard implements BrowserGate {
    private static final Logger LOG = LoggerFactory.getLogger(BrowserGuard.class);
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    private final Accounts accounts;
    /** Resolves guests' and interpreters' visit tokens at a handshake; null in tests that have none. */
    private final DbVisitIdentities visits;
    private final String origin;
    private final boolean secure;
    /** Null when browser sessions can be used; else why not (an http origin that is not this machine). */
    private final String disabled;

    @Activate
    public BrowserGuard(@Reference Accounts accounts, @Reference DbVisitIdentities visits, SecurityConfig config) {
        this(accounts, visits, config.publicOrigin());
    }

    BrowserGuard(Accounts accounts, String publicOrigin) {
        this(accounts, null, publicOrigin);
    }

    BrowserGuard(Accounts accounts, DbVisitIdentities visits, String publicOrigin) {
        this.accounts = accounts;
        this.visits = visits;
        String o = normalise(publicOrigin);
        this.origin = o;
        this.secure = o != null && o.startsWith("https://");
        if (o == null) {
            disabled = "publicOrigin '" + publicOrigin + "' is not an origin (scheme://host[:port])";
        } else if (!secure && !LOOPBACK.contains(URI.create(o).getHost().toLowerCase(Locale.ROOT))) {
            disabled = "publicOrigin " + o + " is plain http on a host other than this machine: a session cookie"
                    + " would travel unencrypted (use https)";
        } else {
            disabled = null;
        }
        if (disabled != null) {
            LOG.warn("Browser sessions are off: {}", disabled);
        }
    }

    @Override
    public String publicOrigin() {
        return origin;
    }

    /** {@code __Host-} (no Domain, Path=/, Secure: no subdomain can set or shadow it) where https allows it. */
    String cookieName() {
        return secure ? "__Host-telehub_session" : "telehub_session";
    }

    /**
     * The Set-Cookie value of a new session. No Max-Age: the browser forgets it when it closes; the hub ends it
     * anyway after the idle time or the lifetime. Written by hand: JAX-RS 2.1's NewCookie knows no SameSite.
     */
    String setCookie(String session) {
        return cookieName() + "=" + session + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    String clearCookie() {
        return cookieName() + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** Whether the configured origin allows browser sessions. */
    boolean enabled() {
        return disabled == null;
    }

    /** @throws UnavailableException when the configured origin does not allow browser sessions */
    void requireEnabled() {
        if (disabled != null) {
            throw new UnavailableException("Browser sessions are off: " + disabled);
        }
    }

    /** The session secret in a {@code Cookie} header, if any. */
    Optional<String> sessionFrom(String cookieHeader) {
        if (cookieHeader == null) {
            return Optional.empty();
        }
        for (String part : cookieHeader.split("[;,]")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equals(cookieName())) {
                String v = p.substring(eq + 1).trim();
                return v.isEmpty() ? Optional.empty() : Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** The CSRF token that goes with a session: the web app gets it at login and from GET /auth/session. */
    static String csrfToken(String session) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(("telehub-csrf:" + session).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A request must come from the public origin: {@code Origin} if the browser sent one (every current browser
     * does on a POST, PUT, PATCH or DELETE, same-origin included), else {@code Sec-Fetch-Site} must say
     * same-origin. Neither header: not a browser (or a very old one); the CSRF token still has to match.
     *
     * @throws ForbiddenException naming the foreign origin or site
     */
    void checkOrigin(String originHeader, String secFetchSite) {
        if (originHeader != null) {
            if (!originHeader.equalsIgnoreCase(origin)) {
                throw new ForbiddenException("Cross-site request refused: Origin " + fit(originHeader)
                        + " is not " + origin);
            }
        } else if (secFetchSite != null && !secFetchSite.equalsIgnoreCase("same-origin")) {
            throw new ForbiddenException("Cross-site request refused: Sec-Fetch-Site is " + fit(secFetchSite));
        }
    }

    /**
     * The checks of a request authenticated by the session cookie: none for safe methods (they change nothing);
     * for the others the origin and the session's CSRF token.
     *
     * @throws ForbiddenException naming what is missing or foreign
     */
    void checkCookieRequest(String method, String originHeader, String secFetchSite, String csrfHeader,
            String session) {
        if (SAFE.contains(method.toUpperCase(Locale.ROOT))) {
            return;
        }
        checkOrigin(originHeader, secFetchSite);
        if (csrfHeader == null || csrfHeader.isEmpty()) {
            throw new ForbiddenException("Cross-site request refused: a request authenticated by the session cookie"
                    + " must send the header " + CSRF_HEADER + " (from the login answer or GET /auth/session)");
        }
        if (!MessageDigest.isEqual(csrfHeader.getBytes(StandardCharsets.UTF_8),
                csrfToken(session).getBytes(StandardCharsets.UTF_8))) {
            throw new ForbiddenException("Cross-site request refused: " + CSRF_HEADER + " is not this session's");
        }
    }

    @Override
    public AuthenticatedUser admitHandshake(String originHeader, String cookieHeader, String authorization) {
        if (authorization != null && !authorization.isBlank()) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new NotAuthenticatedException("The Authorization header must use the Bearer scheme");
            }
            String bearer = authorization.substring(7).trim();
            if (DbVisitIdentities.looksLikeVisitToken(bearer)) {
                return (visits == null ? java.util.Optional.<AuthenticatedUser>empty() : visits.check(bearer))
                        .orElseThrow(() -> new NotAuthenticatedException("Not authenticated: the visit identity is"
                                + " unknown, expired or revoked"));
            }
            return principal(accounts.check(bearer, UserStore.Kind.BEARER));
        }
        String session = sessionFrom(cookieHeader).orElseThrow(() -> new NotAuthenticatedException(
                "Authentication required: a session cookie or 'Authorization: Bearer <token>'"));
        requireEnabled();
        if (originHeader == null || !originHeader.equalsIgnoreCase(origin)) {
            throw new ForbiddenException("WebSocket refused: Origin " + (originHeader == null ? "missing"
                    : fit(originHeader)) + " is not " + origin);
        }
        return principal(accounts.check(session, UserStore.Kind.SESSION));
    }

    /** The caller of a valid token; as on REST, a role that needs a second factor must have set one up first. */
    private AuthenticatedUser principal(UserStore.TokenCheck check) {
        if (check instanceof UserStore.TokenCheck.Invalid invalid) {
            throw new NotAuthenticatedException("Not authenticated: " + invalid.reason());
        }
        UserStore.TokenCheck.Valid valid = (UserStore.TokenCheck.Valid) check;
        AuthenticatedUser user = valid.user().principal();
        if (!valid.byProvider() && accounts.mustEnrol(user)) {
            throw new ForbiddenException("Your role requires a second factor: set one up first");
        }
        return user;
    }

    /** {@code scheme://host[:port]} lower-cased, default port left out (as browsers send Origin); null if not one. */
    static String normalise(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            URI u = new URI(url.trim());
            String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
            if (!"http".equals(scheme) && !"https".equals(scheme) || u.getHost() == null
                    || u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null
                    || u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")) {
                return null;
            }
            int port = u.getPort();
            boolean dflt = port == -1 || "http".equals(scheme) && port == 80 || "https".equals(scheme) && port == 443;
            return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (dflt ? "" : ":" + port);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String fit(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 100 ? clean : clean.substring(0, 99) + "…";
    }
}
