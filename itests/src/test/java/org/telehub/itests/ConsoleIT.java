package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

/**
 * The Telehub page of the Karaf web console ({@code /system/console/telehub}) in the running distribution, used as
 * clinic IT's browser would: Basic authentication, the session cookie, the page's CSRF token in each form.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {
    private static final String ADMIN_PASSWORD = "console-admin-secret";
    private static final String PAGE = "/system/console/telehub";
    private static final String SCRIPT = "<script>alert('pwned')</script>";

    private static KarafInstance karaf;
    private static HttpServer remote;
    /** What the remote system answers to a write: 400 with a script in the body, or 201. */
    private static volatile boolean reject;
    private static String admin;
    private static String nurse;
    private static String patient;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        remote = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        remote.createContext("/records", x -> {
            x.getRequestBody().readAllBytes();
            byte[] b = (reject ? "{\"error\":\"" + SCRIPT + "\"}" : "{\"id\":\"" + UUID.randomUUID() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(reject ? 400 : 201, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        remote.start();
        karaf = KarafInstance.create("console");
        karaf.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=" + ADMIN_PASSWORD);
        karaf.edit("etc/org.telehub.integration.delivery.cfg", "baseBackoffMillis=2000", "baseBackoffMillis=200");
        karaf.edit("etc/org.telehub.integration.delivery.cfg", "maxBackoffMillis=600000", "maxBackoffMillis=2000");
        Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.test-main.cfg"), "id=ehr-main\nbehaviour=ok\n"
                + "remoteUrl=http://127.0.0.1:" + remote.getAddress().getPort() + "\n");
        karaf.start();
        admin = karaf.login("admin", ADMIN_PASSWORD);
        for (String[] u : List.of(new String[] {"nurse.joy", "nurse", "pokemon-center-1"},
                new String[] {"dr.who", "doctor", "tardis-blue-box-1"})) {
            assertEquals(201, karaf.post("/api/v1/users", admin, "application/json", "{\"username\":\"" + u[0]
                    + "\",\"roles\":[\"" + u[1] + "\"],\"password\":\"" + u[2] + "\"}").statusCode());
        }
        nurse = karaf.login("nurse.joy", "pokemon-center-1");
        patient = karaf.patientInCareOf(nurse, "Pat Console");
        String out = karaf.shell("admin", ADMIN_PASSWORD, "bundle:install -s "
                + Paths.get(System.getProperty("telehub.testAdapter")).toUri());
        assertTrue(out.contains("Bundle ID"), out);
        await(() -> status("ehr-main") != null, "the test adapter in /integration/status");
        HttpResponse<String> map = karaf.put("/api/v1/integration/patient/" + patient + "/identifiers/ehr-main", nurse,
                "{\"identifier\":\"MRN-7\"}");
        assertEquals(201, map.statusCode(), map.body());
        browser = new Browser("admin", ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (karaf != null) {
            karaf.close();
        }
        if (remote != null) {
            remote.stop(0);
        }
    }

    @Test
    @Order(1)
    void theAdministratorSeesAdaptersFeaturesAndDeliveries() throws Exception {
        HttpResponse<String> page = browser.get(PAGE);
        assertEquals(200, page.statusCode(), page.body());
        String html = page.body();
        assertTrue(html.contains("<tr data-adapter='ehr-main'>"), html);
        assertTrue(html.contains("Telehub Test EHR"), html);
        // the adapter's configuration form: the console's Configuration page for its factory configuration
        Matcher cfg = Pattern.compile("href='(/system/console/configMgr/org\\.telehub\\.adapter\\.test[^']*)'")
                .matcher(html);
        assertTrue(cfg.find(), html);
        HttpResponse<String> form = browser.get(cfg.group(1));
        assertEquals(200, form.statusCode());
        // only Telehub's adapter features of system/, none of Karaf's
        for (String f : List.of("telehub-adapter-pacs", "telehub-adapter-ehr-fhir", "telehub-adapter-ehr-epic",
                "telehub-adapter-ehr-cerner", "telehub-adapter-ehr-athena", "telehub-adapter-ehr-allscripts",
                "telehub-adapter-hl7v2", "telehub-adapter-endoscopy", "telehub-adapter-endoscopy-olympus",
                "telehub-adapter-endoscopy-pentax", "telehub-adapter-endoscopy-fujifilm",
                "telehub-adapter-endoscopy-storz")) {
            assertTrue(html.contains("<tr data-feature='" + f + "'>"), f);
        }
        assertFalse(html.contains("data-feature='webconsole'") || html.contains("data-feature='telehub-core'"));
        assertTrue(html.contains("id='delivery-counts'"), html);
        assertTrue(html.contains("id='deliveries'"), html);
        assertNotNull(browser.token(), "each form carries the session's CSRF token");
        assertTrue(html.contains("/system/console/res/"), "rendered inside the console's own frame");
    }

    @Test
    @Order(2)
    void otherAccountsAreRefused() throws Exception {
        Browser doctor = new Browser("dr.who", "tardis-blue-box-1");
        int get = doctor.get(PAGE).statusCode();
        assertTrue(get == 401 || get == 403, "doctor GET " + get);
        int post = doctor.post(PAGE, Map.of("action", "disconnect", "adapter", "ehr-main"), browser.origin(), null)
                .statusCode();
        assertTrue(post == 401 || post == 403, "doctor POST " + post);
        int nobody = new Browser(null, null).get(PAGE).statusCode();
        assertEquals(401, nobody);
    }

    @Test
    @Order(3)
    void connectAndDisconnectThroughThePageChangeTheStatus() throws Exception {
        browser.get(PAGE);
        HttpResponse<String> r = browser.act("connect", "adapter", "ehr-main");
        assertEquals(303, r.statusCode(), r.body());
        assertEquals("UP", status("ehr-main").get("state").asText());
        assertTrue(browser.get(PAGE).body().contains("ehr-main connect: OK"));
        assertEquals(303, browser.act("disconnect", "adapter", "ehr-main").statusCode());
        assertEquals("DOWN", status("ehr-main").get("state").asText());
        assertEquals(303, browser.act("connect", "adapter", "ehr-main").statusCode());
        assertEquals("UP", status("ehr-main").get("state").asText());
        List<String> audit = audit();
        assertTrue(audit.contains("admin console.adapter.connect ehr-main OK"), audit.toString());
        assertTrue(audit.contains("admin console.adapter.disconnect ehr-main OK"), audit.toString());
    }

    @Test
    @Order(4)
    void aForgedPostIsRefusedAndChangesNothing() throws Exception {
        assertEquals("UP", status("ehr-main").get("state").asText());
        browser.get(PAGE);
        String token = browser.token();
        Map<String, String> disconnect = Map.of("action", "disconnect", "adapter", "ehr-main");
        // no token, same origin
        assertRefused(browser.post(PAGE, disconnect, browser.origin(), null), "missing CSRF token");
        // right token, another site's page
        assertRefused(browser.post(PAGE, with(disconnect, token), "https://evil.example", null), "foreign Origin");
        assertRefused(browser.post(PAGE, with(disconnect, token), "null", null), "foreign Origin");
        assertRefused(browser.post(PAGE, with(disconnect, token), browser.origin(), "cross-site"), "cross-site");
        // another session's token (a second admin browser)
        Browser other = new Browser("admin", ADMIN_PASSWORD);
        other.get(PAGE);
        assertRefused(browser.post(PAGE, with(disconnect, other.token()), browser.origin(), null), "wrong CSRF token");
        // a token but no session (a request from elsewhere with the cached Basic credentials only)
        Browser fresh = new Browser("admin", ADMIN_PASSWORD);
        assertRefused(fresh.post(PAGE, with(disconnect, token), browser.origin(), null), "no console session");
        assertRefused(browser.post(PAGE, Map.of("action", "install", "feature", "telehub-adapter-ehr-epic"),
                browser.origin(), null), "missing CSRF token");
        assertEquals("UP", status("ehr-main").get("state").asText(), "nothing changed");
        assertFalse(bundles().contains("org.telehub.adapter.ehr.epic"), "nothing installed");
        assertTrue(audit().stream().anyMatch(a -> a.startsWith("admin console.refused  disconnect: foreign Origin")),
                audit().toString());
    }

    @Test
    @Order(5)
    void aDeadDeliveryWithAScriptInItsErrorIsShownEscapedAndReplays() throws Exception {
        reject = true;
        HttpResponse<String> sent = karaf.post("/api/v1/integration/patient/" + patient + "/send-results", nurse,
                "application/json", "{\"report\":{\"code\":\"11488-4\",\"codeSystem\":\"http://loinc.org\","
                        + "\"title\":\"Consult\",\"conclusion\":\"Stable.\",\"author\":\"nurse.joy\"}}");
        assertEquals(202, sent.statusCode(), sent.body());
        String id = KarafInstance.json(sent).at("/deliveries/0/id").asText();
        await(() -> "dead".equals(delivery(id).get("state").asText()), "delivery " + id + " dead");
        String html = browser.get(PAGE + "?state=dead").body();
        assertTrue(html.contains("<tr data-delivery='" + id + "'>"), html);
        assertFalse(html.contains(SCRIPT), "no markup from a remote system reaches the page");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;"), html);
        Matcher dead = Pattern.compile("id='count-dead'>(\\d+)<").matcher(html);
        assertTrue(dead.find() && Integer.parseInt(dead.group(1)) >= 1, html);
        // the adapter's own last error (from the remote system) too
        assertTrue(status("ehr-main").get("lastError").asText().contains(SCRIPT));
        String adapterRow = html.substring(html.indexOf("<tr data-adapter='ehr-main'>"));
        assertTrue(adapterRow.substring(0, adapterRow.indexOf("</tr>")).contains("&lt;script&gt;"), adapterRow);
        // a bad filter names the field
        assertTrue(browser.get(PAGE + "?state=lost").body().contains("id='filter-error'>state: "));

        reject = false;
        assertEquals(303, browser.act("replay", "delivery", id).statusCode());
        await(() -> "delivered".equals(delivery(id).get("state").asText()), "delivery " + id + " delivered");
        assertFalse(browser.get(PAGE + "?state=dead").body().contains("data-delivery='" + id + "'"));
        assertTrue(audit().contains("admin console.delivery.replay ehr-main " + id + ": queued again"),
                audit().toString());
    }

    @Test
    @Order(6)
    void anAdapterFeatureIsInstalledAndUninstalledThroughThePage() throws Exception {
        assertFalse(bundles().contains("org.telehub.adapter.ehr.fhir"));
        browser.get(PAGE);
        long t0 = System.nanoTime();
        assertEquals(303, browser.act("install", "feature", "telehub-adapter-ehr-fhir").statusCode());
        System.out.printf("install through the console: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertTrue(bundles().contains("org.telehub.adapter.ehr.fhir"), "the adapter bundle is there");
        String html = browser.get(PAGE).body();
        assertTrue(html.contains("telehub-adapter-ehr-fhir install: ok"), html);
        assertTrue(html.contains("value='uninstall'"), html);
        // Telehub itself is still up (nothing refreshed under it)
        assertEquals(200, karaf.get("/api/v1/integration/status", admin).statusCode());

        assertEquals(303, browser.act("uninstall", "feature", "telehub-adapter-ehr-fhir").statusCode());
        String after = bundles();
        assertFalse(after.contains("org.telehub.adapter.ehr.fhir"), "the adapter bundle is gone");
        assertEquals(1, count(after, "\"symbolicName\":\"org.telehub.health\""), "no second copy of anything");
        // never an arbitrary feature, not even Telehub's others (this one would stop the embedded broker)
        assertEquals(303, browser.act("install", "feature", "telehub-jms-client").statusCode());
        assertTrue(browser.get(PAGE).body().contains("feature: Not one of Telehub&#39;s adapter features"));
        assertEquals(count(after, "\"symbolicName\""), count(bundles(), "\"symbolicName\""), "nothing installed");
        List<String> audit = audit();
        assertTrue(audit.contains("admin console.feature.install  telehub-adapter-ehr-fhir: ok"), audit.toString());
        assertTrue(audit.contains("admin console.feature.uninstall  telehub-adapter-ehr-fhir: ok"), audit.toString());
    }

    // ---- helpers

    private static void assertRefused(HttpResponse<String> r, String reason) {
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains(reason), r.body());
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    private static Map<String, String> with(Map<String, String> form, String token) {
        Map<String, String> m = new LinkedHashMap<>(form);
        m.put("csrf", token);
        return m;
    }

    private static JsonNode status(String id) throws IOException {
        for (JsonNode a : KarafInstance.json(karaf.get("/api/v1/integration/status", admin))) {
            if (a.get("id").asText().equals(id)) {
                return a;
            }
        }
        return null;
    }

    private static JsonNode delivery(String id) throws IOException {
        return KarafInstance.json(karaf.get("/api/v1/integration/deliveries/" + id, admin));
    }

    private static String bundles() throws Exception {
        HttpResponse<String> r = browser.get("/system/console/bundles.json");
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** {@code actor action systems outcome} of the console's audit rows. */
    private static List<String> audit() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = karaf.db(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT actor, action, systems, outcome FROM audit_event WHERE action LIKE 'console.%' ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
            }
        }
        return out;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not within 60 s: " + what);
    }

    /** An administrator's browser on this test's hub. */
    static final class Browser extends ConsoleBrowser {
        Browser(String user, String password) {
            super(karaf, PAGE, user, password);
        }
    }
}
