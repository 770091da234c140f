package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
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
 * Durable deliveries in the running distribution: retries, dead and replay, duplicate requests, and the hot-swap
 * promises of issue 3 (bundle:update under 1,000 deliveries, uninstall and return, container restart), checked
 * against the remote system's own count of records per idempotency key.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeliveryIT {
    private static final String ADMIN_PASSWORD = "delivery-admin-secret";
    private static KarafInstance karaf;
    private static RemoteSystem remote;
    private static String admin;
    private static String nurse;
    /** The patient every result here is about, registered by the nurse (so in her care). */
    private static String p1;
    private static long bundleId;

    @BeforeAll
    static void start() throws Exception {
        remote = new RemoteSystem();
        karaf = KarafInstance.create("delivery");
        karaf.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=" + ADMIN_PASSWORD);
        // short delays so that retries, recovery and waiting show within a test's patience
        karaf.edit("etc/org.telehub.integration.delivery.cfg", "baseBackoffMillis=2000", "baseBackoffMillis=200");
        karaf.edit("etc/org.telehub.integration.delivery.cfg", "maxBackoffMillis=600000", "maxBackoffMillis=2000");
        karaf.edit("etc/org.telehub.integration.delivery.cfg", "maxAttempts=10", "maxAttempts=4");
        karaf.edit("etc/org.telehub.integration.delivery.cfg", "attemptTimeoutMillis=30000", "attemptTimeoutMillis=5000");
        // deliveries run on the work service: its recovery timing
        karaf.edit("etc/org.telehub.work.cfg", "sweepSeconds=5", "sweepSeconds=1");
        karaf.edit("etc/org.telehub.work.cfg", "lostAfterSeconds=30", "lostAfterSeconds=5");
        karaf.edit("etc/org.telehub.work.cfg", "leaseSeconds=60", "leaseSeconds=15");
        Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.test-main.cfg"),
                "id=ehr-main\nbehaviour=ok\nremoteUrl=" + remote.url() + "\n");
        karaf.start();
        admin = karaf.login("admin", ADMIN_PASSWORD);
        assertEquals(201, karaf.post("/api/v1/users", admin, "application/json",
                "{\"username\":\"nurse.ratched\",\"roles\":[\"nurse\"],\"password\":\"one-flew-over-1\"}").statusCode());
        nurse = karaf.login("nurse.ratched", "one-flew-over-1");
        p1 = karaf.patientInCareOf(nurse, "Pat Delivery");
        bundleId = install(adapterJar());
        awaitStatus(1);
        HttpResponse<String> map = karaf.put("/api/v1/integration/patient/" + p1 + "/identifiers/ehr-main", nurse,
                "{\"identifier\":\"MRN-1\"}");
        assertEquals(201, map.statusCode(), map.body());
    }

    @AfterAll
    static void stop() {
        if (karaf != null) {
            karaf.close();
        }
        if (remote != null) {
            remote.close();
        }
    }

    @Test
    @Order(1)
    void aResultIsDeliveredOnceWithItsIdempotencyKey() throws Exception {
        HttpResponse<String> r = send(report("Consult note", null));
        assertEquals(202, r.statusCode(), r.body());
        JsonNode d = KarafInstance.json(r).at("/deliveries/0");
        assertEquals("ehr-main", d.get("adapterId").asText());
        String id = d.get("id").asText();
        JsonNode done = awaitState(id, "delivered");
        assertEquals(1, done.get("attempts").asInt());
        assertEquals(1, remote.writes.get(id).get(), "the delivery id is the key the target sees");
        assertEquals(remote.records.get(id), done.get("remoteId").asText());
    }

    @Test
    @Order(2)
    void aRepeatedRequestKeyReturnsTheSameDeliveries() throws Exception {
        String body = report("Discharge summary", "req-42");
        JsonNode first = KarafInstance.json(send(body));
        JsonNode second = KarafInstance.json(send(body));
        assertEquals(first.at("/deliveries/0/id").asText(), second.at("/deliveries/0/id").asText());
        assertEquals(first.get("resultId").asText(), second.get("resultId").asText());
        awaitState(first.at("/deliveries/0/id").asText(), "delivered");
        assertEquals(1, remote.writes.get(first.at("/deliveries/0/id").asText()).get());

        // a key is the caller's own: another clinician's equal key is a new request, never the first one's result
        assertEquals(201, karaf.post("/api/v1/users", admin, "application/json",
                "{\"username\":\"dr.quinn\",\"roles\":[\"doctor\"],\"password\":\"medicine-woman-1\"}")
                .statusCode());
        String doctor = karaf.login("dr.quinn", "medicine-woman-1");
        karaf.careTeam(admin, p1, "dr.quinn"); // she sends for the patient as a member of the care team
        HttpResponse<String> other = karaf.post("/api/v1/integration/patient/" + p1 + "/send-results", doctor,
                "application/json", body);
        assertEquals(202, other.statusCode(), other.body());
        JsonNode theirs = KarafInstance.json(other);
        assertNotEquals(first.get("resultId").asText(), theirs.get("resultId").asText(), other.body());
        assertNotEquals(first.at("/deliveries/0/id").asText(), theirs.at("/deliveries/0/id").asText());
        awaitState(theirs.at("/deliveries/0/id").asText(), "delivered");
    }

    @Test
    @Order(3)
    void malformedResultsAre422NamingTheFieldAndCreateNothing() throws IOException {
        int before = deliveries(null).size();
        HttpResponse<String> noTitle = send("{\"report\":{\"code\":\"11488-4\",\"conclusion\":\"ok\"}}");
        assertEquals(422, noTitle.statusCode(), noTitle.body());
        assertEquals("report.title", KarafInstance.json(noTitle).get("field").asText());
        HttpResponse<String> badObs = send("{\"observations\":[{\"code\":\"8867-4\",\"value\":72},{\"code\":\"\"}]}");
        assertEquals("observations[1].code", KarafInstance.json(badObs).get("field").asText());
        HttpResponse<String> unmapped = send("{\"targets\":[\"pacs-x\"],\"report\":{\"code\":\"c\",\"title\":\"t\","
                + "\"conclusion\":\"x\"}}");
        assertEquals(422, unmapped.statusCode());
        assertEquals("targets[0]", KarafInstance.json(unmapped).get("field").asText());
        HttpResponse<String> empty = send("{}");
        assertEquals(422, empty.statusCode());
        assertEquals(before, deliveries(null).size(), "nothing was created");
        assertEquals(404, karaf.get("/api/v1/integration/deliveries/no-such-id", nurse).statusCode());
        assertEquals(400, karaf.get("/api/v1/integration/deliveries?state=lost", nurse).statusCode());
    }

    @Test
    @Order(4)
    void aTemporaryFailureIsRetriedWithBackoff() throws Exception {
        remote.failNext.set(2);
        String id = KarafInstance.json(send(report("Lab panel", null))).at("/deliveries/0/id").asText();
        JsonNode done = awaitState(id, "delivered");
        assertEquals(3, done.get("attempts").asInt(), done.toString());
        assertEquals(3, remote.writes.get(id).get());
    }

    @Test
    @Order(5)
    void aRejectedDeliveryIsDeadAndReplays() throws Exception {
        String deadSeries = "telehub_work{application=\"telehub\",kind=\"delivery\",state=\"dead\",target=\"ehr-main\"}";
        double deadBefore = sample(scrape(), deadSeries);
        remote.rejectAll = true;
        String id = KarafInstance.json(send(report("Rejected note", null))).at("/deliveries/0/id").asText();
        JsonNode dead = awaitState(id, "dead");
        // the monitoring system sees the failure: the dead deliveries of that target went up by one
        String metrics = scrape();
        assertEquals(deadBefore + 1, sample(metrics, deadSeries), metrics);
        // requests are counted by route template, never by the raw path (ids would explode the series)
        assertTrue(metrics.contains("route=\"/api/v1/integration/deliveries/{id}\""), metrics);
        assertFalse(metrics.contains(id), "no delivery id in a label");
        assertEquals(1.0, sample(metrics, "telehub_health_up{application=\"telehub\",check=\"database\"}"), metrics);
        assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM meters");
        assertTrue(metrics.contains("telehub_db_pool_connections{application=\"telehub\",pool="), "the dbcp2 pool");
        assertTrue(dead.get("lastError").asText().contains("remote rejected the record: 400"), dead.toString());
        assertEquals(1, dead.get("attempts").asInt(), "a permanent error is not retried");
        String listed = karaf.shell("admin", ADMIN_PASSWORD, "telehub:deliveries --state dead");
        assertTrue(listed.contains(id), listed);
        remote.rejectAll = false;
        assertEquals(403, karaf.post("/api/v1/integration/deliveries/" + id + "/replay", nurse, "application/json", "")
                .statusCode());
        String replay = karaf.shell("admin", ADMIN_PASSWORD, "telehub:replay " + id);
        assertTrue(replay.contains("queued again"), replay);
        awaitState(id, "delivered");
        HttpResponse<String> again = karaf.post("/api/v1/integration/deliveries/" + id + "/replay", admin,
                "application/json", "");
        assertEquals(409, again.statusCode(), "a delivered result is not replayed");
    }

    @Test
    @Order(6)
    void bundleUpdateWhileAThousandDeliveriesAreInFlightDeliversEachExactlyOnce() throws Exception {
        // 4 consumers x 100 ms: at least 25 s of work, longer than a loaded machine takes to start the shell client
        // and update (at 25 ms all 1,000 were delivered first on PostgreSQL); the delay ends once the update is seen
        remote.delayMillis.set(100);
        List<String> ids = sendMany(1000, "update");
        Path v2 = withVersion(adapterJar(), "0.1.1.v2");
        String out = karaf.shell("admin", ADMIN_PASSWORD, "bundle:update " + bundleId + " " + v2.toUri());
        assertTrue(!out.toLowerCase().contains("error"), out);
        long pendingAtUpdate = ids.stream().filter(i -> !remote.records.containsKey(i)).count();
        assertTrue(pendingAtUpdate > 0, "the update happened while deliveries were in flight");
        awaitStatusVersion("0.1.1.v2");
        remote.delayMillis.set(0);
        awaitAllDelivered(ids, 180);
        assertExactlyOnce(ids);
    }

    @Test
    @Order(7)
    void deliveriesToAnUninstalledAdapterWaitAndCompleteWhenItReturns() throws Exception {
        karaf.shell("admin", ADMIN_PASSWORD, "bundle:uninstall " + bundleId);
        awaitStatus(0);
        List<String> ids = sendMany(20, "waiting");
        Thread.sleep(3000);
        for (String id : ids) {
            JsonNode d = delivery(id);
            assertTrue(d.get("state").asText().equals("queued") || d.get("state").asText().equals("retrying"), d.toString());
            assertEquals(0, d.get("attempts").asInt(), "waiting costs no attempt: " + d);
        }
        assertTrue(delivery(ids.get(0)).get("lastError").asText().contains("waiting: no adapter 'ehr-main'"));
        bundleId = install(adapterJar());
        awaitAllDelivered(ids, 60);
        assertExactlyOnce(ids);
    }

    @Test
    @Order(8)
    void aContainerRestartMidwayLosesNothing() throws Exception {
        remote.delayMillis.set(40);
        List<String> ids = sendMany(200, "restart");
        karaf.stop();
        long pending = ids.stream().filter(i -> !remote.records.containsKey(i)).count();
        assertTrue(pending > 0, "the restart interrupted deliveries");
        remote.delayMillis.set(0);
        karaf.start();
        admin = karaf.login("admin", ADMIN_PASSWORD);
        nurse = karaf.login("nurse.ratched", "one-flew-over-1");
        awaitAllDelivered(ids, 120);
        assertExactlyOnce(ids);
    }

    @Test
    @Order(9)
    void aHangingSystemDoesNotHoldUpDeliveriesToOthers() throws Exception {
        // a second instance of the same adapter bundle, configured while the hub runs, whose calls hang
        Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.test-slow.cfg"),
                "id=ehr-slow\nbehaviour=hang\nremoteUrl=" + remote.url() + "\n");
        awaitStatus(2);
        assertEquals(201, karaf.put("/api/v1/integration/patient/" + p1 + "/identifiers/ehr-slow", nurse,
                "{\"identifier\":\"MRN-1\"}").statusCode());
        List<String> stuck = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            stuck.add(KarafInstance.json(send("{\"targets\":[\"ehr-slow\"]," + report("slow-" + i, null).substring(1)))
                    .at("/deliveries/0/id").asText());
        }
        Thread.sleep(500);
        long t0 = System.nanoTime();
        List<String> fine = sendMany(50, "beside-a-hanging-system");
        awaitAllDelivered(fine, 30);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 15_000, "50 deliveries to a healthy system took " + ms + " ms beside a hanging one");
        JsonNode slow = delivery(stuck.get(0));
        assertTrue(!slow.get("state").asText().equals("delivered"), slow.toString());
        // the hanging system's own deliveries are attempted, time out and are retried, not lost
        JsonNode retried = awaitState(stuck.get(0), "retrying");
        assertTrue(retried.get("lastError").asText().startsWith("TIMEOUT"), retried.toString());
    }

    @Test
    @Order(10)
    void anAnalysisReachesAProcedureSystemThroughAHandlerFromOutsideTheManager() throws Exception {
        // an endoscopy-shaped system; its capability handler comes with it, in the test bundle, not the manager
        Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.testendoscopy-main.cfg"),
                "id=endo-main\nremoteUrl=" + remote.url() + "\n");
        awaitStatus(3);
        assertEquals(201, karaf.put("/api/v1/integration/patient/" + p1 + "/identifiers/endo-main", nurse,
                "{\"identifier\":\"ENDO-1\"}").statusCode());
        String analysis = "{\"targets\":[\"endo-main\"],\"analysis\":{\"procedureId\":\"proc-ENDO-1\","
                + "\"summary\":\"Two sessile polyps\",\"details\":\"8 mm and 5 mm, sigmoid\"}}";

        // without its handler the manager knows nothing of procedure systems: no capability, takes no part
        String handler = "org.telehub.itests.adapter.endoscopy.ProcedureCapability";
        karaf.shell("admin", ADMIN_PASSWORD, "scr:disable " + handler);
        awaitCapabilities("endo-main", "[]");
        HttpResponse<String> refused = send(analysis);
        assertEquals(422, refused.statusCode(), refused.body());
        assertEquals("targets[0]", KarafInstance.json(refused).get("field").asText());

        karaf.shell("admin", ADMIN_PASSWORD, "scr:enable " + handler);
        awaitCapabilities("endo-main", "[\"ProcedureSystem\"]");
        HttpResponse<String> r = send(analysis);
        assertEquals(202, r.statusCode(), r.body());
        String id = KarafInstance.json(r).at("/deliveries/0/id").asText();
        JsonNode done = awaitState(id, "delivered");
        assertEquals(1, remote.writes.get(id).get(), "one record at the procedure system, under the delivery's key");
        assertTrue(remote.bodies.get(id).contains("\"kind\":\"analysis\""), remote.bodies.get(id));
        assertTrue(remote.bodies.get(id).contains("\"label\":\"proc-ENDO-1\""), remote.bodies.get(id));
        assertEquals(remote.records.get(id), done.get("remoteId").asText());

        // the handler's part of the all-systems read
        JsonNode all = KarafInstance.json(karaf.get("/api/v1/integration/patient/" + p1 + "/all-systems", nurse));
        for (JsonNode s : all.get("systems")) {
            if (s.get("adapterId").asText().equals("endo-main")) {
                assertEquals("OK", s.get("status").asText(), s.toString());
                assertEquals("proc-ENDO-1", s.at("/procedures/0/procedureId").asText(), s.toString());
                return;
            }
        }
        throw new AssertionError("endo-main not in " + all);
    }

    private static void awaitCapabilities(String adapterId, String capabilities) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = KarafInstance.json(karaf.get("/api/v1/integration/status", admin));
            for (JsonNode s : status) {
                if (s.get("id").asText().equals(adapterId) && s.get("capabilities").toString().equals(capabilities)) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError(adapterId + " never had capabilities " + capabilities + ": " + status);
    }

    // ---- helpers

    private static String report(String title, String requestKey) {
        return "{" + (requestKey == null ? "" : "\"requestKey\":\"" + requestKey + "\",")
                + "\"report\":{\"code\":\"11488-4\",\"codeSystem\":\"http://loinc.org\",\"title\":\"" + title
                + "\",\"conclusion\":\"Stable.\",\"author\":\"nurse.ratched\"}}";
    }

    private static HttpResponse<String> send(String body) throws IOException {
        return karaf.post("/api/v1/integration/patient/" + p1 + "/send-results", nurse, "application/json", body);
    }

    private static List<String> sendMany(int n, String label) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    HttpResponse<String> r = send("{\"targets\":[\"ehr-main\"]," + report(label + "-" + k, null).substring(1));
                    assertEquals(202, r.statusCode(), r.body());
                    return KarafInstance.json(r).at("/deliveries/0/id").asText();
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : futures) {
                ids.add(f.get());
            }
            return ids;
        } finally {
            pool.shutdown();
        }
    }

    private static JsonNode delivery(String id) throws IOException {
        HttpResponse<String> r = karaf.get("/api/v1/integration/deliveries/" + id, nurse);
        assertEquals(200, r.statusCode(), r.body());
        return KarafInstance.json(r);
    }

    /** GET /metrics with the scrape token the hub generated at first start (owner-only file). */
    private static String scrape() throws IOException {
        java.nio.file.Path tokenFile = karaf.home.resolve("data/telehub/metrics.token");
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(tokenFile), "the scrape token is readable by the hub's user only");
        String token = Files.readString(tokenFile).trim();
        HttpResponse<String> none = karaf.get("/metrics", null);
        assertEquals(401, none.statusCode(), "no token, no metrics");
        assertEquals(401, karaf.get("/metrics", "not-" + token).statusCode(), "a wrong token, no metrics");
        assertEquals(401, karaf.get("/metrics", admin).statusCode(), "a user's token is not the scrape token");
        assertFalse(none.body().contains(token));
        HttpResponse<String> r = karaf.get("/metrics", token);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return r.body();
    }

    /** The value of one series in Prometheus text, 0 if absent (a gauge row appears with its first item). */
    private static double sample(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    private static JsonNode deliveries(String state) throws IOException {
        return KarafInstance.json(karaf.get("/api/v1/integration/deliveries?limit=1000&patientId=" + p1
                + (state == null ? "" : "&state=" + state), nurse));
    }

    private static JsonNode awaitState(String id, String state) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        JsonNode d = null;
        while (System.nanoTime() < deadline) {
            d = delivery(id);
            if (d.get("state").asText().equals(state)) {
                return d;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("delivery " + id + " never became " + state + ": " + d);
    }

    private static void awaitAllDelivered(List<String> ids, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Set<String> left = new HashSet<>(ids);
        while (System.nanoTime() < deadline && !left.isEmpty()) {
            for (JsonNode d : deliveries("delivered")) {
                left.remove(d.get("id").asText());
            }
            left.removeIf(id -> {
                try {
                    return left.size() < 50 && delivery(id).get("state").asText().equals("delivered");
                } catch (IOException e) {
                    return false;
                }
            });
            if (!left.isEmpty()) {
                Thread.sleep(500);
            }
        }
        assertTrue(left.isEmpty(), left.size() + " deliveries not delivered, e.g. "
                + (left.isEmpty() ? "" : delivery(left.iterator().next())));
    }

    /** Every delivery is one record at the target (retries may repeat a write; the key makes it the same record). */
    private static void assertExactlyOnce(List<String> ids) {
        Set<String> distinct = new HashSet<>(ids);
        assertEquals(ids.size(), distinct.size(), "one delivery id per result");
        for (String id : ids) {
            assertTrue(remote.records.containsKey(id), "the target has " + id);
        }
        long repeated = ids.stream().filter(id -> remote.writes.get(id).get() > 1).count();
        System.out.println("deliveries written more than once (absorbed by the key): " + repeated + " of " + ids.size());
    }

    private static void awaitStatus(int adapters) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (KarafInstance.json(karaf.get("/api/v1/integration/status", admin)).size() == adapters) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("status never listed " + adapters + " adapters");
    }

    private static void awaitStatusVersion(String version) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode s = KarafInstance.json(karaf.get("/api/v1/integration/status", admin));
            if (s.size() == 1 && s.at("/0/adapterVersion").asText().equals(version)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("version " + version + " never bound");
    }

    private static long install(Path jar) {
        String out = karaf.shell("admin", ADMIN_PASSWORD, "bundle:install -s " + jar.toUri());
        Matcher m = Pattern.compile("Bundle ID: (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    private static Path adapterJar() {
        return Paths.get(System.getProperty("telehub.testAdapter"));
    }

    /** A copy of the adapter bundle with another Bundle-Version: "the new version" of bundle:update. */
    private static Path withVersion(Path jar, String version) throws IOException {
        Path out = karaf.home.resolve("adapter-" + version + ".jar");
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (OutputStream os = Files.newOutputStream(out); JarOutputStream jos = new JarOutputStream(os, mf)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    jos.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jos);
                    jos.closeEntry();
                }
            }
        }
        return out;
    }
}
