package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;

/**
 * How browsers authenticate (issue 15), over real HTTP against the distribution: the session cookie's attributes
 * as Jetty sends them, cross-site writes refused before they write, same-origin writes working, logout everywhere
 * and account administration taking effect at once on the node that did them (inside its 5 s token cache).
 * The idle timeout and lifetime are proven on a moved clock in {@code SessionsTest} (waiting 30 min here would not
 * prove more).
 */
class SessionIT {
    private static final String ADMIN_PASSWORD = "session-admin-secret";
    private static final String PW = "bigger-on-the-inside";
    private static final String EVIL = "https://evil.example";
    private static final String SMTP_PASSWORD = "session-smtp-Pa55";
    private static GreenMail mail;
    private static KarafInstance karaf;
    private static String origin;
    private static String admin;

    @BeforeAll
    static void start() throws IOException {
        karaf = KarafInstance.create("session");
        karaf.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=" + ADMIN_PASSWORD);
        // password-reset mails go by the email channel to a real SMTP server (GreenMail on 127.0.0.1), configured as
        // an operator would (EncounterIT does the same), and are read back over IMAP
        mail = KarafInstance.mailServer(SMTP_PASSWORD);
        mail.setUser("amy@example.org", "amy", "amy-imap");
        karaf.sendMailThrough(mail, SMTP_PASSWORD);
        karaf.start();
        origin = "http://127.0.0.1:" + karaf.httpPort;
        admin = karaf.login("admin", ADMIN_PASSWORD);
        for (String u : List.of("dr.who", "dr.river")) {
            HttpResponse<String> r = karaf.post("/api/v1/users", admin, "application/json",
                    "{\"username\":\"" + u + "\",\"roles\":[\"doctor\"],\"password\":\"" + PW + "\"}");
            assertEquals(201, r.statusCode(), r.body());
        }
    }

    @AfterAll
    static void stop() {
        if (karaf != null) {
            karaf.close();
        }
        if (mail != null) {
            mail.stop();
        }
    }

