package org.telehub.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telehub.persistence.Database;
import org.telehub.testing.keycloak.Keycloak;
import org.telehub.testing.keycloak.TestKeys;

/**
 * Access tokens of a real identity provider (Keycloak, password grant standing in for the browser's sign-in) accepted
 * as bearer tokens by {@link Accounts#check}, linked to Telehub accounts, with roles mapped from the provider's; and
 * every token the hub must refuse: another issuer's, a forged signature, {@code alg: none}, an HMAC signed with the
 * provider's public key, another audience, expired, no linked or a disabled account, no mapped role. Before issue 15
 * any such token was "invalid bearer token" and a provider's sign-in could not reach the API at all.
 */
class OidcTokensTest {
    private static final TestKeys FORGER = TestKeys.rsa("forger-1");
    private static Keycloak keycloak;
    /** A second issuer on 127.0.0.1 serving its own keys, to sign tokens Keycloak would never sign. */
    private static HttpServer other;
    private static final TestKeys OTHER_KEYS = TestKeys.rsa("other-1");

    private static final Accounts.Source API = new Accounts.Source("api", "192.0.2.1");

    @BeforeAll
    static void start() throws Exception {
        keycloak = Keycloak.start(Path.of("target", "keycloak-oidc"), List.of(), new Keycloak.Login("telehub-web",
                "telehub", List.of("http://127.0.0.1/*"), List.of(
                        new Keycloak.User("dr.kc", "kc-doctor-pass", null, List.of("clinic-doctors")),
                        new Keycloak.User("admin.north", "kc-admin-pass", null, List.of("north-admins")),
                        new Keycloak.User("pat.kc", "kc-patient-pass", null, List.of()),
                        new Keycloak.User("stranger", "kc-stranger-pass", null, List.of("clinic-doctors")))));
        other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/certs", x -> {
            byte[] body = OTHER_KEYS.jwksJson().getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        other.start();
    }

    @AfterAll
    static void stop() {
        if (keycloak != null) {
            keycloak.close();
        }
        if (other != null) {
            other.stop(0);
        }
    }

    @Test
    void aProvidersTokenReachesTheApiAsTheLinkedAccountWithMappedRoles() throws Exception {
        Accounts accounts = accounts(oidc(keycloak.issuer(), "",
                "clinic-doctors=doctor, north-admins=clinic-admin:north"));
        accounts.create("dr.kc", "Dr KC", Set.of("nurse"), "local-password-1".toCharArray());
        accounts.create("admin.north", "North admin", Set.of("doctor"), "local-password-2".toCharArray());
        accounts.create("pat.kc", "Patient KC", Set.of("patient"), "local-password-3".toCharArray());

        UserStore.TokenCheck dr = accounts.check(keycloak.passwordToken("telehub-web", "dr.kc", "kc-doctor-pass"));
        UserAccount user = assertInstanceOf(UserStore.TokenCheck.Valid.class, dr).user();
        assertEquals("dr.kc", user.username());
        assertEquals(Set.of("doctor"), user.roles(), "the provider decides the roles, not the stored 'nurse'");
        assertEquals(Set.of("clinic-admin:north"), ((UserStore.TokenCheck.Valid) accounts.check(keycloak
                .passwordToken("telehub-web", "admin.north", "kc-admin-pass"))).user().roles());

        assertInvalid(accounts.check(keycloak.passwordToken("telehub-web", "pat.kc", "kc-patient-pass")),
                "no telehub role");
        assertInvalid(accounts.check(keycloak.passwordToken("telehub-web", "stranger", "kc-stranger-pass")),
                "no enabled telehub account");

        // without a mapping the provider only authenticates: the account's own roles apply
        Accounts own = node(oidc(keycloak.issuer(), "", ""));
        assertEquals(Set.of("patient"), ((UserStore.TokenCheck.Valid) own.check(keycloak.passwordToken("telehub-web",
                "pat.kc", "kc-patient-pass"))).user().roles());

        // a disabled account is refused (here on a fresh node: no cached check)
        String token = keycloak.passwordToken("telehub-web", "dr.kc", "kc-doctor-pass");
        database.jdbi().useHandle(h -> h.execute("UPDATE telehub_user SET enabled = false WHERE username = 'dr.kc'"));
        assertInvalid(node(oidc(keycloak.issuer(), "", "clinic-doctors=doctor")).check(token),
                "no enabled telehub account");
    }

    @Test
    void tokensTheHubMustRefuse() throws Exception {
        Accounts accounts = accounts(oidc(keycloak.issuer(), "", "clinic-doctors=doctor"));
        accounts.create("dr.kc", "Dr KC", Set.of("doctor"), "local-password-1".toCharArray());
        String good = keycloak.passwordToken("telehub-web", "dr.kc", "kc-doctor-pass");
        assertInstanceOf(UserStore.TokenCheck.Valid.class, accounts.check(good));

        Map<String, Object> claims = claims(keycloak.issuer(), "telehub", Instant.now().plusSeconds(300));
        // Keycloak's issuer and key id, signed with another key
        TestKeys forged = FORGER.withKid(header(good).replaceAll(".*\"kid\":\"([^\"]+)\".*", "$1"));
        assertInvalid(accounts.check(forged.jwt("RS256", claims)), "refused");
        // alg none, and HS256 keyed with nothing the hub knows
        String[] parts = good.split("\\.");
        assertInvalid(accounts.check(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + "."),
                "not a well-formed signed token");
        assertInvalid(accounts.check(b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + parts[1] + "." + parts[2]),
                "refused");
        // a payload changed after signing
        String changed = parts[0] + "." + b64(new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
                StandardCharsets.UTF_8).replace("dr.kc", "admin")) + "." + parts[2];
        assertInvalid(accounts.check(changed), "refused");
        assertInvalid(accounts.check("not.a.token"), "not a well-formed");

