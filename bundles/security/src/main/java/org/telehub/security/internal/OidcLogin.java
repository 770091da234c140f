package org.telehub.security.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnavailableException;
import org.telehub.persistence.Database;
import org.telehub.rest.RestApi;

/**
 * The browser's sign-in through the OpenID Connect provider: the authorization code flow with PKCE, run by the hub
 * as a backend for the web app, ending in the same session as a password login ({@link Accounts}).
 *
 * <p>{@link #start} keeps the attempt in {@code auth_oidc_login} (any node can finish it): the SHA-256 of a random
 * {@code state}, a random {@code nonce}, the PKCE S256 challenge and where to go afterwards, for
 * {@link #ATTEMPT}. The PKCE verifier is not stored: it is the value of the binding cookie the browser gets
 * ({@code HttpOnly}, {@code SameSite=Lax}: the provider's redirect back is a cross-site top-level GET), so one
 * secret proves both "the browser that started it" at the callback and "the client that asked" at the token
 * endpoint, and a copy of the database cannot redeem an intercepted code. {@link #finish} takes the attempt by a
 * conditional update (spent, unexpired, bound to this cookie: of two racing callbacks one wins), exchanges the code
 * with the verifier, verifies the ID token ({@link OidcTokens#verifyIdToken}, nonce included), links it to an
 * account with the mapping the provider's access tokens use ({@link OidcTokens#link}) and starts the session. Every
 * refusal is audited ({@code auth.login.failed}, channel {@code oidc}, the reason) and answered with a short code
 * only ({@link Refusal#code}), which never tells whether an account exists.
 */
@Component(service = OidcLogin.class)
public class OidcLogin {
    private static final Logger LOG = LoggerFactory.getLogger(OidcLogin.class);
    static final Duration ATTEMPT = Duration.ofMinutes(10);
    static final String CALLBACK = RestApi.BASE + "/auth/oidc/callback";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(10);
    private static final int SIZE_LIMIT = 256 * 1024;

    private final Database database;
    private final Accounts accounts;
    private final BrowserGuard browser;
    private final OidcTokens oidc;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @Activate
    public OidcLogin(@Reference Database database, @Reference Accounts accounts, @Reference BrowserGuard browser,
            @Reference OidcTokens oidc) {
        this(database, accounts, browser, oidc, Clock.systemUTC());
    }

    OidcLogin(Database database, Accounts accounts, BrowserGuard browser, OidcTokens oidc, Clock clock) {
        this.database = database;
        this.accounts = accounts;
        this.browser = browser;
        this.oidc = oidc;
        this.clock = clock;
    }

    /**
     * A started sign-in.
     *
     * @param location the provider's authorization URL to send the browser to
     * @param verifier the PKCE verifier: the value of the binding cookie, nowhere else
     */
    record Start(String location, String verifier) {
    }

    /**
     * What the sign-in page offers: whether the browser sign-in through the provider is on (configured, and browser
     * sessions possible at this origin) and the button's configured words. Nothing else of the configuration.
     */
    public record SignInOptions(boolean enabled, String label) {
    }

    SignInOptions options() {
        boolean on = oidc.loginEnabled() && browser.enabled();
        return new SignInOptions(on, on && !oidc.loginLabel().isEmpty() ? oidc.loginLabel() : null);
    }

    /** Why a sign-in is not possible now: 404 off, 503 browser sessions off. */
    void requireEnabled() {
        if (!oidc.loginEnabled()) {
            throw new NotFoundException("Sign-in through an identity provider is off: set issuer and clientId in "
                    + "org.telehub.security.oidc");
        }
        browser.requireEnabled();
    }

    /**
     * Starts a sign-in: the attempt stored, the URL of the provider's authorization endpoint to send the browser to.
     *
     * @param returnTo a path of this origin to go to afterwards (null: {@code /})
     * @throws InvalidException naming {@code returnTo} for anything but a same-origin path (an open redirect)
     * @throws UnavailableException when the provider's discovery document cannot be read
     */
    Start start(String returnTo) {
        requireEnabled();
        String target = returnTo == null || returnTo.isEmpty() ? "/" : checkReturnTo(returnTo);
        OidcTokens.Provider provider;
        try {
            provider = oidc.provider();
        } catch (IOException e) {
            throw new UnavailableException("The identity provider cannot be reached: " + e.getMessage());
        }
        String state = random();
        String nonce = random();
        String verifier = random();
        Instant now = clock.instant();
        database.jdbi().useTransaction(h -> {
            h.createUpdate("DELETE FROM auth_oidc_login WHERE expires_at < :old")
                    .bind("old", Timestamp.from(now.minus(Duration.ofDays(1)))).execute();
            h.createUpdate("INSERT INTO auth_oidc_login (state_hash, code_challenge, nonce, return_to, created_at,"
                    + " expires_at) VALUES (:s, :c, :n, :r, :now, :exp)")
                    .bind("s", UserStore.digest(state)).bind("c", challenge(verifier)).bind("n", nonce)
                    .bind("r", target).bind("now", Timestamp.from(now)).bind("exp", Timestamp.from(now.plus(ATTEMPT)))
                    .execute();
        });
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", oidc.clientId());
        query.put("redirect_uri", redirectUri());
        query.put("scope", oidc.scopes());
        query.put("state", state);
        query.put("nonce", nonce);
        query.put("code_challenge", challenge(verifier));
        query.put("code_challenge_method", "S256");
        String endpoint = provider.authorizationEndpoint();
        return new Start(endpoint + (endpoint.contains("?") ? "&" : "?") + form(query), verifier);
    }

