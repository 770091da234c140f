package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * The Integration Manager in the running distribution, with a real adapter bundle installed, configured and
 * removed while the hub runs. The adapter's remote system is simulated inside it (issue 3 allows that for the
 * manager's tests; the product adapters test against real peers).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IntegrationIT {
    private static final String ADMIN_PASSWORD = "integration-admin-secret";
    private static KarafInstance karaf;
    private static String admin;
    private static String doctor;
    /** Patients registered by the doctor (so in their care): one mapped to every system, one mapped nowhere. */
    private static String p1001;
    private static String p2002;
    private static long adapterBundleId;

    @BeforeAll
    static void start() throws IOException {
        karaf = KarafInstance.create("integration");
        karaf.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=" + ADMIN_PASSWORD);
        // adapter instances are factory configurations, there before their bundle is. Karaf 4.4.10's FileInstall
        // reads <factoryPid>-<name>.cfg (not '~') and splits at the last '-': names avoid '-', the id is in the file
        write("etc/org.telehub.adapter.test-main.cfg", "id=ehr-main\nbehaviour=ok\n");
        write("etc/org.telehub.adapter.test-slow.cfg", "id=ehr-slow\nbehaviour=hang\n");
        write("etc/org.telehub.adapter.test-broken.cfg", "id=ehr-broken\nbehaviour=throw\n");
        write("etc/org.telehub.adapter.test-garbage.cfg", "id=ehr-garbage\nbehaviour=garbage\n");
        karaf.start();
        admin = karaf.login("admin", ADMIN_PASSWORD);
        HttpResponse<String> r = karaf.post("/api/v1/users", admin, "application/json",
                "{\"username\":\"dr.grey\",\"roles\":[\"doctor\"],\"password\":\"seattle-grace-1\"}");
        assertEquals(201, r.statusCode(), r.body());
        doctor = karaf.login("dr.grey", "seattle-grace-1");
        p1001 = karaf.patientInCareOf(doctor, "Pat Mapped");
        p2002 = karaf.patientInCareOf(doctor, "Pat Unmapped");
    }

    @AfterAll
    static void stop() {
        if (karaf != null) {
            karaf.close();
        }
    }

    @Test
    @Order(1)
    void anAdapterBundleInstalledWhileTheHubRunsIsInStatusWithinASecond() throws Exception {
        assertEquals("[]", karaf.get("/api/v1/integration/status", admin).body());
        String jar = Paths.get(System.getProperty("telehub.testAdapter")).toUri().toString();
        String out = karaf.shell("admin", ADMIN_PASSWORD, "bundle:install -s " + jar);
        Matcher m = Pattern.compile("Bundle ID: (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        adapterBundleId = Long.parseLong(m.group(1));
        long t0 = System.nanoTime();
        JsonNode status = null;
        while (System.nanoTime() - t0 < 10_000_000_000L) {
            status = KarafInstance.json(karaf.get("/api/v1/integration/status", admin));
            if (status.size() == 4) {
                break;
            }
            Thread.sleep(20);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(4, status.size(), String.valueOf(status));
        assertTrue(ms <= 1000, "visible in status " + ms + " ms after bundle:install returned");
        assertEquals("ehr-broken", status.get(0).get("id").asText());
        assertEquals("EHR", status.get(0).get("systemType").asText());
        assertEquals("ClinicalRecordSystem", status.get(0).at("/capabilities/0").asText());
        String table = karaf.shell("admin", ADMIN_PASSWORD, "telehub:adapters");
        assertTrue(table.contains("ehr-main") && table.contains("Test EHR") && table.contains("ehr-slow"), table);
    }

    @Test
    @Order(2)
    void connectingIsForAdministratorsAndUnknownAdaptersAre404() throws IOException {
        HttpResponse<String> ok = karaf.post("/api/v1/integration/ehr-main/connect", admin, "application/json", "");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("OK", KarafInstance.json(ok).get("outcome").asText());
        HttpResponse<String> crashed = karaf.post("/api/v1/integration/ehr-broken/connect", admin, "application/json", "");
        assertEquals("ERROR", KarafInstance.json(crashed).get("outcome").asText());
        assertEquals("adapter failed: IllegalStateException: simulated crash",
                KarafInstance.json(crashed).get("error").asText());
        HttpResponse<String> unknown = karaf.post("/api/v1/integration/no-such-pacs/connect", admin, "application/json", "");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("No adapter 'no-such-pacs' is installed"), unknown.body());
        assertEquals(403, karaf.post("/api/v1/integration/ehr-main/connect", doctor, "application/json", "").statusCode());
        String shell = karaf.shell("admin", ADMIN_PASSWORD, "telehub:disconnect ehr-main", "telehub:connect ehr-main");
        assertTrue(shell.contains("ehr-main: OK"), shell);
    }

    @Test
    @Order(3)
    void identifiersAreValidatedAndMapped() throws IOException {
        assertEquals(201, put(p1001, "ehr-main", "{\"identifier\":\"MRN-1\"}").statusCode());
        assertEquals(201, put(p1001, "ehr-slow", "{\"identifier\":\"MRN-1\"}").statusCode());
        assertEquals(201, put(p1001, "ehr-broken", "{\"identifier\":\"MRN-1\"}").statusCode());
        assertEquals(201, put(p1001, "ehr-garbage", "{\"identifier\":\"MRN-1\"}").statusCode());
        assertEquals(200, put(p1001, "ehr-main", "{\"identifier\":\"MRN-1\"}").statusCode(), "replacing is 200");
        HttpResponse<String> unknown = put(p1001, "no-such-pacs", "{\"identifier\":\"X\"}");
        assertEquals(422, unknown.statusCode());
        assertEquals("adapterId", KarafInstance.json(unknown).get("field").asText());
        HttpResponse<String> empty = put(p1001, "ehr-main", "{\"identifier\":\"\"}");
        assertEquals(400, empty.statusCode());
        assertEquals("identifier", KarafInstance.json(empty).get("field").asText());
        HttpResponse<String> badPatient = put("p 1001", "ehr-main", "{\"identifier\":\"MRN-1\"}");
        assertEquals(400, badPatient.statusCode(), badPatient.body());
        JsonNode ids = KarafInstance.json(karaf.get("/api/v1/integration/patient/" + p1001 + "/identifiers", doctor));
        assertEquals("MRN-1", ids.get("ehr-main").asText());
        assertEquals(4, ids.size());
    }

    @Test
    @Order(4)
    void allSystemsAnswersPartiallyWhenOneSystemHangsAndAnotherCrashes() throws Exception {
        // while the fan-out waits on the hanging system, the rest of the API stays responsive
        CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return karaf.get("/api/v1/integration/patient/" + p1001 + "/all-systems", doctor);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);
        long t0 = System.nanoTime();
        assertEquals(200, karaf.get("/api/v1/integration/status", doctor).statusCode());
        long statusMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(statusMs < 2000, "status answered in " + statusMs + " ms during a hanging fan-out");

        HttpResponse<String> r = slow.get();
        assertEquals(200, r.statusCode(), r.body());
        JsonNode all = KarafInstance.json(r);
        assertEquals("partial", all.get("outcome").asText());
        JsonNode main = system(all, "ehr-main");
        assertEquals("OK", main.get("status").asText(), main.toString());
        assertEquals("Tehrani", main.at("/demographics/familyName").asText());
        assertEquals("8867-4", main.at("/observations/0/code").asText());
        assertEquals("TIMEOUT", system(all, "ehr-slow").get("status").asText());
        JsonNode broken = system(all, "ehr-broken");
        assertEquals("ERROR", broken.get("status").asText());
        assertEquals("adapter failed: IllegalStateException: simulated crash", broken.get("error").asText());
        JsonNode garbage = system(all, "ehr-garbage");
        assertEquals("ERROR", garbage.get("status").asText(), "a null answer is a broken adapter, not an empty patient");
        assertTrue(garbage.get("error").asText().contains("patient() returned null"), garbage.toString());
        long slowMs = system(all, "ehr-slow").get("latencyMillis").asLong();
        assertTrue(slowMs >= 5000 && slowMs < 6500, "timeout honoured: " + slowMs + " ms");

        // the hanging call still holds its bulkhead permit; a second read is not slowed by the first
        HttpResponse<String> again = karaf.get("/api/v1/integration/patient/" + p1001 + "/all-systems", doctor);
        assertEquals("OK", system(KarafInstance.json(again), "ehr-main").get("status").asText());
    }

    @Test
    @Order(5)
    void patientDataIsForCliniciansAndUnmappedPatientsAre404() throws IOException {
        assertEquals(403, karaf.get("/api/v1/integration/patient/" + p1001 + "/all-systems", admin).statusCode());
        HttpResponse<String> unmapped = karaf.get("/api/v1/integration/patient/" + p2002 + "/all-systems", doctor);
        assertEquals(404, unmapped.statusCode());
        assertTrue(unmapped.body().contains("has no identifier in any connected system"), unmapped.body());

        // issue 14: a doctor without a care relationship reaches nothing of the patient, and nothing is written
        assertEquals(201, karaf.post("/api/v1/users", admin, "application/json", "{\"username\":\"dr.stranger\","
                + "\"roles\":[\"doctor\"],\"password\":\"stranger-pass-1\"}").statusCode());
        String stranger = karaf.login("dr.stranger", "stranger-pass-1");
        String base = "/api/v1/integration/patient/" + p1001;
        for (HttpResponse<String> r : List.of(karaf.get(base + "/all-systems", stranger),
                karaf.get(base + "/identifiers", stranger),
                karaf.put(base + "/identifiers/ehr-main", stranger, "{\"identifier\":\"MRN-STRANGER\"}"),
                karaf.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(karaf.url(base
                        + "/identifiers/ehr-main"))).DELETE(), stranger))) {
            assertEquals(404, r.statusCode(), r.body());
            assertTrue(r.body().contains("No patient " + p1001), r.body());
        }
        assertEquals("MRN-1", KarafInstance.json(karaf.get(base + "/identifiers", doctor)).get("ehr-main").asText());
        // nobody repoints a patient to another patient's record: p2002 may not take p1001's MRN
        HttpResponse<String> taken = put(p2002, "ehr-main", "{\"identifier\":\"MRN-1\"}");
        assertEquals(422, taken.statusCode(), taken.body());
        assertEquals("identifier", KarafInstance.json(taken).get("field").asText());
    }

    @Test
    @Order(6)
    void anUninstalledAdapterLeavesStatusAndItsSystemsReadAsUnavailable() throws Exception {
        karaf.shell("admin", ADMIN_PASSWORD, "bundle:uninstall " + adapterBundleId);
        long t0 = System.nanoTime();
        String status = "";
        while (System.nanoTime() - t0 < 10_000_000_000L) {
            status = karaf.get("/api/v1/integration/status", admin).body();
            if (status.equals("[]")) {
                break;
            }
            Thread.sleep(20);
        }
        assertEquals("[]", status);
        assertTrue((System.nanoTime() - t0) / 1_000_000 <= 1000, "gone from status within a second");
        JsonNode all = KarafInstance.json(karaf.get("/api/v1/integration/patient/" + p1001 + "/all-systems", doctor));
        assertEquals("UNAVAILABLE", system(all, "ehr-main").get("status").asText());
    }

    @Test
    @Order(7)
    void anAdapterFeatureInstallsAndUninstallsWhileTheHubRuns() throws Exception {
        Path repo = karaf.home.resolve("itest-adapters-features.xml");
        Files.writeString(repo, "<features name=\"telehub-itest-adapters\" xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\">"
                + "<feature name=\"telehub-adapter-test\" version=\"0.1.0\"><feature>telehub-integration</feature>"
                + "<bundle>" + Paths.get(System.getProperty("telehub.testAdapter")).toUri() + "</bundle></feature></features>");
        karaf.shell("admin", ADMIN_PASSWORD, "feature:repo-add " + repo.toUri(), "feature:install telehub-adapter-test");
        long t0 = System.nanoTime();
        int seen = 0;
        while (System.nanoTime() - t0 < 10_000_000_000L && seen != 4) {
            seen = KarafInstance.json(karaf.get("/api/v1/integration/status", admin)).size();
            Thread.sleep(20);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(4, seen);
        assertTrue(ms <= 1000, "visible " + ms + " ms after feature:install returned");
        karaf.shell("admin", ADMIN_PASSWORD, "feature:uninstall telehub-adapter-test");
        t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 10_000_000_000L && !karaf.get("/api/v1/integration/status", admin).body().equals("[]")) {
            Thread.sleep(20);
        }
        assertEquals("[]", karaf.get("/api/v1/integration/status", admin).body());
    }

    @Test
    @Order(8)
    void everyPatientReadAndIdentifierChangeIsAudited() throws Exception {
        List<String> rows = new ArrayList<>();
        // the audit is written in the request: the hub's database, read while it runs
        try (Connection db = karaf.db(); Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT actor, action, patient_id, systems, outcome FROM audit_event"
                        + " WHERE action = 'integration.all-systems.read' ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4) + "|"
                        + rs.getString(5));
            }
        }
        assertEquals(List.of(
                "dr.grey|integration.all-systems.read|" + p1001 + "|ehr-broken,ehr-garbage,ehr-main,ehr-slow|partial",
                "dr.grey|integration.all-systems.read|" + p1001 + "|ehr-broken,ehr-garbage,ehr-main,ehr-slow|partial",
                "dr.grey|integration.all-systems.read|" + p1001 + "|ehr-broken,ehr-garbage,ehr-main,ehr-slow|partial"), rows);
    }

    private static JsonNode system(JsonNode all, String id) {
        for (JsonNode s : all.get("systems")) {
            if (s.get("adapterId").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no system " + id + " in " + all);
    }

    private static HttpResponse<String> put(String patient, String adapter, String body) throws IOException {
        return karaf.put("/api/v1/integration/patient/" + patient.replace(" ", "%20") + "/identifiers/" + adapter,
                doctor, body);
    }

    private static void write(String file, String content) throws IOException {
        Path p = karaf.home.resolve(file);
        Files.writeString(p, content);
    }
}
