package org.telehub.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.core.Cookie;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.Response;

import com.nimbusds.jose.proc.BadJOSEException;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.persistence.Database;
import org.telehub.testing.keycloak.Keycloak;
import org.telehub.testing.keycloak.TestKeys;

/**
 * The browser's sign-in through a real Keycloak by the authorization code flow with PKCE, the hub's side in-process
 * (the resource's methods and {@link OidcLogin} on a real PostgreSQL) and Keycloak's side through its own login
 * pages ({@link Keycloak#signIn}: a Java HttpClient with a cookie jar, the login form posted as a browser would). In
 * process rather than in the container: every refusal needs its own browser state (cookies, a second attempt, a
 * moved clock) which a test drives far more directly here, and the container's wiring of the same resource is what
 * the access matrix (IntegrationIT) checks. Before issue 15 part 3 there was no browser sign-in through a provider.
 */
class OidcLoginTest {
    /** The hub's public origin: the redirect URI is {@code http://127.0.0.1/api/v1/auth/oidc/callback}. */
    private static final String ORIGIN = "http://127.0.0.1";
    private static final String ADDRESS = "192.0.2.7";
    /** The confidential client's secret; with "&", ":" and "%" that RFC 6749's form-encoding before Basic must keep. */
    private static final String SECRET = "s3cret:&%+with-odd characters";
    private static Keycloak keycloak;

    private Database database;
    private Accounts accounts;
    private BrowserGuard browser;
    private MutableClock clock;
    private OidcLogin login;
    private OidcLoginResource resource;

    @BeforeAll
    static void start() throws Exception {
        keycloak = Keycloak.start(Path.of("target", "keycloak-oidc-login"), List.of(), new Keycloak.Login(
                "telehub-web", "telehub", List.of(ORIGIN + OidcLogin.CALLBACK), List.of(
                        new Keycloak.User("dr.kc", "kc-doctor-pass", null, List.of("clinic-doctors")),
                        new Keycloak.User("nurse.off", "kc-nurse-pass", null, List.of("clinic-doctors")),
                        new Keycloak.User("stranger", "kc-stranger-pass", null, List.of("clinic-doctors"))))
                .withConfidentialClient(SECRET));
    }