    /** {@code <publicOrigin>/api/v1/auth/oidc/callback}, as registered at the provider. */
    String redirectUri() {
        return browser.publicOrigin() + CALLBACK;
    }

    /**
     * A path of this origin, never another site: it must start with one {@code /} (not {@code //} nor
     * {@code /\}, which browsers read as another host), carry no scheme, authority, backslash or control
     * character, and be at most 512 characters.
     */
    static String checkReturnTo(String returnTo) {
        String why = null;
        if (returnTo.length() > 512) {
            why = "At most 512 characters";
        } else if (!returnTo.startsWith("/") || returnTo.startsWith("//") || returnTo.indexOf('\\') >= 0
                || returnTo.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            why = "A path of this site starting with a single /, e.g. /visits (no other site, no scheme)";
        } else {
            try {
                URI u = new URI(returnTo);
                if (u.getScheme() != null || u.getRawAuthority() != null) {
                    why = "A path of this site, not another site";
                }
            } catch (URISyntaxException e) {
                why = "Not a valid path: " + e.getReason();
            }
        }
        if (why != null) {
            throw new InvalidException("returnTo", why);
        }
        return returnTo;
    }

    /** How a callback ended. */
    sealed interface Outcome {
    }

    /** Signed in: the session for the cookie, the path to go to. */
    record SignedIn(Accounts.Session session, String returnTo) implements Outcome {
    }

    /**
     * Refused.
     *
     * @param code   what the login page is told ({@code /login?error=}): {@code denied} (the provider said no, or
     *               the person may not use Telehub: no enabled account, no role; one code, so nothing tells who has
     *               an account), {@code expired} (start again), {@code invalid_state} (no, a foreign, a replayed
     *               or a tampered attempt), {@code failed} (the code exchange or the ID token failed)
     * @param reason what the audit says
     */
    record Refusal(String code, String reason) implements Outcome {
    }

    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String code;
        final String actor;