    /**
     * Password reset through the distribution (issue 15): the request is answered 202 alike for an account and for
     * nobody; the mail arrives by the real email channel through the durable work service, in Russian, read over
     * IMAP; its link's secret sets the new password once, ends the old token, and appears in no log.
     */
    @Test
    void aForgottenPasswordIsResetByTheMailedLink() throws Exception {
        HttpResponse<String> created = karaf.post("/api/v1/users", admin, "application/json",
                "{\"username\":\"amy.pond\",\"roles\":[\"patient\"],\"password\":\"" + PW
                        + "\",\"email\":\"amy@example.org\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("amy@example.org", KarafInstance.json(created).get("email").asText());
        String old = karaf.login("amy.pond", PW);
        assertEquals("amy@example.org", KarafInstance.json(karaf.get("/api/v1/users/me", old)).get("email").asText());

        HttpResponse<String> asked = karaf.post("/api/v1/auth/password-reset", null, "application/json",
                "{\"username\":\"amy.pond\",\"language\":\"ru\"}");
        HttpResponse<String> nobody = karaf.post("/api/v1/auth/password-reset", null, "application/json",
                "{\"username\":\"nobody.at.all\",\"language\":\"ru\"}");
        assertEquals(202, asked.statusCode(), asked.body());
        assertEquals(202, nobody.statusCode(), nobody.body());
        assertEquals(asked.body(), nobody.body(), "no account oracle");

        jakarta.mail.Message[] got = new jakarta.mail.Message[0];
        String text = null;
        jakarta.mail.Store store = jakarta.mail.Session.getInstance(new java.util.Properties()).getStore("imap");
        store.connect("127.0.0.1", mail.getImap().getPort(), "amy", "amy-imap");
        try {
            jakarta.mail.Folder inbox = store.getFolder("INBOX");
            for (long end = System.currentTimeMillis() + 60_000; got.length == 0 && System.currentTimeMillis() < end;) {
                KarafInstance.sleep(500);
                inbox.open(jakarta.mail.Folder.READ_ONLY);
                got = inbox.getMessages();
                if (got.length > 0) {
                    assertEquals("Сброс пароля Telehub", got[0].getSubject());
                    text = (String) ((jakarta.mail.Multipart) got[0].getContent()).getBodyPart(0).getContent();
                }
                inbox.close(false);
            }
        } finally {
            store.close();
        }
        assertEquals(1, got.length, "one mail, and none for the unknown name");
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("/reset-password#token=(thr_[A-Za-z0-9_-]{43})")
                .matcher(text);
        assertTrue(link.find(), text);
        String secret = link.group(1);

        String confirm = "{\"token\":\"" + secret + "\",\"newPassword\":\"the-new-password-7\"}";
        HttpResponse<String> done = karaf.post("/api/v1/auth/password-reset/confirm", null, "application/json",
                confirm);
        assertEquals(200, done.statusCode(), done.body());
        assertEquals(401, karaf.get("/api/v1/users/me", old).statusCode(), "the old token ended");
        karaf.login("amy.pond", "the-new-password-7");
        HttpResponse<String> replay = karaf.post("/api/v1/auth/password-reset/confirm", null, "application/json",
                confirm);
        assertEquals(400, replay.statusCode(), replay.body());
        assertEquals("token", KarafInstance.json(replay).get("field").asText());
        assertTrue(replay.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertEquals(1, count("SELECT COUNT(*) FROM audit_event WHERE action = 'auth.password.reset'"
                + " AND actor = 'amy.pond'"));
        assertFalse(karaf.read("data/log/karaf.log").contains(secret.substring(4)), "the secret is never logged");
        assertFalse(karaf.read("data/log/karaf.log").contains(SMTP_PASSWORD));
    }

    /** A browser login: the cookie and the CSRF token. */
    record Browser(String cookie, String csrf, String setCookie) {
    }

    @Test
    void theSessionCookieIsHttpOnlyStrictAndTheSecretNeverInTheBody() throws Exception {
        HttpResponse<String> r = sessionLogin("dr.who", origin);
        assertEquals(200, r.statusCode(), r.body());
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        String secret = set.substring("telehub_session=".length(), set.indexOf(';'));
        assertTrue(secret.startsWith("ths_"), set);
        // plain http on 127.0.0.1 (development): no Secure (the browser would drop it), so no __Host- either
        assertEquals("telehub_session=" + secret + "; Path=/; HttpOnly; SameSite=Strict", set);
        assertFalse(r.body().contains(secret), "the session secret is for the httpOnly cookie only");
        JsonNode body = KarafInstance.json(r);
        assertEquals("dr.who", body.at("/user/username").asText());
        assertEquals(30, body.get("idleMinutes").asInt());

        Browser b = browser("dr.who");
        HttpResponse<String> me = cookie(HttpRequest.newBuilder(uri("/api/v1/users/me")).GET(), b, null, false);
        assertEquals(200, me.statusCode(), me.body());
        assertEquals("dr.who", KarafInstance.json(me).get("username").asText());
        HttpResponse<String> again = cookie(HttpRequest.newBuilder(uri("/api/v1/auth/session")).GET(), b, null, false);
        assertEquals(b.csrf(), KarafInstance.json(again).get("csrfToken").asText(), "after a reload of the app");
        assertEquals(403, sessionLogin("dr.who", EVIL).statusCode(), "login CSRF: another site's form logging in");
    }

    @Test
    void aCrossSiteWriteIsRefusedAndWritesNothingASameOriginOneWorks() throws Exception {
        Browser b = browser("admin", ADMIN_PASSWORD);
        List<String> refused = new ArrayList<>();
        // foreign Origin with the right token; right Origin without the token; no Origin but Sec-Fetch-Site
        refused.add(check403(createUser(b, EVIL, b.csrf(), null, "mallory.one")));
        refused.add(check403(createUser(b, origin, null, null, "mallory.two")));
        refused.add(check403(createUser(b, origin, "not-the-token", null, "mallory.three")));
        refused.add(check403(createUser(b, null, b.csrf(), "cross-site", "mallory.four")));
        refused.add(check403(createUser(b, "null", b.csrf(), null, "mallory.five")));
        assertEquals(0, count("SELECT COUNT(*) FROM telehub_user WHERE username LIKE 'mallory.%'"),
                "nothing written: " + refused);

        HttpResponse<String> ok = createUser(b, origin, b.csrf(), "same-origin", "nurse.same");
        assertEquals(201, ok.statusCode(), ok.body());
        // an API client's bearer token is never attached by a browser: no CSRF check, whatever the Origin
        HttpResponse<String> api = karaf.send(HttpRequest.newBuilder(uri("/api/v1/users")).header("Origin", EVIL)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"nurse.api\",\"roles\":[\"nurse\"],\"password\":\"" + PW + "\"}")), admin);
        assertEquals(201, api.statusCode(), api.body());
    }

    @Test
    void logoutEverywhereEndsTheOtherSessionsAndBearerTokensAtOnce() throws Exception {
        Browser laptop = browser("dr.river");
        Browser phone = browser("dr.river");
        String api = karaf.login("dr.river", PW);
        // each used once, so each is in this node's 5 s token cache
        assertEquals(200, karaf.get("/api/v1/users/me", api).statusCode());
        assertEquals(200, cookie(HttpRequest.newBuilder(uri("/api/v1/users/me")).GET(), phone, null, false)
                .statusCode());

        HttpResponse<String> r = cookie(HttpRequest.newBuilder(uri("/api/v1/auth/logout-everywhere"))
                .POST(HttpRequest.BodyPublishers.noBody()), laptop, origin, true);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(3, KarafInstance.json(r).get("ended").asInt());
        assertTrue(r.headers().firstValue("Set-Cookie").orElseThrow().contains("Max-Age=0"));
        assertEquals(401, karaf.get("/api/v1/users/me", api).statusCode(), "the bearer token, though cached");
        assertEquals(401, cookie(HttpRequest.newBuilder(uri("/api/v1/users/me")).GET(), phone, null, false)
                .statusCode(), "the other browser, though cached");
        assertEquals(1, count("SELECT COUNT(*) FROM audit_event WHERE action = 'auth.logout.everywhere'"
                + " AND actor = 'dr.river'"));
    }

