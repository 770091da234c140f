package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.telehub.testing.dicom.Dcmtk;
import org.telehub.testing.dicom.Orthanc;
import org.telehub.testing.dicom.TestData;
import org.telehub.testing.dicom.Wlmscpfs;
import org.telehub.testing.fhir.FhirServerProcess;
import org.telehub.testing.keycloak.Keycloak;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The web app (issue 16) in the built distribution: how it is served beside the API, that the API document the app's
 * types were generated from is the one the hub serves, and the browser journeys (itests/web-tests: Playwright driving
 * Debian's chromium) against this hub, seeded here through the REST API as an administrator would.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class WebIT {
    /** How long the whole browser suite may take before it is taken for hung. */
    private static final int BROWSER_MINUTES = 25;

    private static final String ADMIN_PASSWORD = "web-admin-secret-1";
    private static final String PW = "Correct-Horse-7-battery";
    private static final Path ITESTS = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath();
    private static final String KC_PASSWORD = "kc-browser-pass-1";
    private static KarafInstance karaf;
    private static String admin;
    private static Keycloak keycloak;
    private static Coturn turn;
    /** The patient panel's peers (issue 16): HAPI FHIR, an Orthanc, and an EHR that accepts and never answers. */
    private static java.util.concurrent.CompletableFuture<FhirServerProcess> fhir;
    private static Orthanc orthanc;
    private static List<TestData.Instance> panelImages;
    private static java.net.ServerSocket hanging;
    private static final List<java.net.Socket> HELD = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final String PANEL_PACS_PATIENT = "TH-PANEL-1";
    /** The panel's endoscopy system (issue 22): a worklist with the patient's scheduled colonoscopy. */
    private static org.telehub.testing.dicom.Wlmscpfs worklist;
    private static final String PANEL_ENDO_PATIENT = "ENDO-PANEL-1";
    private static int endoStorage;
    private static int endoMpps;
    /** The suite's report system's HL7 v2 interface (MDM in). */
    private static int aidaPort;
    /** The suite's own storage SCP (DCMTK's storescp), which the hub sends the analysis results back to. */
    private static org.telehub.testing.dicom.StoreScp endoOwnStore;
    /** The endoscope's live picture (issue 22, endoscope.spec.js): an RTSP relay the spec publishes to. */
    private static RtspRelay rtsp;
    private static long peersMillis;

    @BeforeAll
    static void start() throws Exception {
        long t0 = System.nanoTime();
        // HAPI FHIR takes 25-45 s to start: it starts while the rest is prepared and the hub boots
        fhir = java.util.concurrent.CompletableFuture.supplyAsync(FhirServerProcess::shared);
        karaf = KarafInstance.create("web");
        // the clinic's identity provider for the sign-in through its own pages (oidc.spec.js): a nurse it maps to
        // Telehub's nurse role, and a person the clinic has no account for. Started once the instance has its ports
        // (Keycloak matches an https redirect URI with its port; only plain-http loopback ones may vary it).
        keycloak = Keycloak.start(Paths.get(System.getProperty("telehub.instances")).resolve("web-keycloak"),
                List.of(), new Keycloak.Login("telehub-web", "telehub",
                        List.of(karaf.httpsUrl("/api/v1/auth/oidc/callback")),
                        List.of(new Keycloak.User("kc.nurse", KC_PASSWORD, null, List.of("clinic-nurses")),
                                new Keycloak.User("kc.stranger", KC_PASSWORD, null, List.of("clinic-nurses")))));
        Files.writeString(karaf.home.resolve("etc/org.telehub.security.oidc.cfg"), "issuer=" + keycloak.issuer()
                + "\naudience=telehub\nroleMapping=clinic-nurses=nurse\nclientId=telehub-web\nscopes=openid\n"
                + "loginLabel=Sign in with the clinic account\n");
        Path pacsData = karaf.home.resolve("../web-pacs-data").normalize();
        if (Files.exists(pacsData)) {
            KarafInstance.deleteTree(pacsData);
        }
        panelImages = TestData.generate(pacsData, List.of(new TestData.PatientSpec(PANEL_PACS_PATIENT, "Pond^Amy",
                java.time.LocalDate.of(1989, 4, 12), "F", 1, 1, 3, "CT")));
        // the second and third images compressed as a modality may send them, so the viewer's codecs are exercised:
        // JPEG-LS lossless (CharLS) and JPEG lossless, first-order prediction (process 14 SV1)
        compress(panelImages.get(1).file(), "dcmcjpls", "1.2.840.10008.1.2.4.80");
        compress(panelImages.get(2).file(), "dcmcjpeg", "1.2.840.10008.1.2.4.70");
        orthanc = Orthanc.start(pacsData.resolve("orthanc"), "ORTHANC", Map.of());
        for (TestData.Instance i : panelImages) {
            HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(orthanc.baseUrl() + "/instances")).header("Authorization", orthanc.authorization())
                    .POST(HttpRequest.BodyPublishers.ofFile(i.file())).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
        }
        // the third system: accepts the connection and never answers (the panel must not wait for it)
        hanging = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!hanging.isClosed()) {
                try {
                    HELD.add(hanging.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "web-it-hanging-ehr");
        acceptor.setDaemon(true);
        acceptor.start();
        Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.pacs-panel.cfg"), "id=panel-pacs\n"
                + "vendor=Orthanc\ntransport=DICOMWEB\ndicomWebUrl=" + orthanc.dicomWebUrl() + "\ndicomWebUser="
                + orthanc.user() + "\ndicomWebPassword=" + orthanc.password() + "\n");
        // the fourth: an endoscopy suite's Modality Worklist (DCMTK's wlmscpfs) with the patient's colonoscopy
        worklist = Wlmscpfs.start(pacsData.resolve("worklist"), "ENDOWL");
        worklist.add("colonoscopy", Wlmscpfs.step("ISO_IR 192", "Pond^Amy", PANEL_ENDO_PATIENT, "ACC-PANEL-1",
                "20261214", "083000", null, "ENDO1", "ES", "SPS-PANEL-1", "Colonoscopy"), StandardCharsets.UTF_8);
        // the suite also sends what it does: its images to the storage SCP and the procedure's progress by MPPS
        endoStorage = KarafInstance.freePort();
        endoMpps = KarafInstance.freePort();
        // and shows what the hub files for its procedures: its own storage SCP takes the analysis results back
        endoOwnStore = org.telehub.testing.dicom.StoreScp.start(pacsData.resolve("endo-own-store"), "ENDOSTORE");
        Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.endoscopy-panel.cfg"), "id=panel-endo\n"
                + "vendor=Endoscopy suite\nworklistHost=127.0.0.1\nworklistPort=" + worklist.port()
                + "\nworklistAe=ENDOWL\ntimeZone=UTC\nstoragePort=" + endoStorage + "\nmppsPort=" + endoMpps
                + "\nsenders=EVISX1@127.0.0.1\nforwardTo=panel-pacs\nresultsStore=ENDOSTORE@127.0.0.1:"
                + endoOwnStore.port() + "\n");
        // and a second suite whose video processor's output reaches the hub as RTSP through a streaming box: its live
        // picture is what a visit's doctor shows (endoscope.spec.js publishes to the relay, and stops and starts again)
        rtsp = RtspRelay.start();
        Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.endoscopy-scope.cfg"), "id=scope-endo\n"
                + "vendor=Endoscopy suite 2\nworklistHost=127.0.0.1\nworklistPort=" + worklist.port()
                + "\nworklistAe=ENDOWL\ntimeZone=UTC\nvideoSource=" + rtsp.url()
                + "\nvideoSize=640x360\nvideoFps=25\n");
        // and the suite's report system (as Karl Storz AIDA does): its procedure reports come as HL7 v2 MDM, words and
        // PDF
        aidaPort = KarafInstance.freePort();
        Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.hl7v2-aida.cfg"), "id=panel-aida\n"
                + "vendor=Endoscopy suite reports\nport=" + aidaPort + "\nbindAddress=127.0.0.1\n");
        Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.fhir-panel-slow.cfg"), "id=panel-slow-ehr\n"
                + "baseUrl=http://127.0.0.1:" + hanging.getLocalPort() + "/fhir\nauthMode=NONE\n");
        peersMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        karaf.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=" + ADMIN_PASSWORD);
        // as a clinic would: doctors must enrol a second factor, so the browser's TOTP step is exercised
        karaf.edit("etc/org.telehub.security.cfg", "secondFactorRequiredFor=", "secondFactorRequiredFor=doctor");
        // the browser uses the app over HTTPS, as patients and doctors do (camera and microphone need a secure page):
        // the hub's public origin and its join links are the instance's HTTPS address, its self-signed certificate
        karaf.edit("etc/org.telehub.security.cfg", "publicOrigin=http://127.0.0.1:" + karaf.httpPort,
                "publicOrigin=" + karaf.httpsUrl(""));
        karaf.edit("etc/org.telehub.encounter.cfg", "publicBaseUrl=https://localhost:8443",
                "publicBaseUrl=" + karaf.httpsUrl(""));
        // chat uploads are scanned by a real clamd (the EICAR test file refused in the browser)
        karaf.scanWith(org.telehub.files.testing.Clamd.shared().port());
        // video visits: ICE through a real coturn on 127.0.0.1 with the hub's time-limited credentials (the spec
        // switches to relayed media only by editing this file, as a clinic's IT would)
        turn = Coturn.start();
        Files.writeString(karaf.home.resolve("etc/org.telehub.video.cfg"), "turnUrls=" + turn.url() + "\n"
                + "turnSecret=" + turn.secret + "\nrelayOnly=false\n");
        // the media engine (recording) reaches the browsers on 127.0.0.1, which WebRTC leaves out unless told
        Files.writeString(karaf.home.resolve("etc/org.telehub.media.cfg"), "loopbackOnly=true\n");
        karaf.start();
        long t1 = System.nanoTime();
        FhirServerProcess hapi = fhir.get(3, TimeUnit.MINUTES);
        Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.fhir-panel.cfg"), "id=panel-ehr\n"
                + "vendor=HAPI\nbaseUrl=" + hapi.baseUrl() + "\nauthMode=NONE\n");
        String out = karaf.shell("admin", ADMIN_PASSWORD, "feature:install telehub-adapter-ehr-fhir telehub-adapter-pacs"
                + " telehub-adapter-endoscopy telehub-adapter-hl7v2");
        assertFalse(out.contains("Error"), out);
        awaitAdapters(List.of("panel-ehr", "panel-slow-ehr", "panel-pacs", "panel-endo", "scope-endo", "panel-aida"));
        karaf.awaitRoutes(java.time.Duration.ofSeconds(30));
        endoscopeAtWork(pacsData.resolve("endoscope"));
        peersMillis += TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
        System.out.printf("the panel's peers added %d ms to WebIT's start (HAPI FHIR started in %d ms, in parallel)%n",
                peersMillis, hapi.startTime().toMillis());
    }

    /** Re-encodes a DICOM file in place with a DCMTK compressor, and checks the transfer syntax it wrote. */
    private static void compress(Path file, String tool, String transferSyntax) throws IOException {
        Path out = file.resolveSibling(file.getFileName() + ".compressed");
        Dcmtk.run(Dcmtk.TIMEOUT, List.of(tool, file.toString(), out.toString())).orThrow();
        Files.move(out, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String meta = Dcmtk.run(Dcmtk.TIMEOUT, List.of("dcmdump", "-M", "-Un", "+P", "0002,0010", file.toString())).orThrow()
                .output();
        assertTrue(meta.contains(transferSyntax), tool + " wrote " + meta);
    }

    @AfterAll
    static void stop() throws IOException {
        if (karaf != null) {
            karaf.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
        if (turn != null) {
            turn.close();
        }
        if (rtsp != null) {
            try {
                rtsp.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (orthanc != null) {
            orthanc.close();
        }
        if (worklist != null) {
            worklist.close();
        }
        if (endoOwnStore != null) {
            endoOwnStore.close();
        }
        if (hanging != null) {
            hanging.close();
            for (java.net.Socket s : HELD) {
                s.close();
            }
        }
    }

    private static void awaitAdapters(List<String> ids) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        String body = "";
        while (System.currentTimeMillis() < deadline) {
            body = karaf.get("/api/v1/integration/status", admin()).body();
            String b = body;
            if (ids.stream().allMatch(i -> b.contains("\"" + i + "\""))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("adapters " + ids + " not in the status: " + body);
    }

    /**
     * What the patient panel shows for the seeded patient: her record in HAPI FHIR with vital signs over the last
     * week, her study in Orthanc, and a mapping into the EHR that never answers. Mapped by her nurse.
     */
    private static void seedPanel(String a, String nurseToken, String patientId, Map<String, String> env)
            throws Exception {
        FhirServerProcess hapi = fhir.get();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        HttpResponse<String> p = http.send(HttpRequest.newBuilder(URI.create(hapi.baseUrl() + "/Patient"))
                .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Pond\",\"given\":[\"Amy\"]}],"
                                + "\"gender\":\"female\",\"birthDate\":\"1989-04-12\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, p.statusCode(), p.body());
        String fhirId = KarafInstance.json(p).get("id").asText();
        // a week of heart rate and systolic pressure, one reading a day (a transaction: one request)
        StringBuilder entries = new StringBuilder();
        Instant day = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(9, ChronoUnit.HOURS);
        int[] pulse = {72, 75, 71, 80, 78, 74, 70};
        int[] systolic = {128, 131, 126, 139, 135, 129, 124};
        for (int d = 0; d < 7; d++) {
            String when = day.minus(6 - d, ChronoUnit.DAYS).toString();
            for (String[] o : new String[][] {{"8867-4", "Heart rate", String.valueOf(pulse[d]), "/min"},
                    {"8480-6", "Systolic blood pressure", String.valueOf(systolic[d]), "mm[Hg]"}}) {
                entries.append(entries.length() == 0 ? "" : ",").append("{\"resource\":{\"resourceType\":"
                        + "\"Observation\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":"
                        + "\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"vital-signs\"}]}],"
                        + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"" + o[0]
                        + "\",\"display\":\"" + o[1] + "\"}]},\"subject\":{\"reference\":\"Patient/" + fhirId
                        + "\"},\"effectiveDateTime\":\"" + when + "\",\"valueQuantity\":{\"value\":" + o[2]
                        + ",\"unit\":\"" + o[3] + "\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"" + o[3]
                        + "\"}},\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}");
            }
        }
        HttpResponse<String> tx = http.send(HttpRequest.newBuilder(URI.create(hapi.baseUrl()))
                .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + entries + "]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, tx.statusCode(), tx.body());
        for (String[] m : new String[][] {{"panel-ehr", fhirId}, {"panel-pacs", PANEL_PACS_PATIENT},
                {"panel-slow-ehr", "never-answered"}, {"panel-endo", PANEL_ENDO_PATIENT},
                {"panel-aida", PANEL_ENDO_PATIENT}}) {
            HttpResponse<String> r = karaf.put("/api/v1/integration/patient/" + patientId + "/identifiers/" + m[0],
                    nurseToken, "{\"identifier\":\"" + m[1] + "\"}");
            assertEquals(201, r.statusCode(), m[0] + ": " + r.body());
        }
        for (String id : List.of("panel-ehr", "panel-pacs")) {
            HttpResponse<String> c = karaf.post("/api/v1/integration/" + id + "/connect", a, "application/json", "");
            assertEquals(200, c.statusCode(), id + ": " + c.body());
        }
        // an AI's finding on the colonoscopy, sent back to the suite as an AI add-on would (a clinician's token):
        // filed as a structured report in the procedure's study before the browser looks
        HttpResponse<String> finding = karaf.post("/api/v1/integration/endoscopy/send-analysis", nurseToken,
                "application/json", "{\"patientId\":\"" + patientId + "\",\"adapterId\":\"panel-endo\","
                        + "\"analysis\":{\"procedureId\":\"SPS-PANEL-1\",\"summary\":\"Sessile polyp, 6 mm\","
                        + "\"findingCode\":\"68496003\",\"findingCodeSystem\":\"http://snomed.info/sct\","
                        + "\"findingDisplay\":\"Polyp of colon\",\"confidence\":0.93,"
                        + "\"algorithmName\":\"PolypNet\",\"algorithmVersion\":\"2.1\"}}");
        assertEquals(202, finding.statusCode(), finding.body());
        String delivery = KarafInstance.json(finding).at("/deliveries/0/id").asText();
        String state = "";
        for (int i = 0; i < 300 && !state.equals("delivered"); i++) {
            Thread.sleep(100);
            state = KarafInstance.json(karaf.get("/api/v1/integration/deliveries/" + delivery, nurseToken))
                    .get("state").asText();
        }
        assertEquals("delivered", state, "the finding is filed before the panel is looked at");
        // and sent back to the suite by the hub's durable forward (the adapter's DicomStore): its storescp has the SR
        List<Path> back = endoOwnStore.awaitFiles(1, java.time.Duration.ofSeconds(60));
        String sr = org.telehub.testing.dicom.Dcmtk.dsrdump(back.get(0)).orThrow().output();
        assertTrue(sr.contains("(68496003,SCT,\"Polyp of colon\")"), sr);
        env.put("TELEHUB_PANEL_PATIENT_ID", patientId);
        // report.spec.js checks that a signed report reached the EHR and the PACS, at the systems themselves
        env.put("TELEHUB_HAPI_URL", hapi.baseUrl());
        env.put("TELEHUB_ORTHANC_URL", orthanc.baseUrl());
        env.put("TELEHUB_ORTHANC_AUTH", orthanc.authorization());
        env.put("TELEHUB_PANEL_EHR", "panel-ehr");
        env.put("TELEHUB_PANEL_PACS", "panel-pacs");
        env.put("TELEHUB_PANEL_SLOW", "panel-slow-ehr");
        env.put("TELEHUB_PANEL_ENDO", "panel-endo");
        env.put("TELEHUB_PANEL_AIDA", "panel-aida");
        env.put("TELEHUB_PANEL_AIDA_PDF_BYTES", String.valueOf(aidaReport(a, karaf.home.resolve("../web-aida")
                .normalize())));
        env.put("TELEHUB_SCOPE_ENDO", "scope-endo");
        env.put("TELEHUB_SCOPE_PUBLISH", rtsp.publishUrl());
        env.put("TELEHUB_SCOPE_PLAY", rtsp.url());
        // bench/endoscope-live.sh: the endoscope spec's glass-to-browser benchmark (none in a normal run)
        env.put("TELEHUB_SCOPE_BENCH_SECONDS", System.getProperty("bench.scope.seconds", "0"));
        env.put("TELEHUB_PANEL_STUDY_UID", panelImages.get(0).studyInstanceUid());
        env.put("TELEHUB_PANEL_INSTANCES", String.valueOf(panelImages.size()));
        // bench/panel.sh: the panel spec's benchmark rounds (none in a normal run)
        env.put("TELEHUB_PANEL_BENCH_ROUNDS", System.getProperty("bench.panel.rounds", "0"));
    }

    private static String admin() throws IOException {
        if (admin == null) {
            admin = karaf.login("admin", ADMIN_PASSWORD);
        }
        return admin;
    }

    private static HttpResponse<String> browserGet(String path, String accept) throws IOException {
        return karaf.send(HttpRequest.newBuilder(URI.create(karaf.url(path))).header("Accept", accept).GET(), null);
    }

    /** The app at / beside the API, the console and the metrics: each path answered by its owner. */
    @Test
    void a_theAppIsServedAtTheRootWithoutShadowingTheApi() throws IOException {
        String html = "text/html,application/xhtml+xml,*/*;q=0.8";
        HttpResponse<String> index = browserGet("/", html);
        assertEquals(200, index.statusCode());
        assertTrue(index.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertEquals("no-cache", index.headers().firstValue("Cache-Control").orElse(""));
        String csp = index.headers().firstValue("Content-Security-Policy").orElse("");
        for (String d : List.of("default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'",
                "base-uri 'self'", "media-src 'self' blob: mediastream:")) {
            assertTrue(csp.contains(d), d + " in " + csp);
        }
        assertFalse(csp.contains("unsafe-inline"), csp);
        assertEquals("nosniff", index.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("no-referrer", index.headers().firstValue("Referrer-Policy").orElse(""));
        assertFalse(index.body().contains("<script>"), "no inline script: " + index.body());

        Matcher m = Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"").matcher(index.body());
        assertTrue(m.find(), index.body());
        HttpResponse<String> js = browserGet(m.group(1), "*/*");
        assertEquals(200, js.statusCode());
        assertEquals("public, max-age=31536000, immutable", js.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(js.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        // the build's compressed copies, as the browser accepts them (patients on weak connections)
        byte[] plain = karaf.sendBytes(HttpRequest.newBuilder(URI.create(karaf.url(m.group(1)))).GET(), null).body();
        HttpResponse<byte[]> gz = karaf.sendBytes(HttpRequest.newBuilder(URI.create(karaf.url(m.group(1))))
                .header("Accept-Encoding", "gzip").GET(), null);
        assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElse(""));
        assertEquals("Accept-Encoding", gz.headers().firstValue("Vary").orElse(""));
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(
                new java.io.ByteArrayInputStream(gz.body()))) {
            assertTrue(java.util.Arrays.equals(plain, in.readAllBytes()), "the gzip copy is the file");
        }
        HttpResponse<byte[]> br = karaf.sendBytes(HttpRequest.newBuilder(URI.create(karaf.url(m.group(1))))
                .header("Accept-Encoding", "gzip, deflate, br").GET(), null);
        assertEquals("br", br.headers().firstValue("Content-Encoding").orElse(""));
        assertTrue(br.body().length < gz.body().length && gz.body().length < plain.length / 2,
                br.body().length + " < " + gz.body().length + " < " + plain.length + " / 2");

        for (String route : List.of("/login", "/join/room-1?token=abc", "/visits", "/encounters/x")) {
            HttpResponse<String> r = browserGet(route, html);
            assertEquals(200, r.statusCode(), route);
            assertEquals(index.body(), r.body(), route);
        }
        assertEquals(404, browserGet("/join/room-1", "application/json").statusCode());
        assertEquals(404, browserGet("/assets/nothing-here.js", "*/*").statusCode());

        // the API, the console and the metrics keep their own answers, never the app's HTML
        HttpResponse<String> api = browserGet("/api/v1/no-such-route", "application/json");
        assertEquals(404, api.statusCode());
        assertTrue(api.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), api.body());
        assertFalse(api.body().contains("<html"), api.body());
        assertEquals(401, browserGet("/api/v1/users/me", "application/json").statusCode());
        HttpResponse<String> health = browserGet("/api/v1/health", "application/json");
        assertTrue(health.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), health.body());
        HttpResponse<String> console = browserGet("/system/console/bundles", html);
        assertEquals(401, console.statusCode(), console.body());
        HttpResponse<String> metrics = browserGet("/metrics", html);
        assertEquals(401, metrics.statusCode());
        assertFalse(metrics.body().contains("<div id=\"root\">"));
    }

    /**
     * The suite's report system sends the colonoscopy's report as Karl Storz AIDA does: an MDM^T02 with the words (TX,
     * two lines, one Persian) and the PDF (ED, Base64), by python3-hl7's {@code mllp_send}; processed before the
     * browser looks. Returns the PDF's size.
     */
    private static int aidaReport(String admin, Path dir) throws Exception {
        Files.createDirectories(dir);
        byte[] pdf = ("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
                + "endobj 3 0 obj<</Type/Page/MediaBox[0 0 200 200]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"
                + "\n").getBytes(StandardCharsets.US_ASCII);
        String mdm = "MSH|^~\\&|AIDA|OR1|TELEHUB|TELEHUB|20261214101500||MDM^T02^MDM_T02|AIDA-PANEL-1|P|2.5.1||||||"
                + "UNICODE UTF-8\rEVN|T02|20261214101500\rPID|1||" + PANEL_ENDO_PATIENT + "^^^AIDA^MR||Pond^Amy\r"
                + "PV1|1|O\rORC|RE||ACC-PANEL-1\rOBR|1||ACC-PANEL-1|45378^Colonoscopy^C4\rTXA|1|ENDO|AP|20261214101000|"
                + "^Karimi^Reza|20261214100500|||^Karimi^Reza|||DOC-PANEL-1||ACC-PANEL-1||colonoscopy.pdf|AU||AV\r"
                + "OBX|1|TX|18751-8^Endoscopy study^LN||Sessile polyp, 6 mm, removed\\.br\\پولیپ برداشته شد||||||F\r"
                + "OBX|2|ED|18751-8^Endoscopy study^LN||AIDA^AP^PDF^Base64^"
                + java.util.Base64.getEncoder().encodeToString(pdf) + "||||||F";
        Path f = dir.resolve("report.hl7");
        Files.writeString(f, mdm, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("/usr/bin/mllp_send", "--loose", "-p", Integer.toString(aidaPort), "-f",
                f.toString(), "127.0.0.1").redirectErrorStream(true).start();
        String ack = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && ack.contains("MSA|AA|AIDA-PANEL-1"), ack);
        String state = "";
        for (int i = 0; i < 150 && !state.contains("\"processed\""); i++) {
            Thread.sleep(200);
            state = karaf.get("/api/v1/integration/hl7/messages?adapterId=panel-aida&controlId=AIDA-PANEL-1", admin)
                    .body();
        }
        assertTrue(state.contains("\"processed\""), "the report is kept before the panel is looked at: " + state);
        return pdf.length;
    }

    /**
     * The endoscope starts the colonoscopy (MPPS N-CREATE from npm's dcmjs-dimse) and sends two VL Endoscopic images
     * of it (DCMTK storescu, JPEG made by img2dcm) into the worklist entry's study: the panel shows it in progress
     * with its images.
     */
    private static void endoscopeAtWork(Path dir) throws Exception {
        java.util.Map<String, Object> started = new java.util.LinkedHashMap<>();
        started.put("PatientID", PANEL_ENDO_PATIENT);
        started.put("ScheduledStepAttributesSequence", List.of(java.util.Map.of("AccessionNumber", "ACC-PANEL-1",
                "ScheduledProcedureStepID", "SPS-PANEL-1")));
        started.put("PerformedStationAETitle", "ENDO1");
        started.put("PerformedProcedureStepStartDate", "20261214");
        started.put("PerformedProcedureStepStartTime", "083500");
        started.put("PerformedProcedureStepStatus", "IN PROGRESS");
        List<org.telehub.testing.dicom.MppsScu.Response> r = org.telehub.testing.dicom.MppsScu.send("127.0.0.1",
                endoMpps, "EVISX1", "TELEHUB", List.of(org.telehub.testing.dicom.MppsScu.Step.create("2.25.8800001",
                        started)));
        assertEquals(0, r.get(0).status(), r.toString());
        String study = "2.25.1" + Math.abs((long) "ACC-PANEL-1".hashCode()); // the worklist entry's (Wlmscpfs.step)
        List<Path> images = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            images.add(org.telehub.testing.dicom.Dcmtk.vlEndoscopic(dir, "colon-" + i, PANEL_ENDO_PATIENT,
                    "Pond^Amy", "ACC-PANEL-1", study, i + 2));
        }
        org.telehub.testing.dicom.Dcmtk.Result sent = org.telehub.testing.dicom.Dcmtk.storescu("127.0.0.1",
                endoStorage, "EVISX1", "TELEHUB", images, List.of("-xy"));
        assertTrue(sent.ok(), sent.output());
    }

    /** The app's API types come from bundles/web/frontend/openapi.json: it must be what the hub serves. */
    @Test
    void b_theServedApiDocumentEqualsTheAppsSnapshot() throws IOException {
        HttpResponse<String> r = browserGet("/api/v1/openapi.json", "application/json");
        assertEquals(200, r.statusCode());
        ObjectNode served = (ObjectNode) KarafInstance.json(r);
        Path file = ITESTS.resolve("../bundles/web/frontend/openapi.json").normalize();
        ObjectNode snapshot = (ObjectNode) KarafInstance.JSON.readTree(Files.readString(file));
        // info.version carries the build's timestamp; everything else must be equal
        ((ObjectNode) served.get("info")).remove("version");
        ((ObjectNode) snapshot.get("info")).remove("version");
        if (!snapshot.equals(served)) {
            Files.writeString(ITESTS.resolve("target/openapi-served.json"), KarafInstance.JSON
                    .writerWithDefaultPrettyPrinter().writeValueAsString(KarafInstance.json(r)) + "\n");
        }
        assertTrue(snapshot.equals(served), "the API changed (the served document is in itests/target/openapi-served.json): fetch GET /api/v1/openapi.json from a running hub into " + file
                + " (pretty-printed, keys sorted, so that its diff shows only what changed) and rebuild bundles/web, whose tsc run then shows what the app must change");
    }

    /** The journeys in Debian's chromium; fails unless every browser test passes. */
    @Test
    void c_patientAndDoctorJourneysInTheBrowser() throws Exception {
        String a = admin();
        user(a, "dr.house", "doctor", "Gregory House");
        user(a, "amy.pond", "patient", "Amy Pond");
        String doctorId = doctor(a, "dr.house", "Dr Gregory House", "Cardiology", "North Clinic");
        doctor(a, null, "Dr Lisa Cuddy", "Dermatology", "South Clinic");
        HttpResponse<String> p = karaf.post("/api/v1/patients", a, "application/json", KarafInstance.JSON.createObjectNode()
                .put("username", "amy.pond").put("displayName", "Amy Pond").put("birthDate", "1989-04-12")
                .put("timeZone", "Asia/Tehran").toString());
        assertEquals(201, p.statusCode(), p.body());
        String patientId = KarafInstance.json(p).get("id").asText();
        karaf.careTeam(a, patientId, "dr.house");

        // a visit starting in five minutes (the doctor may start it from ten minutes before; the doctor's journey
        // starts and ends it), and one tomorrow whose patient join link the join page is opened with
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(5, ChronoUnit.MINUTES);
        session(a, doctorId, patientId, start, "Follow-up of blood pressure");
        com.fasterxml.jackson.databind.JsonNode tomorrow = session(a, doctorId, patientId,
                start.plus(1, ChronoUnit.DAYS), "Second opinion on an ECG");
        URI join = URI.create(tomorrow.get("patientJoinUrl").asText());
        String joinPath = join.getRawPath() + "?" + join.getRawQuery();

        // the doctor enrols TOTP through the API (confirmed with the previous step's code, so the browser's login
        // with the current one is not a replay); codes from GNU oathtool
        String doctorToken = karaf.login("dr.house", PW);
        // the panel's systems are mapped by a nurse in the patient's care team (the doctor's token here has no
        // second factor yet, and a code used here would make the browser's login a replay)
        user(a, "panel.nurse", "nurse", "Nurse Panel");
        karaf.careTeam(a, patientId, "panel.nurse");
        Map<String, String> panelEnv = new java.util.HashMap<>();
        seedPanel(a, karaf.login("panel.nurse", PW), patientId, panelEnv);
        panelEnv.put("TELEHUB_PANEL_VISIT_ID", tomorrow.get("sessionId").asText());
        HttpResponse<String> e = karaf.post("/api/v1/auth/totp/enrolment", doctorToken, "application/json", "{}");
        assertEquals(200, e.statusCode(), e.body());
        String secret = KarafInstance.json(e).get("secret").asText();
        // the hub takes the current step and one either side: the previous step's code computed in a step's last
        // seconds would be two steps old when it arrives, so then wait for the next step first
        long intoStep = System.currentTimeMillis() % 30_000;
        if (intoStep > 22_000) {
            Thread.sleep(30_500 - intoStep);
        }
        HttpResponse<String> c = karaf.post("/api/v1/auth/totp/confirmation", doctorToken, "application/json",
                "{\"code\":\"" + oathtool(secret, Instant.now().minusSeconds(30)) + "\"}");
        assertEquals(200, c.statusCode(), c.body());

        Path screenshots = ITESTS.resolve("target/web-screenshots");
        Path log = ITESTS.resolve("target/web-tests.log");
        Files.createDirectories(screenshots);
        try (Stream<Path> old = Files.list(screenshots)) {
            for (Path f : (Iterable<Path>) old::iterator) {
                Files.delete(f);
            }
        }
        // -Dtelehub.web.specs=oidc (a file name filter) runs only those spec files: for a quick loop while developing
        String only = System.getProperty("telehub.web.specs", "").trim();
        List<String> command = new java.util.ArrayList<>(List.of("npx", "--no-install", "playwright", "test"));
        if (!only.isEmpty()) {
            command.addAll(List.of(only.split("\\s*,\\s*")));
        }
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(ITESTS.resolve("web-tests").toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("TELEHUB_BASE_URL", karaf.httpsUrl(""));
        // chromium trusts exactly the hub's key (its SPKI hash), not every certificate
        env.put("TELEHUB_SPKI", java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest
                .getInstance("SHA-256").digest(karaf.servedCertificate().getPublicKey().getEncoded())));
        // each spec file seeds what its own journeys need through the REST API as this administrator (helpers.js)
        env.put("TELEHUB_ADMIN_USER", "admin");
        env.put("TELEHUB_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("TELEHUB_PASSWORD", PW);
        env.put("TELEHUB_KC_PASSWORD", KC_PASSWORD);
        env.put("TELEHUB_PATIENT_USER", "amy.pond");
        env.put("TELEHUB_PATIENT_PASSWORD", PW);
        env.put("TELEHUB_DOCTOR_USER", "dr.house");
        env.put("TELEHUB_DOCTOR_PASSWORD", PW);
        env.put("TELEHUB_DOCTOR_TOTP_SECRET", secret);
        env.put("TELEHUB_DOCTOR_NAME", "Dr Gregory House");
        env.put("TELEHUB_CLINIC", "North Clinic");
        env.put("TELEHUB_JOIN_PATH", joinPath);
        env.put("TELEHUB_SEEDED_PATIENT_NAME", "Amy Pond");
        env.put("TELEHUB_SEEDED_COMPLAINT", "Follow-up of blood pressure");
        env.putAll(panelEnv);
        env.put("TELEHUB_SCREENSHOTS", screenshots.toString());
        env.put("TELEHUB_WEB_RESULTS", ITESTS.resolve("target/web-test-results").toString());
        env.put("CI", "true");
        env.put("TELEHUB_KARAF_ETC", karaf.home.resolve("etc").toString());
        env.put("TELEHUB_TURN_URL", turn.url());
        env.put("TELEHUB_TURN_SECRET", turn.secret);
        long t0 = System.nanoTime();
        Process proc = pb.start();
        // a bound against a hung browser, not a speed goal: 133 tests took 15.3 min on 2 cores (docs/testing.md)
        boolean done = proc.waitFor(BROWSER_MINUTES, TimeUnit.MINUTES);
        if (!done) {
            proc.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(out);
        System.out.printf("browser tests took %d s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
        assertTrue(done, "the browser tests did not finish within " + BROWSER_MINUTES + " minutes:\n" + out);
        assertEquals(0, proc.exitValue(), "the browser tests failed:\n" + out);
        try (Stream<Path> shots = Files.list(screenshots)) {
            long n = shots.filter(f -> f.toString().endsWith(".png")).count();
            assertTrue(!only.isEmpty() || n >= 20, "screenshots of every page: " + n);
        }
    }

    /** A video visit booked by the administrator through the sessions API; returns its session (join links). */
    private static com.fasterxml.jackson.databind.JsonNode session(String admin, String doctorId, String patientId,
            Instant start, String complaint) throws IOException {
        HttpResponse<String> s = karaf.post("/api/v1/sessions/create", admin, "application/json", KarafInstance.JSON
                .createObjectNode().put("doctorId", doctorId).put("patientId", patientId).put("startTime", start.toString())
                .put("durationMinutes", 30).put("type", "video").put("chiefComplaint", complaint).toString());
        assertEquals(201, s.statusCode(), s.body());
        return KarafInstance.json(s);
    }

    private static void user(String admin, String username, String role, String name) throws IOException {
        HttpResponse<String> r = karaf.post("/api/v1/users", admin, "application/json", KarafInstance.JSON
                .createObjectNode().put("username", username).put("displayName", name).put("password", PW)
                .set("roles", KarafInstance.JSON.createArrayNode().add(role)).toString());
        assertEquals(201, r.statusCode(), r.body());
    }

    /** A doctor working around the clock in UTC, 30-minute slots. */
    private static String doctor(String admin, String username, String name, String speciality, String clinic)
            throws IOException {
        ObjectNode body = KarafInstance.JSON.createObjectNode().put("displayName", name).put("speciality", speciality)
                .put("clinic", clinic).put("timeZone", "UTC").put("slotMinutes", 30);
        if (username != null) {
            body.put("username", username);
        }
        HttpResponse<String> r = karaf.post("/api/v1/doctors", admin, "application/json", body.toString());
        assertEquals(201, r.statusCode(), r.body());
        String id = KarafInstance.json(r).get("id").asText();
        Scheduling.aroundTheClock(karaf, admin, id);
        return id;
    }

    /** The code an authenticator app shows at {@code at}, computed by GNU oathtool. */
    static String oathtool(String base32Secret, Instant at) throws IOException, InterruptedException {
        String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC).format(at) + " UTC";
        Process p = new ProcessBuilder("oathtool", "--totp", "-b", "-N", when, base32Secret).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

}