        Refused(String code, String reason, String actor) {
            super(reason, null, false, false);
            this.code = code;
            this.actor = actor;
        }
    }

    /**
     * Finishes a sign-in at the provider's redirect back.
     *
     * @param code    the authorization code (absent when the provider answered an error)
     * @param state   the state as it came back
     * @param error   the provider's {@code error}, if any
     * @param binding the binding cookie's value (null: none came)
     * @param address the browser's address, for the audit
     */
    Outcome finish(String code, String state, String error, String binding, String address) {
        requireEnabled();
        Accounts.Source source = new Accounts.Source("oidc", address);
        try {
            return signIn(code, state, error, binding, source);
        } catch (Refused r) {
            audit(r.actor == null ? "unknown" : r.actor, source + ": " + r.getMessage());
            return new Refusal(r.code, r.getMessage());
        }
    }

    private SignedIn signIn(String code, String state, String error, String binding, Accounts.Source source) {
        if (state == null || state.isBlank() || state.length() > 512) {
            throw new Refused("invalid_state", "the provider's redirect carried no state", null);
        }
        if (binding == null || binding.isEmpty() || binding.length() > 256) {
            throw new Refused("invalid_state", "no binding cookie came with the state (the sign-in was started in "
                    + "another browser, or its cookie expired)", null);
        }
        Attempt attempt = spend(UserStore.digest(state), challenge(binding));
        if (error != null) {
            throw new Refused("denied", "the identity provider answered error=" + fit(error), null);
        }
        if (code == null || code.isBlank()) {
            throw new Refused("failed", "the provider's redirect carried no code", null);
        }
        String idToken = exchange(code, binding);
        JWTClaimsSet claims;
        try {
            claims = oidc.verifyIdToken(idToken, attempt.nonce());
        } catch (ParseException e) {
            throw new Refused("failed", "the ID token is not a well-formed signed token", null);
        } catch (BadJOSEException e) {
            throw new Refused("failed", "the ID token was refused: " + e.getMessage(), null);
        } catch (JOSEException | IOException e) {
            throw new Refused("failed", "the identity provider's keys could not be read to check the ID token: "
                    + e.getMessage(), null);
        }
        OidcTokens.Linked linked = oidc.link(claims, accounts::byUsername);
        if (linked.refusal() != null) {
            throw new Refused("denied", linked.refusal(), linked.name());
        }
        Accounts.Session session = accounts.startProviderSession(linked.user(), linked.mappedRoles(), source);
        return new SignedIn(session, attempt.returnTo());
    }

    private record Attempt(String nonce, String returnTo) {
    }

    /**
     * Takes the attempt: one conditional update, so of two racing callbacks one wins. When none is taken, a second
     * read says why (for the audit and the code): unknown, spent, expired or bound to another browser.
     */
    private Attempt spend(String stateHash, String challenge) {
        Instant now = clock.instant();
        return database.jdbi().inTransaction(h -> {
            Optional<Attempt> taken = h.createQuery("UPDATE auth_oidc_login SET spent_at = :now WHERE state_hash = :s"
                    + " AND spent_at IS NULL AND expires_at > :now AND code_challenge = :c RETURNING nonce, return_to")
                    .bind("now", Timestamp.from(now)).bind("s", stateHash).bind("c", challenge)
                    .map((rs, ctx) -> new Attempt(rs.getString("nonce"), rs.getString("return_to"))).findOne();
            if (taken.isPresent()) {
                return taken.get();
            }
            Map<String, Object> row = h.createQuery("SELECT spent_at, expires_at, code_challenge FROM auth_oidc_login"
                    + " WHERE state_hash = :s").bind("s", stateHash).mapToMap().findOne().orElse(null);
            if (row == null) {
                throw new Refused("invalid_state", "unknown state (tampered, forged or long expired)", null);
            }
            if (row.get("spent_at") != null) {
                throw new Refused("invalid_state", "the state was already used (a replayed callback)", null);
            }
            if (!challenge.equals(row.get("code_challenge"))) {
                throw new Refused("invalid_state", "the state belongs to a sign-in another browser started", null);
            }
            throw new Refused("expired", "the sign-in was started more than " + ATTEMPT.toMinutes()
                    + " min ago", null);
        });
    }

    /** The code and the PKCE verifier at the token endpoint; the ID token of the answer. */
    private String exchange(String code, String verifier) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "authorization_code");
        body.put("code", code);
        body.put("redirect_uri", redirectUri());
        body.put("code_verifier", verifier);
        body.put("client_id", oidc.clientId());
        String endpoint;
        try {
            endpoint = oidc.provider().tokenEndpoint();
        } catch (IOException e) {
            throw new Refused("failed", "the identity provider cannot be reached: " + e.getMessage(), null);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint)).timeout(EXCHANGE_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(body)));
        String secret = oidc.clientSecret();
        if (secret != null && !secret.isEmpty()) {
            // RFC 6749 2.3.1: both form-encoded, then Basic
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((enc(oidc.clientId()) + ":"
                    + enc(secret)).getBytes(StandardCharsets.UTF_8)));
        }
        int status;
        Map<String, Object> json;
        try {
            HttpResponse<InputStream> r = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            status = r.statusCode();
            String text;
            try (InputStream in = r.body()) {
                text = new String(in.readNBytes(SIZE_LIMIT), StandardCharsets.UTF_8);
            }
            json = JSONObjectUtils.parse(text);
        } catch (IOException | ParseException e) {
            throw new Refused("failed", "the token endpoint did not answer usable JSON: " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("failed", "interrupted during the code exchange", null);
        }
        if (status != 200) {
            throw new Refused("failed", "the token endpoint refused the code: HTTP " + status + " "
                    + fit(String.valueOf(json.get("error"))), null);
        }
        if (!(json.get("id_token") instanceof String idToken)) {
            throw new Refused("failed", "the token endpoint's answer has no id_token (is openid among the scopes?)",
                    null);
        }
        return idToken;
    }

    private void audit(String actor, String outcome) {
        try {
            database.jdbi().useHandle(h -> DbAuditLog.insert(h, 0, fit(actor), "auth.login.failed", null, List.of(),
                    outcome));
        } catch (RuntimeException e) {
            LOG.error("Cannot write the audit event of a refused sign-in through the identity provider", e);
        }
    }

    /** 256 random bits, base64url: a state, a nonce, a PKCE verifier (43 characters, as RFC 7636 allows). */
    static String random() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** RFC 7636 S256: base64url(SHA-256(verifier)). */
    static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String fit(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 64 ? clean : clean.substring(0, 63) + "…";
    }
}
