package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * HTTPS (issue 16) against the distribution: the self-signed certificate made at the first start, its fingerprint on
 * the console, served by Jetty and kept across a restart; TLS 1.2+ only (checked with openssl, whose client still
 * speaks TLS 1.0/1.1); the session cookie and join links over HTTPS; the redirect; the clinic's keystore (made
 * here with keytool) served instead, with HSTS; a wrong keystore password leaving HTTP up and saying so. One hub, the
 * steps in order (each builds on the one before).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsIT {
    private static final String ADMIN_PASSWORD = "tls-admin-secret-1";
    private static final String CLINIC_PASSWORD = "clinic-store-Pa55";
    private static final Pattern FINGERPRINT = Pattern.compile(
            "certificate SHA-256 fingerprint: ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})");
    private static KarafInstance karaf;
    private static String origin;
    private static String admin;
    private static String firstFingerprint;

    @BeforeAll
    static void start() {
        karaf = KarafInstance.create("tls");
        karaf.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=" + ADMIN_PASSWORD);
        origin = "https://127.0.0.1:" + karaf.httpsPort;
        karaf.edit("etc/org.telehub.security.cfg", "publicOrigin=http://127.0.0.1:" + karaf.httpPort,
                "publicOrigin=" + origin);
    }

    @AfterAll
    static void stop() {
        if (karaf != null) {
            karaf.close();
        }
    }

    @Test
    @Order(1)
    void theFirstStartMakesACertificateAndPrintsItsFingerprint() throws Exception {
        assertFalse(Files.exists(karaf.home.resolve("data/telehub/tls")), "no certificate in the distribution");
        Duration took = karaf.start();
        admin = karaf.login("admin", ADMIN_PASSWORD);
        firstFingerprint = printedFingerprint(karaf.console());
        assertTrue(karaf.console().contains("Telehub HTTPS: https://localhost:" + karaf.httpsPort + "/"),
                "the HTTPS address on the console");
        X509Certificate kept = karaf.servedCertificate();
        assertEquals(fingerprint(kept), firstFingerprint, "the console's fingerprint is the keystore's");
        // served over the wire: the client trusts only the certificate read from the file and checks the host name
        HttpResponse<String> health = httpsGet(karaf.https(), "/api/v1/health", null);
        assertEquals(200, health.statusCode(), health.body());
        X509Certificate served = (X509Certificate) health.sslSession().orElseThrow().getPeerCertificates()[0];
        assertEquals(firstFingerprint, fingerprint(served), "Jetty serves the printed certificate");
        assertTrue(List.of("TLSv1.2", "TLSv1.3").contains(health.sslSession().orElseThrow().getProtocol()));
        assertTrue(health.headers().firstValue("Strict-Transport-Security").isEmpty(), "no HSTS on a self-signed one");
        String names = served.getSubjectAlternativeNames().toString();
        assertTrue(names.contains("localhost") && names.contains("127.0.0.1"), names);
        assertEquals("EC", served.getPublicKey().getAlgorithm());
        // the key and the keystores' password are the hub user's alone
        for (String f : List.of("data/telehub/tls/selfsigned.p12", "etc/secrets/telehub-https.password")) {
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(karaf.home.resolve(f))), f);
        }
        assertTrue(karaf.read("data/log/karaf.log").contains(firstFingerprint), "also logged");
        // Jetty got HTTPS before it started (the bundle's early pass): a first start never rebuilds Pax Web's server
        // while the other bundles register, which could deadlock it (ARCHITECTURE.md "HTTPS")
        assertFalse(karaf.read("data/log/karaf.log").contains("Unregistering current HttpServiceRuntime"),
                "the first start rebuilt Pax Web's server");
        assertFalse(karaf.read("etc/org.ops4j.pax.web.cfg").contains(karaf.read("etc/secrets/telehub-https.password")
                .trim()), "Pax Web's etc file names the secret, never holds it");
        // the API works over HTTPS with a token got over HTTPS; HTTP still answers (no redirect by default)
        HttpResponse<String> me = httpsGet(karaf.https(), "/api/v1/users/me", admin);
        assertEquals(200, me.statusCode(), me.body());
        assertEquals(200, karaf.get("/api/v1/health", null).statusCode());
        JsonNode tls = KarafInstance.json(karaf.get("/api/v1/health", admin)).at("/checks/tls");
        assertEquals("UP", tls.get("status").asText(), tls.toString());
        assertTrue(tls.get("detail").asText().contains(firstFingerprint), tls.toString());
        System.out.println("TlsIT: first start with certificate generation " + took.toMillis() + " ms");
    }

    @Test
    @Order(2)
    void onlyTls12AndNewerAreSpoken() throws Exception {
        assertTrue(openssl("-tls1").contains("alert protocol version"), "TLS 1.0 refused by the server");
        assertTrue(openssl("-tls1_1").contains("alert protocol version"), "TLS 1.1 refused by the server");
        String v12 = openssl("-tls1_2");
        assertTrue(v12.contains("New, TLSv1.2, Cipher is"), "TLS 1.2 spoken:\n" + v12);
        String v13 = openssl("-tls1_3");
        assertTrue(v13.contains("New, TLSv1.3, Cipher is"), "TLS 1.3 spoken:\n" + v13);
    }

    @Test
    @Order(3)
    void theSessionCookieOverHttpsIsHostPrefixedAndSecure() throws Exception {
        HttpResponse<String> r = karaf.https().send(HttpRequest.newBuilder(URI.create(karaf.httpsUrl(
                "/api/v1/auth/session"))).header("Origin", origin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"" + ADMIN_PASSWORD
                        + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("__Host-telehub_session="), cookie);
        assertTrue(cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/"), cookie);
        // and the session works over HTTPS
        HttpResponse<String> s = karaf.https().send(HttpRequest.newBuilder(URI.create(karaf.httpsUrl(
                "/api/v1/auth/session"))).header("Cookie", cookie.substring(0, cookie.indexOf(';'))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, s.statusCode(), s.body());
    }

    @Test
    @Order(4)
    void joinLinksUseTheHttpsPublicBase() throws Exception {
        assertTrue(karaf.read("etc/org.telehub.encounter.cfg").contains("publicBaseUrl=https://localhost:8443"),
                "the shipped default is the HTTPS address");
        String doctor = Scheduling.doctor(karaf, admin, "Dr TLS", null);
        String patient = Scheduling.patient(karaf, admin, "Pat TLS", null);
        HttpResponse<String> r = httpsPost(karaf.https(), "/api/v1/encounters", admin,
                Scheduling.visit(doctor, patient, Scheduling.dayAfterTomorrow(9), 30));
        assertEquals(201, r.statusCode(), r.body());
        JsonNode links = KarafInstance.json(r).get("joinLinks");
        assertTrue(links.size() > 0, r.body());
        links.forEach(l -> assertTrue(l.asText().startsWith("https://localhost:8443/join/"), l.asText()));
    }

    @Test
    @Order(5)
    void aRestartKeepsTheCertificate() throws Exception {
        karaf.stop();
        karaf.start();
        String printed = printedFingerprint(karaf.read("console-2.out"));
        // the start notice names the HTTPS address too (HTTPS is on from the start now: etc has it)
        assertTrue(karaf.read("console-2.out").contains("Browsers:     https://localhost:" + karaf.httpsPort + "/"),
                karaf.read("console-2.out"));
        assertEquals(firstFingerprint, printed, "printed again at start, the same");
        HttpResponse<String> r = httpsGet(karaf.https(), "/api/v1/health", null);
        assertEquals(firstFingerprint,
                fingerprint((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0]));
        admin = karaf.login("admin", ADMIN_PASSWORD);
    }

    @Test
    @Order(6)
    void httpIsRedirectedWhenConfigured() throws Exception {
        karaf.edit("etc/org.telehub.tls.cfg", "redirectHttpToHttps = false", "redirectHttpToHttps = true");
        HttpClient plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> r = await(() -> plain.send(HttpRequest.newBuilder(URI.create(karaf.url(
                "/api/v1/health?x=1"))).GET().build(), HttpResponse.BodyHandlers.ofString()),
                x -> x.statusCode() == 301, "HTTP GET answered 301");
        assertEquals(karaf.httpsUrl("/api/v1/health?x=1"), r.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> post = plain.send(HttpRequest.newBuilder(URI.create(karaf.url("/api/v1/auth/token")))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(308, post.statusCode(), "other methods keep their method: 308");
        // the web app's root (the default whiteboard context) too; the web console is not reached (its own
        // HttpService context, ARCHITECTURE.md "HTTPS")
        HttpResponse<String> root = plain.send(HttpRequest.newBuilder(URI.create(karaf.url("/"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(301, root.statusCode(), "the web app's root too");
        assertEquals(karaf.httpsUrl("/"), root.headers().firstValue("Location").orElseThrow());
        assertEquals(200, httpsGet(karaf.https(), "/api/v1/health", null).statusCode());
        karaf.edit("etc/org.telehub.tls.cfg", "redirectHttpToHttps = true", "redirectHttpToHttps = false");
        await(() -> karaf.get("/api/v1/health", null), x -> x.statusCode() == 200, "redirect off again");
    }

    @Test
    @Order(7)
    void theClinicsKeystoreIsServedInsteadWithHsts() throws Exception {
        Path p12 = karaf.home.resolve("etc/clinic.p12");
        run("keytool", "-genkeypair", "-alias", "clinic", "-keyalg", "RSA", "-keysize", "3072", "-dname",
                "CN=telehub.clinic.example,O=Test Clinic", "-ext", "SAN=dns:telehub.clinic.example,ip:127.0.0.1",
                "-validity", "30", "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", CLINIC_PASSWORD);
        X509Certificate clinic;
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, CLINIC_PASSWORD.toCharArray());
        }
        clinic = (X509Certificate) ks.getCertificate("clinic");
        karaf.write("etc/secrets/clinic-tls.password", CLINIC_PASSWORD + "\n");
        karaf.edit("etc/org.telehub.tls.cfg", "#.keystorePassword = $[secret:clinic-tls.password]",
                ".keystorePassword = $[secret:clinic-tls.password]");
        karaf.edit("etc/org.telehub.tls.cfg", "keystore =\n", "keystore = clinic.p12\n");
        HttpClient trustsClinic = KarafInstance.httpsClient(clinic);
        HttpResponse<String> r = await(() -> httpsGet(trustsClinic, "/api/v1/health", null),
                x -> x.statusCode() == 200, "the clinic's certificate served");
        assertEquals(fingerprint(clinic),
                fingerprint((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0]));
        assertEquals("max-age=31536000", r.headers().firstValue("Strict-Transport-Security").orElse(null),
                "HSTS with the clinic's certificate");
        assertNotEquals(firstFingerprint, fingerprint(karaf.servedCertificate()));
        assertFalse(karaf.read("data/log/karaf.log").contains(CLINIC_PASSWORD), "the password is never logged");
    }

    @Test
    @Order(8)
    void aWrongKeystorePasswordLeavesHttpUpAndSaysSo() throws Exception {
        karaf.write("etc/secrets/clinic-tls-new.password", "not-the-password\n");
        karaf.edit("etc/org.telehub.tls.cfg", ".keystorePassword = $[secret:clinic-tls.password]",
                ".keystorePassword = $[secret:clinic-tls-new.password]");
        JsonNode tls = await(() -> KarafInstance.json(karaf.get("/api/v1/health", admin)).at("/checks/tls"),
                t -> "DEGRADED".equals(t.path("status").asText()), "the tls check says so");
        assertTrue(tls.get("detail").asText().contains("keystore password is wrong"), tls.toString());
        assertTrue(tls.get("detail").asText().contains(".keystorePassword"), "names the setting: " + tls);
        assertTrue(karaf.read("data/log/karaf.log").contains("the keystore password is wrong"));
        assertTrue(karaf.console().contains("Telehub HTTPS ERROR"), "on the console too");
        // HTTP keeps answering (Pax Web was never given the keystore it cannot open); HTTPS is off
        HttpResponse<String> health = karaf.get("/api/v1/health", null);
        assertEquals(200, health.statusCode(), health.body());
        assertEquals(200, karaf.get("/api/v1/users/me", admin).statusCode());
        await(() -> {
            try {
                return httpsGet(karaf.https(), "/api/v1/health", null).statusCode();
            } catch (IOException e) {
                return -1;
            }
        }, code -> code == -1, "HTTPS no longer served");
        assertFalse(karaf.read("data/log/karaf.log").contains("not-the-password"));
    }

    /**
     * Certificate changes in a row, each served within seconds and the API answering after each: a change rebuilds
     * Pax Web's server, and the component once re-registered its filter during that rebuild, which deadlocked Jetty
     * with the JAX-RS whiteboard (404 for good) in a CI run and on the 16th change of a loop here.
     */
    @Test
    @Order(9)
    void certificateChangesInARowAreEachServed() throws Exception {
        karaf.edit("etc/org.telehub.tls.cfg", ".keystorePassword = $[secret:clinic-tls-new.password]",
                ".keystorePassword = $[secret:clinic-tls.password]");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(karaf.home.resolve("etc/clinic.p12"))) {
            ks.load(in, CLINIC_PASSWORD.toCharArray());
        }
        HttpClient clinic = KarafInstance.httpsClient((X509Certificate) ks.getCertificate("clinic"));
        await(() -> statusOver(clinic), code -> code == 200, "the clinic's certificate again");
        KeyStore kept = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(karaf.home.resolve("data/telehub/tls/selfsigned.p12"))) {
            kept.load(in, karaf.read("etc/secrets/telehub-https.password").trim().toCharArray());
        }
        HttpClient selfSigned = KarafInstance.httpsClient((X509Certificate) kept.getCertificate("telehub"));
        for (int i = 0; i < 12; i++) {
            boolean toSelfSigned = i % 2 == 0;
            karaf.edit("etc/org.telehub.tls.cfg", toSelfSigned ? "keystore = clinic.p12\n" : "keystore =\n",
                    toSelfSigned ? "keystore =\n" : "keystore = clinic.p12\n");
            HttpClient client = toSelfSigned ? selfSigned : clinic;
            await(() -> statusOver(client), code -> code == 200, "change " + (i + 1) + " served");
            assertEquals(200, karaf.get("/api/v1/users/me", admin).statusCode(), "the API after change " + (i + 1));
        }
    }

    /** The health answer's status over HTTPS with {@code client}, or -1 when the handshake or connection fails. */
    private static int statusOver(HttpClient client) {
        try {
            return httpsGet(client, "/api/v1/health", null).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    // ---- helpers

    private static String printedFingerprint(String console) {
        Matcher m = FINGERPRINT.matcher(console);
        if (!m.find()) {
            fail("no fingerprint on the console:\n" + console);
        }
        return m.group(1);
    }

    static String fingerprint(X509Certificate c) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(c.getEncoded()));
    }

    private static HttpResponse<String> httpsGet(HttpClient client, String path, String token) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(karaf.httpsUrl(path))).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(client, b.GET().build());
    }

    private static HttpResponse<String> httpsPost(HttpClient client, String path, String token, String json)
            throws IOException {
        return send(client, HttpRequest.newBuilder(URI.create(karaf.httpsUrl(path))).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest r) throws IOException {
        try {
            return client.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** openssl's client against the HTTPS port with one protocol version (security level 0, so it offers it). */
    private static String openssl(String version) throws Exception {
        return run("openssl", "s_client", "-connect", "127.0.0.1:" + karaf.httpsPort, version, "-cipher",
                "DEFAULT@SECLEVEL=0");
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(List.of(cmd) + " did not finish");
        }
        return out;
    }

    interface Call<T> {
        T call() throws Exception;
    }

    /** Repeats {@code call} until {@code done} holds (configuration changes take effect within seconds). */
    private static <T> T await(Call<T> call, Predicate<T> done, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        T last = null;
        Exception error = null;
        while (System.nanoTime() < deadline) {
            try {
                last = call.call();
                error = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                error = e;
            }
            KarafInstance.sleep(300);
        }
        fail(what + " within 30 s; last: " + (error != null ? error : last));
        return last;
    }
}