    @AfterAll
    static void stop() {
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @BeforeEach
    void hub() {
        database = AccountsTest.database();
        accounts = new Accounts(database, AccountsTest.config("admin-secret-0001", 5, 10, 1,
                new String[] {"doctor"}), false);
        accounts.oidc = oidc(keycloak.issuer(), "", "telehub-web");
        accounts.create("dr.kc", "Dr KC", Set.of("nurse"), "local-password-1".toCharArray());
        accounts.create("nurse.off", "Nurse Off", Set.of("nurse"), "local-password-2".toCharArray());
        browser = new BrowserGuard(accounts, ORIGIN);
        clock = new MutableClock(Instant.now());
        login = new OidcLogin(database, accounts, browser, accounts.oidc, clock);
        resource = new OidcLoginResource(login, browser);
    }

    @Test
    void aPersonSignsInThroughKeycloaksPagesAndGetsABrowserSessionWithTheMappedRoles() throws Exception {
        Response started = resource.login("/visits/7?tab=notes");
        assertEquals(302, started.getStatus());
        URI authorize = started.getLocation();
        Map<String, String> asked = query(authorize);
        assertTrue(authorize.toString().startsWith(keycloak.issuer() + "/protocol/openid-connect/auth?"), authorize
                .toString());
        assertEquals("code", asked.get("response_type"));
        assertEquals("telehub-web", asked.get("client_id"));
        assertEquals(ORIGIN + "/api/v1/auth/oidc/callback", asked.get("redirect_uri"));
        assertEquals("S256", asked.get("code_challenge_method"));
        assertEquals("openid", asked.get("scope"));
        String binding = cookie(started, "telehub_oidc");
        assertEquals(OidcLogin.challenge(binding), asked.get("code_challenge"), "the cookie is the PKCE verifier");
        String setCookie = setCookies(started).get(0);
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax")
                && setCookie.contains("Max-Age=600") && setCookie.contains("Path=/"), setCookie);
        // the database holds the state's hash and the challenge, never the state or the verifier
        Map<String, Object> row = database.jdbi().withHandle(h -> h.createQuery("SELECT * FROM auth_oidc_login")
                .mapToMap().one());
        assertEquals(UserStore.digest(asked.get("state")), row.get("state_hash"));
        assertFalse(row.values().stream().anyMatch(v -> asked.get("state").equals(v) || binding.equals(v)));

        URI back = keycloak.signIn(authorize.toString(), "dr.kc", "kc-doctor-pass");
        assertTrue(back.toString().startsWith(ORIGIN + OidcLogin.CALLBACK + "?"), back.toString());
        Map<String, String> got = query(back);
        assertEquals(asked.get("state"), got.get("state"));

        Response done = callback(got.get("code"), got.get("state"), null, binding);
        assertEquals(302, done.getStatus());
        assertEquals(ORIGIN + "/visits/7?tab=notes", done.getLocation().toString());
        String session = cookie(done, "telehub_session");
        assertTrue(setCookies(done).stream().anyMatch(c -> c.startsWith("telehub_session=ths_")
                && c.contains("HttpOnly") && c.contains("SameSite=Strict")), setCookies(done).toString());
        assertTrue(setCookies(done).stream().anyMatch(c -> c.startsWith("telehub_oidc=;") && c.contains("Max-Age=0")),
                "the binding cookie is cleared: " + setCookies(done));

        // the session is the linked account with the provider's roles (doctor), not the stored nurse; and no local
        // second factor is asked although doctors must have one (the provider decides its factors)
        UserStore.TokenCheck.Valid v = assertInstanceOf(UserStore.TokenCheck.Valid.class,
                accounts.check(session, UserStore.Kind.SESSION));
        assertEquals("dr.kc", v.user().username());
        assertEquals(Set.of("doctor"), v.user().roles());
        assertTrue(v.byProvider());
        assertTrue(accounts.mustEnrol(v.user().principal()), "a password login of a doctor would have to enrol");
        UsersResource.UserView me = new UsersResource(accounts).me(new AuthFilter.TokenSecurityContext(
                v.user().principal(), false, AuthFilter.SESSION));
        assertEquals("dr.kc", me.username());
        assertEquals(Set.of("doctor"), me.roles());
        // on another node too (the roles are the session's, in the database)
        Accounts other = new Accounts(database, AccountsTest.config("admin-secret-0001"), false);
        assertEquals(Set.of("doctor"), ((UserStore.TokenCheck.Valid) other.check(session, UserStore.Kind.SESSION))
                .user().roles());
        assertEquals(1, audits("auth.login", "oidc from " + ADDRESS));

        // the same callback again: the attempt is spent
        Response replay = callback(got.get("code"), got.get("state"), null, binding);
        assertRefused(replay, "invalid_state", "already used");
        assertEquals(1, sessions(), "no second session");

        // logging out ends it like any browser session
        accounts.logout(session, UserStore.Kind.SESSION);
        assertInstanceOf(UserStore.TokenCheck.Invalid.class, accounts.check(session, UserStore.Kind.SESSION));
    }