    @Test
    void anAdministratorDisablesChangesRolesAndItAppliesAtOnce() throws Exception {
        HttpResponse<String> created = karaf.post("/api/v1/users", admin, "application/json",
                "{\"username\":\"dr.song\",\"roles\":[\"doctor\"],\"password\":\"" + PW + "\"}");
        long id = KarafInstance.json(created).get("id").asLong();
        Browser b = browser("dr.song");
        String token = karaf.login("dr.song", PW);
        assertEquals("[\"doctor\"]", KarafInstance.json(karaf.get("/api/v1/users/me", token)).get("roles").toString());

        HttpResponse<String> notYours = karaf.put("/api/v1/users/" + id + "/roles", token, "{\"roles\":[\"admin\"]}");
        assertEquals(403, notYours.statusCode(), notYours.body());
        HttpResponse<String> bad = karaf.put("/api/v1/users/" + id + "/roles", admin, "{\"roles\":[\"janitor\"]}");
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals("roles", KarafInstance.json(bad).get("field").asText());
        HttpResponse<String> roles = karaf.put("/api/v1/users/" + id + "/roles", admin, "{\"roles\":[\"nurse\"]}");
        assertEquals(200, roles.statusCode(), roles.body());
        assertEquals("[\"nurse\"]", KarafInstance.json(karaf.get("/api/v1/users/me", token)).get("roles").toString(),
                "the cached token has the new roles at once");
        assertEquals(1, count("SELECT COUNT(*) FROM audit_event WHERE action = 'user.roles' AND outcome ="
                + " 'dr.song (id " + id + ") roles before [doctor] after [nurse]'"));

        HttpResponse<String> off = karaf.put("/api/v1/users/" + id + "/enabled", admin, "{\"enabled\":false}");
        assertEquals(200, off.statusCode(), off.body());
        assertEquals(401, karaf.get("/api/v1/users/me", token).statusCode());
        assertEquals(401, cookie(HttpRequest.newBuilder(uri("/api/v1/users/me")).GET(), b, null, false).statusCode());
        assertEquals(401, sessionLogin("dr.song", origin).statusCode(), "a disabled account cannot log in");
        assertEquals(400, karaf.put("/api/v1/users/" + id + "/enabled", admin, "{}").statusCode());
        assertEquals(200, karaf.put("/api/v1/users/" + id + "/enabled", admin, "{\"enabled\":true}").statusCode());
        assertEquals(200, sessionLogin("dr.song", origin).statusCode());
    }

    @Test
    void loggingOutEndsThisSessionAndClearsTheCookie() throws Exception {
        Browser b = browser("dr.who");
        HttpResponse<String> r = cookie(HttpRequest.newBuilder(uri("/api/v1/auth/session")).DELETE(), b, origin, true);
        assertEquals(204, r.statusCode(), r.body());
        assertEquals("telehub_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict",
                r.headers().firstValue("Set-Cookie").orElseThrow());
        assertEquals(401, cookie(HttpRequest.newBuilder(uri("/api/v1/users/me")).GET(), b, null, false).statusCode());
    }

    private static String check403(HttpResponse<String> r) {
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        return r.body();
    }

    private static HttpResponse<String> createUser(Browser b, String from, String csrf, String fetchSite,
            String username) throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri("/api/v1/users")).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + username
                        + "\",\"roles\":[\"nurse\"],\"password\":\"" + PW + "\"}"));
        if (from != null) {
            req.header("Origin", from);
        }
        if (csrf != null) {
            req.header("X-CSRF-Token", csrf);
        }
        if (fetchSite != null) {
            req.header("Sec-Fetch-Site", fetchSite);
        }
        return karaf.send(req.header("Cookie", b.cookie()), null);
    }

    /** A request as the browser sends it: the cookie, and for writes the Origin and the CSRF token. */
    private static HttpResponse<String> cookie(HttpRequest.Builder req, Browser b, String from, boolean csrf)
            throws IOException {
        req.header("Cookie", b.cookie());
        if (from != null) {
            req.header("Origin", from);
        }
        if (csrf) {
            req.header("X-CSRF-Token", b.csrf());
        }
        return karaf.send(req, null);
    }

    private static Browser browser(String user) throws IOException {
        return browser(user, PW);
    }

    private static Browser browser(String user, String password) throws IOException {
        HttpResponse<String> r = sessionLogin(user, password, origin);
        assertEquals(200, r.statusCode(), r.body());
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        return new Browser(set.substring(0, set.indexOf(';')), KarafInstance.json(r).get("csrfToken").asText(), set);
    }

    private static HttpResponse<String> sessionLogin(String user, String from) throws IOException {
        return sessionLogin(user, PW, from);
    }

    private static HttpResponse<String> sessionLogin(String user, String password, String from) throws IOException {
        return karaf.send(HttpRequest.newBuilder(uri("/api/v1/auth/session")).header("Origin", from)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}")), null);
    }

    private static URI uri(String path) {
        return URI.create(karaf.url(path));
    }

    private static long count(String sql) throws Exception {
        try (Connection c = karaf.db(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