        // a provider whose keys the hub trusts (configured as issuer), but: another audience, expired, another iss
        String otherIssuer = "http://127.0.0.1:" + other.getAddress().getPort();
        Accounts second = node(oidc(otherIssuer, otherIssuer + "/certs", "clinic-doctors=doctor"));
        Map<String, Object> ok = claims(otherIssuer, "telehub", Instant.now().plusSeconds(300));
        assertInstanceOf(UserStore.TokenCheck.Valid.class, second.check(OTHER_KEYS.jwt(ok)));
        Map<String, Object> audience = claims(otherIssuer, "another-app", Instant.now().plusSeconds(300));
        assertInvalid(second.check(OTHER_KEYS.jwt(audience)), "audience");
        Map<String, Object> expired = claims(otherIssuer, "telehub", Instant.now().minusSeconds(120));
        assertInvalid(second.check(OTHER_KEYS.jwt(expired)), "expired");
        assertInvalid(second.check(OTHER_KEYS.jwt(claims(keycloak.issuer(), "telehub",
                Instant.now().plusSeconds(300)))), "iss");
        // Keycloak's genuine token at a hub that trusts the other issuer
        assertInvalid(second.check(good), "refused");
        // the hub's own tokens still work beside them
        assertTrue(accounts.login("dr.kc", "local-password-1".toCharArray(), API).isPresent());
    }

    /**
     * A provider whose discovery fails (here: 500) is asked once per {@link OidcTokens#RETRY_DISCOVERY}, not once
     * per token: while it is down, a flood of token-shaped requests neither waits for its timeouts nor hits it.
     */
    @Test
    void aFailedDiscoveryIsNotRetriedPerToken() throws Exception {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer down = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        down.createContext("/", x -> {
            asked.incrementAndGet();
            x.sendResponseHeaders(500, -1);
            x.close();
        });
        down.start();
        try {
            String issuer = "http://127.0.0.1:" + down.getAddress().getPort() + "/realms/x";
            Accounts accounts = accounts(oidc(issuer, "", "clinic-doctors=doctor"));
            String token = OTHER_KEYS.jwt(claims(issuer, "telehub", Instant.now().plusSeconds(300)));
            for (int i = 0; i < 5; i++) {
                assertInvalid(accounts.check(token), "keys could not be read");
            }
            assertEquals(1, asked.get(), "the provider was asked once");
        } finally {
            down.stop(0);
        }
    }

    @Test
    void aRoleMappingToNoTelehubRoleIsAConfigurationError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OidcTokens.mapping(new String[] {"clinic-doctors=surgeon"}));
        assertTrue(e.getMessage().startsWith("roleMapping"), e.getMessage());
        assertEquals(Map.of("a", Set.of("doctor", "nurse")), OidcTokens.mapping(new String[] {"a=doctor, a=nurse"}));
    }

    // ---- helpers

    private Database database;

    /** A hub on a new database. */
    private Accounts accounts(OidcTokens oidc) {
        database = AccountsTest.database();
        return node(oidc);
    }

    /** Another node on the same database (its own token cache). */
    private Accounts node(OidcTokens oidc) {
        Accounts a = new Accounts(database, AccountsTest.config("admin-secret-0001"), false);
        a.oidc = oidc;
        return a;
    }

    private static void assertInvalid(UserStore.TokenCheck check, String reasonPart) {
        UserStore.TokenCheck.Invalid invalid = assertInstanceOf(UserStore.TokenCheck.Invalid.class, check);
        assertTrue(invalid.reason().toLowerCase(java.util.Locale.ROOT).contains(reasonPart), invalid.reason());
    }

    private static Map<String, Object> claims(String iss, String aud, Instant exp) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", iss);
        c.put("aud", aud);
        c.put("sub", "0f0f-dr");
        c.put("preferred_username", "dr.kc");
        c.put("realm_access", Map.of("roles", List.of("clinic-doctors")));
        c.put("iat", exp.getEpochSecond() - 300);
        c.put("exp", exp.getEpochSecond());
        return c;
    }

    private static String header(String jwt) {
        return new String(java.util.Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))),
                StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static OidcTokens oidc(String issuer, String jwksUrl, String mapping) {
        return oidc(issuer, jwksUrl, mapping, "", "");
    }

    /** The provider's settings as Config Admin would give them (also OidcLoginTest's, with a web client). */
    static OidcTokens oidc(String issuer, String jwksUrl, String mapping, String clientId, String clientSecret) {
        return new OidcTokens(new OidcConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return OidcConfig.class;
            }

            @Override
            public String issuer() {
                return issuer;
            }

            @Override
            public String audience() {
                return "telehub";
            }

            @Override
            public String jwksUrl() {
                return jwksUrl;
            }

            @Override
            public String linkClaim() {
                return "preferred_username";
            }

            @Override
            public String rolesClaim() {
                return "realm_access.roles";
            }

            @Override
            public String[] roleMapping() {
                return new String[] {mapping};
            }

            @Override
            public String clientId() {
                return clientId;
            }

            @Override
            public String clientSecret() {
                return clientSecret;
            }

            @Override
            public String loginLabel() {
                return "Sign in with the clinic account";
            }

            @Override
            public String scopes() {
                return "openid";
            }

            @Override
            public int clockSkewSeconds() {
                return 60;
            }
        });
    }
}