    @Test
    void refusedCallbacksStartNoSessionAndAreAudited() throws Exception {
        // no binding cookie (a link sent to another browser): refused, and the attempt is not burnt by it
        Flow a = signedIn("dr.kc", "kc-doctor-pass");
        assertRefused(callback(a.code, a.state, null, null), "invalid_state", "no binding cookie");
        // another browser's cookie: its own attempt's verifier does not match this state
        Flow b = started();
        assertRefused(callback(a.code, a.state, null, b.binding), "invalid_state", "another browser");
        // a tampered state
        assertRefused(callback(a.code, a.state + "x", null, a.binding), "invalid_state", "unknown state");
        assertEquals(0, sessions());
        // the owner still finishes it
        assertEquals(302, callback(a.code, a.state, null, a.binding).getStatus());
        assertEquals(1, sessions());

        // the authorization code used twice: at a second attempt (its own state and verifier), the token endpoint
        // refuses the spent code (and its challenge is another)
        assertRefused(callback(a.code, b.state, null, b.binding), "failed", "token endpoint refused the code");

        // the provider answers an error: Keycloak's own (prompt=none without a session), and access_denied
        Flow c = started();
        URI none = keycloak.signIn(c.location + "&prompt=none", null, null);
        Map<String, String> q = query(none);
        assertEquals("login_required", q.get("error"));
        assertRefused(callback(null, q.get("state"), q.get("error"), c.binding), "denied", "error=login_required");
        Flow d = started();
        assertRefused(callback(null, d.state, "access_denied", d.binding), "denied", "error=access_denied");

        // a person Keycloak knows and Telehub does not; a disabled account: the same answer
        Flow e = signedIn("stranger", "kc-stranger-pass");
        Response stranger = callback(e.code, e.state, null, e.binding);
        assertRefused(stranger, "denied", "no enabled telehub account");
        database.jdbi().useHandle(h -> h.execute("UPDATE telehub_user SET enabled = false WHERE username = "
                + "'nurse.off'"));
        Flow f = signedIn("nurse.off", "kc-nurse-pass");
        Response disabled = callback(f.code, f.state, null, f.binding);
        assertRefused(disabled, "denied", "no enabled telehub account");
        assertEquals(stranger.getLocation(), disabled.getLocation(), "nothing tells who has an account");
        assertEquals(1, (int) database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM audit_event WHERE action"
                + " = 'auth.login.failed' AND actor = 'stranger'").mapTo(Integer.class).one()));

        // an attempt older than 10 minutes
        Flow g = signedIn("dr.kc", "kc-doctor-pass");
        clock.advance(Duration.ofMinutes(11));
        assertRefused(callback(g.code, g.state, null, g.binding), "expired", "more than 10 min ago");
        assertEquals(1, sessions());
    }

    @Test
    void twoRacingCallbacksSignInOnce() throws Exception {
        Flow a = signedIn("dr.kc", "kc-doctor-pass");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            Callable<OidcLogin.Outcome> finish = () -> {
                go.await();
                return login.finish(a.code, a.state, null, a.binding, ADDRESS);
            };
            List<Future<OidcLogin.Outcome>> both = List.of(pool.submit(finish), pool.submit(finish));
            go.countDown();
            List<OidcLogin.Outcome> outcomes = new ArrayList<>();
            for (Future<OidcLogin.Outcome> f : both) {
                outcomes.add(f.get());
            }
            assertEquals(1, outcomes.stream().filter(o -> o instanceof OidcLogin.SignedIn).count(), outcomes
                    .toString());
            assertEquals(1, sessions());
        } finally {
            pool.shutdownNow();
        }
    }

    /** A confidential client: the hub sends its secret (HTTP Basic, form-encoded first) with the PKCE verifier. */
    @Test
    void aConfidentialClientSignsInWithItsSecretAndNotWithAnother() throws Exception {
        for (String secret : List.of(SECRET, "not-the-secret")) {
            OidcTokens confidential = oidc(keycloak.issuer(), "", "telehub-web-confidential", secret);
            OidcLogin flow = new OidcLogin(database, accounts, browser, confidential, clock);
            OidcLogin.Start s = flow.start("/");
            Map<String, String> back = query(keycloak.signIn(s.location(), "dr.kc", "kc-doctor-pass"));
            OidcLogin.Outcome outcome = flow.finish(back.get("code"), back.get("state"), null, s.verifier(), ADDRESS);
            if (secret.equals(SECRET)) {
                OidcLogin.SignedIn in = assertInstanceOf(OidcLogin.SignedIn.class, outcome);
                assertEquals(Set.of("doctor"), in.session().user().roles());
            } else {
                OidcLogin.Refusal r = assertInstanceOf(OidcLogin.Refusal.class, outcome);
                assertEquals("failed", r.code());
                assertTrue(r.reason().contains("HTTP 401"), r.reason());
            }
        }
        assertEquals(1, sessions());
    }

    @Test
    void returnToIsAPathOfThisSiteOnly() {
        for (String evil : List.of("https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example",
                "javascript:alert(1)", "evil.example", "/a\r\nSet-Cookie: x=y", "/" + "a".repeat(600))) {
            InvalidException e = assertThrows(InvalidException.class, () -> resource.login(evil), evil);
            assertEquals("returnTo", e.field());
        }
        assertEquals(0, (int) database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM auth_oidc_login")
                .mapTo(Integer.class).one()), "nothing written");
        assertEquals(302, resource.login(null).getStatus());
        assertEquals("/", database.jdbi().withHandle(h -> h.createQuery("SELECT return_to FROM auth_oidc_login")
                .mapTo(String.class).one()), "no returnTo: the start page");
        assertEquals("/visits/%2F%2Fx", OidcLogin.checkReturnTo("/visits/%2F%2Fx"));
    }

    @Test
    void theFlowIsOffWithoutAClientId() {
        OidcTokens apiOnly = oidc(keycloak.issuer(), "", "");
        OidcLoginResource off = new OidcLoginResource(new OidcLogin(database, accounts, browser, apiOnly, clock),
                browser);
        NotFoundException e = assertThrows(NotFoundException.class, () -> off.login("/"));
        assertTrue(e.getMessage().contains("clientId"), e.getMessage());
        assertThrows(NotFoundException.class, () -> off.callback("c", "s", null, headers(null), request()));
        // the sign-in page is told the button is off, and nothing of the configuration
        assertEquals(new OidcLogin.SignInOptions(false, null), off.options());
        // on: the configured words; a plain-http origin of another host switches browser sessions, so the button, off
        assertEquals(new OidcLogin.SignInOptions(true, "Sign in with the clinic account"), resource.options());
        BrowserGuard plainHttp = new BrowserGuard(accounts, "http://clinic.example");
        assertEquals(new OidcLogin.SignInOptions(false, null), new OidcLoginResource(new OidcLogin(database, accounts,
                plainHttp, accounts.oidc, clock), plainHttp).options());
    }

    /**
     * What Keycloak cannot be made to do: an ID token whose nonce is not this sign-in's, or meant for another client,
     * or an access token presented as the ID token. A second provider on 127.0.0.1 with its own keys (discovery,
     * JWKS, a token endpoint answering the token under test) stands in for a provider that misbehaves or for a
     * token swapped in transit.
     */
    @Test
    void idTokensOfAnotherSignInOrAnotherClientAreRefused() throws Exception {
        TestKeys keys = TestKeys.rsa("misbehaving-1");
        String[] answer = new String[1];
        HttpServer provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String issuer = "http://127.0.0.1:" + provider.getAddress().getPort();
        provider.createContext("/.well-known/openid-configuration", x -> send(x, "{\"issuer\":\"" + issuer
                + "\",\"jwks_uri\":\"" + issuer + "/certs\",\"authorization_endpoint\":\"" + issuer
                + "/auth\",\"token_endpoint\":\"" + issuer + "/token\"}"));
        provider.createContext("/certs", x -> send(x, keys.jwksJson()));
        provider.createContext("/token", x -> send(x, "{\"token_type\":\"Bearer\",\"access_token\":\"x\","
                + "\"id_token\":\"" + answer[0] + "\"}"));
        provider.start();
        try {
            OidcTokens tokens = oidc(issuer, "", "telehub-web");
            OidcLogin other = new OidcLogin(database, accounts, browser, tokens, clock);
            for (Map.Entry<String, String> c : Map.of("nonce", "nonce", "aud", "audience", "typ", "nonce")
                    .entrySet()) {
                OidcLogin.Start s = other.start("/");
                Map<String, String> q = query(URI.create(s.location()));
                Map<String, Object> claims = new LinkedHashMap<>(Map.of("iss", issuer, "aud", "telehub-web", "sub",
                        "0f-dr", "preferred_username", "dr.kc", "nonce", q.get("nonce"),
                        "realm_access", Map.of("roles", List.of("clinic-doctors")),
                        "iat", Instant.now().getEpochSecond(), "exp", Instant.now().getEpochSecond() + 300));
                switch (c.getKey()) {
                    case "nonce" -> claims.put("nonce", "another-sign-in");
                    case "aud" -> claims.put("aud", "telehub");
                    default -> claims.remove("nonce"); // an access token: no nonce
                }
                answer[0] = keys.jwt(claims);
                OidcLogin.Refusal r = assertInstanceOf(OidcLogin.Refusal.class, other.finish("code", q.get("state"),
                        null, s.verifier(), ADDRESS));
                assertEquals("failed", r.code());
                assertTrue(r.reason().toLowerCase(java.util.Locale.ROOT).contains(c.getValue()), r.reason());
            }
            // the same, well-formed, passes: the refusals above are the nonce's, the audience's
            OidcLogin.Start s = other.start("/");
            Map<String, String> q = query(URI.create(s.location()));
            answer[0] = keys.jwt(Map.of("iss", issuer, "aud", "telehub-web", "sub", "0f-dr", "preferred_username",
                    "dr.kc", "nonce", q.get("nonce"), "realm_access", Map.of("roles", List.of("clinic-doctors")),
                    "iat", Instant.now().getEpochSecond(), "exp", Instant.now().getEpochSecond() + 300));
            assertInstanceOf(OidcLogin.SignedIn.class, other.finish("code", q.get("state"), null, s.verifier(),
                    ADDRESS));
            assertThrows(BadJOSEException.class, () -> tokens.verifyIdToken(answer[0], "another"));
        } finally {
            provider.stop(0);
        }
    }

    // ---- helpers

    /** A started sign-in: the provider's URL, the state in it, the binding cookie; after signing in, the code. */
    private record Flow(String location, String state, String binding, String code) {
    }

    private Flow started() {
        Response r = resource.login("/");
        return new Flow(r.getLocation().toString(), query(r.getLocation()).get("state"), cookie(r, "telehub_oidc"),
                null);
    }

    private Flow signedIn(String username, String password) throws Exception {
        Flow f = started();
        Map<String, String> back = query(keycloak.signIn(f.location, username, password));
        assertEquals(f.state, back.get("state"));
        return new Flow(f.location, f.state, f.binding, back.get("code"));
    }

    private Response callback(String code, String state, String error, String binding) {
        return resource.callback(code, state, error, headers(binding), request());
    }

    private void assertRefused(Response r, String code, String reasonPart) {
        assertEquals(302, r.getStatus());
        assertEquals(ORIGIN + "/login?error=" + code, r.getLocation().toString());
        assertTrue(setCookies(r).stream().noneMatch(c -> c.startsWith("telehub_session")), "no session cookie");
        String outcome = database.jdbi().withHandle(h -> h.createQuery("SELECT outcome FROM audit_event WHERE action"
                + " = 'auth.login.failed' ORDER BY id DESC LIMIT 1").mapTo(String.class).one());
        assertTrue(outcome.startsWith("oidc from " + ADDRESS + ": "), outcome);
        assertTrue(outcome.toLowerCase(java.util.Locale.ROOT).contains(reasonPart), outcome);
    }

    private int sessions() {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM auth_token WHERE kind = 'session'")
                .mapTo(Integer.class).one());
    }

    private int audits(String action, String outcomePrefix) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM audit_event WHERE action = :a AND"
                + " outcome LIKE :o").bind("a", action).bind("o", outcomePrefix + "%").mapTo(Integer.class).one());
    }

    private static List<String> setCookies(Response r) {
        return r.getHeaders().get(HttpHeaders.SET_COOKIE).stream().map(String::valueOf).toList();
    }

    private static String cookie(Response r, String name) {
        for (String c : setCookies(r)) {
            if (c.startsWith(name + "=")) {
                return c.substring(name.length() + 1, c.indexOf(';'));
            }
        }
        return null;
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        if (uri.getRawQuery() == null) {
            return out;
        }
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static HttpHeaders headers(String binding) {
        Map<String, Cookie> cookies = binding == null ? Map.of() : Map.of("telehub_oidc",
                new Cookie("telehub_oidc", binding));
        return (HttpHeaders) Proxy.newProxyInstance(OidcLoginTest.class.getClassLoader(),
                new Class<?>[] {HttpHeaders.class}, (p, m, args) -> {
                    if (m.getName().equals("getCookies")) {
                        return cookies;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    private static HttpServletRequest request() {
        return (HttpServletRequest) Proxy.newProxyInstance(OidcLoginTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, args) -> {
                    if (m.getName().equals("getRemoteAddr")) {
                        return ADDRESS;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    private static void send(com.sun.net.httpserver.HttpExchange x, String json) throws java.io.IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(200, body.length);
        x.getResponseBody().write(body);
        x.close();
    }

    static OidcTokens oidc(String issuer, String jwksUrl, String clientId) {
        return oidc(issuer, jwksUrl, clientId, "");
    }

    static OidcTokens oidc(String issuer, String jwksUrl, String clientId, String clientSecret) {
        return OidcTokensTest.oidc(issuer, jwksUrl, "clinic-doctors=doctor", clientId, clientSecret);
    }
}
