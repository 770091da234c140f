package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

/**
 * {@code kill -9} of the hub's JVM while all four durable paths carry load, on PostgreSQL, several times; then a
 * clean stop and start. After each kill and restart every write the hub answered 2xx is there, and at the end every
 * piece of work has completed:
 * <ul>
 * <li><b>bookings</b> ({@code POST /api/v1/encounters}, 201): exactly once — each acknowledged id is read back;</li>
 * <li><b>send-results deliveries</b> (202) to the test adapter's remote system: at-least-once on the wire with the
 * delivery id as idempotency key, which the remote system dedups (one record per key, as a FHIR conditional
 * create): exactly one record per acknowledged delivery, each {@code delivered} at the hub;</li>
 * <li><b>webhooks</b> ({@code encounter.scheduled} for every booking) to a portal: at-least-once with the event id
 * ({@code X-Telehub-Event-Id}) as idempotency key: exactly one distinct event per acknowledged booking;</li>
 * <li><b>reminders</b> at the notification channel (the logging channel, counted in {@code karaf.log} across
 * restarts): every reminder due is {@code sent} and reached the channel for both recipients, none early;
 * at-least-once, a notification carries no idempotency key, so only a reminder claimed but not yet marked sent
 * when the JVM died may repeat: at most {@code consumers} (4) per kill.</li>
 * <li><b>invitations and password resets by e-mail</b> ({@code POST /encounters/{id}/invitations}, 201, by front
 * desk; {@code POST /auth/password-reset}, 202) through the real email channel to a real SMTP server (GreenMail):
 * every acknowledged invitation's mail arrives, every acknowledged reset's mail arrives and its link sets the new
 * password once; at-least-once (SMTP has no idempotency key), so a mail may repeat only when the JVM died between
 * the server's 250 and the item's commit: at most {@code consumers} (4) per kill.</li>
 * <li><b>a disease import</b> ({@code POST /directory/diseases/imports}, 202, 100,000 ICD-10 rows of the cycle's
 * own codes) started as the load begins: after each kill it resumes from its last committed slice; at the end each
 * acknowledged import is done with every row imported once ({@code imported} = rows: a slice applied twice would
 * count twice);</li>
 * <li><b>a visit report's saves</b> ({@code PUT /encounters/{id}/report}, 200, each with the revision it was made
 * from): every acknowledged revision is in the report's history with what it saved, the report at least that far;
 * a save whose answer died with the JVM is either there whole or not at all (the next save learns the current
 * revision from the 409 and goes on);</li>
 * <li><b>a report signed and shared</b>: each cycle a doctor with an authenticator app signs (200, a code of a new
 * step) and then shares (200) his approved report of a visit, at a random moment of the load: after each restart a
 * report acknowledged signed is signed with its PDF, one acknowledged shared is shared, and any report the kill cut is
 * approved or signed whole, never signed without its PDF; at the end every signed report is delivered to the EHR
 * exactly once at the target (one record with its document id there), and each shared one's patient got the mail
 * with its link (at-least-once, as the other mails).</li>
 * <li><b>a follower told of a freed slot</b>: each cycle a patient follows a new doctor whose visit the clinic
 * cancels during the load (200); the notice goes from the encounter event through the directory's work items to
 * the real email channel: each acknowledged cancellation's follower gets the mail (at-least-once, as the other
 * mails).</li>
 * </ul>
 * {@code -Dtelehub.crash.cycles=N} (default 3) sets the number of kills; {@code bench/crash-soak.sh} runs 20.
 */
class CrashIT {
    private static final String ADMIN_PASSWORD = "crash-admin-secret";
    private static final int CYCLES = Integer.getInteger("telehub.crash.cycles", 3);
    private static final int BOOKING_CLIENTS = 4;
    private static final int DELIVERY_CLIENTS = 2;
    private static final int CONSUMERS = 4;
    /** Rows of each cycle's disease import: 50 slices of 2,000, longer than the load (~16,000 rows/s idle). */
    private static final int IMPORT_ROWS = 100_000;
    /** Reminder offsets in seconds: a booking about ten minutes ahead has reminders due 20 s apart. */
    private static final List<Integer> OFFSETS = List.of(600, 620, 640);
    private static final Pattern REMINDER_LINE =
            Pattern.compile("reminder for encounter (\\S+) to (patient|doctor) ");

    private static KarafInstance karaf;
    private static RemoteSystem remote;
    private static HttpServer portal;
    /** Portal: deliveries received per event id, and each event's encounter and type. */
    private static final Map<String, AtomicInteger> hooks = new ConcurrentHashMap<>();
    private static final Map<String, String> hookEncounter = new ConcurrentHashMap<>();
    private static String admin;
    private static String nurse;
    /** The patient of the deliveries, registered by the nurse (so in her care). */
    private static String p1;
    private static String desk;
    private static final String SMTP_PASSWORD = "crash-smtp-secret";
    private static com.icegreen.greenmail.util.GreenMail mail;
    /** Reset requests per cycle, for the first cycles only: the hub allows 10 per client address in 15 minutes. */
    private static final int RESETS = 2;
    private static final int RESET_CYCLES = 5;
    /** Chat: the doctor of {@link #chatVisit} (a visit of {@link #p1}), who writes and posts files during the load. */
    private static String chatDoctor;
    private static String chatVisit;
    /** Chat messages acknowledged (id → clientId) and files acknowledged (id → content), over all cycles. */
    private static final Map<String, String> chatAcked = new ConcurrentHashMap<>();
    private static final Map<String, String> filesAcked = new ConcurrentHashMap<>();
    /** Uploads in pieces not finished yet: id → their content, and how many bytes the hub has acknowledged. */
    private static final Map<String, byte[]> resumable = new ConcurrentHashMap<>();
    private static final Map<String, Long> resumableAcked = new ConcurrentHashMap<>();
    private static final int PIECE = 64 * 1024;
    /** Uploads in pieces finished during the load, and those a kill cut that were finished after the restart. */
    private static final java.util.concurrent.atomic.AtomicInteger piecedWhole = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicInteger piecedCut = new java.util.concurrent.atomic.AtomicInteger();
    /** Client ids of sends that were in flight at a kill: sent again after the restart, each must be there once. */
    private static final Set<String> chatInFlight = ConcurrentHashMap.newKeySet();
    /** Reports: a completed visit of the chat doctor, whose report he saves during the load; revision → its text. */
    private static String reportVisit;
    private static final Map<Integer, String> reportAcked = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicInteger reportRevision =
            new java.util.concurrent.atomic.AtomicInteger(1);
    /**
     * Signing and sharing: a doctor with an authenticator app (his token, his doctor id, its secret, the step of the
     * last code he used) and a patient with an e-mail address mapped to the EHR; each cycle's visit → "signed" or
     * "shared" once acknowledged.
     */
    private static String signer;
    private static String signerDoctor;
    private static String signerTotp;
    private static long lastSignStep;
    private static String signPatient;
    private static final String SIGN_PATIENT_MAIL = "signed.patient@crash.example";
    private static final List<String> signVisits = java.util.Collections.synchronizedList(new ArrayList<>());
    private static final Map<String, String> signAcked = new ConcurrentHashMap<>();
    /** HL7 v2 (issue 21): the MLLP port, and control id → MRN of every ADT A04 the hub answered AA. */
    private static int hl7Port;
    private static final Map<String, String> hl7Acked = new ConcurrentHashMap<>();
    /** The endoscopy system's storage SCP, and the SOP Instance UIDs it answered with success. */
    private static int endoPort;
    private static Path endoImage;
    private static final String ENDO_BASE_UID = "2.25.10000000000000000000";
    private static final Set<String> endoAcked = ConcurrentHashMap.newKeySet();
    /** SIU^S12s answered AA; each appointment a 20-minute slot of its own from two days ahead, 00:00 UTC. */
    private static final java.util.concurrent.atomic.AtomicInteger siuAcked = new java.util.concurrent.atomic
            .AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicInteger SIU_SLOTS = new java.util.concurrent.atomic
            .AtomicInteger();
    private static final java.time.ZonedDateTime SIU_BASE = java.time.LocalDate.now(java.time.ZoneOffset.UTC)
            .plusDays(2).atStartOfDay(java.time.ZoneOffset.UTC);

    @BeforeAll
    static void start() throws Exception {
        String pg = System.getProperty("telehub.test.pg.url", "");
        if (pg.isBlank()) {
            if (Boolean.getBoolean("telehub.test.pg.required")) {
                throw new IllegalStateException("telehub.test.pg.required is set but telehub.test.pg.url is not");
            }
            Assumptions.abort("no PostgreSQL announced (telehub.test.pg.url); run the README's test command");
        }
        remote = new RemoteSystem();
        portal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        portal.setExecutor(Executors.newFixedThreadPool(8));
        portal.createContext("/hooks", x -> {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String event = x.getRequestHeaders().getFirst("X-Telehub-Event-Id");
            JsonNode ev = KarafInstance.JSON.readTree(body);
            hookEncounter.put(event, ev.get("type").asText() + " " + ev.get("encounterId").asText());
            hooks.computeIfAbsent(event, k -> new AtomicInteger()).incrementAndGet();
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        portal.start();

        karaf = KarafInstance.create("crash");
        mail = KarafInstance.mailServer(SMTP_PASSWORD);
        karaf.sendMailThrough(mail, SMTP_PASSWORD);
        karaf.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=" + ADMIN_PASSWORD);
        // retries and recovery within a test's patience
        karaf.edit("etc/org.telehub.integration.delivery.cfg", "baseBackoffMillis=2000", "baseBackoffMillis=200");
        karaf.edit("etc/org.telehub.integration.delivery.cfg", "maxBackoffMillis=600000", "maxBackoffMillis=2000");
        karaf.edit("etc/org.telehub.integration.delivery.cfg", "attemptTimeoutMillis=30000", "attemptTimeoutMillis=5000");
        // deliveries run on the work service: its recovery timing
        karaf.edit("etc/org.telehub.work.cfg", "sweepSeconds=5", "sweepSeconds=1");
        karaf.edit("etc/org.telehub.work.cfg", "lostAfterSeconds=30", "lostAfterSeconds=5");
        karaf.edit("etc/org.telehub.work.cfg", "leaseSeconds=60", "leaseSeconds=15");
        karaf.edit("etc/org.telehub.encounter.cfg", "reminderOffsets=PT24H,PT15M", "reminderOffsets="
                + String.join(",", OFFSETS.stream().map(s -> "PT" + s + "S").toList()));
        karaf.edit("etc/org.telehub.encounter.cfg", "minDurationMinutes=5", "minDurationMinutes=1");
        // reminders go to the logging channel, chosen explicitly (the shipped hub has no channel until one is set up)
        karaf.write("etc/org.telehub.notify.log.cfg", "# the logging channel: sends nothing to anyone\n");
        karaf.edit("etc/org.telehub.encounter.cfg", "webhookBaseBackoffMillis=2000", "webhookBaseBackoffMillis=300");
        karaf.edit("etc/org.telehub.encounter.cfg", "webhookMaxBackoffMillis=600000", "webhookMaxBackoffMillis=1000");
        karaf.edit("etc/org.telehub.encounter.cfg", "webhookTimeoutMillis=10000", "webhookTimeoutMillis=2000");
        karaf.scanWith(org.telehub.files.testing.Clamd.shared().port());
        Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.test-main.cfg"),
                "id=ehr-main\nbehaviour=ok\nremoteUrl=" + remote.url() + "\n");
        // the adapter from the deploy folder: there after every restart without a shell command
        Path deploy = Files.createDirectories(karaf.home.resolve("deploy"));
        Files.copy(Paths.get(System.getProperty("telehub.testAdapter")), deploy.resolve("test-adapter.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        hl7Port = KarafInstance.freePort();
        // the interface also books: every fourth admission is followed by an SIU^S12 for its patient
        Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.hl7v2-crash.cfg"), "id=his-crash\nport="
                + hl7Port + "\nbookings=true\ndoctors=4711=dr.siu\ntimeZone=UTC\n");
        // an endoscopy system sending its images to the hub's storage SCP (the worklist is not asked here)
        endoPort = KarafInstance.freePort();
        Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.endoscopy-crash.cfg"), "id=endo-crash\n"
                + "worklistHost=127.0.0.1\nworklistPort=1\nworklistAe=UNUSED\ncallingAe=TELEHUB\nstoragePort="
                + endoPort + "\nsenders=ENDOBASE@127.0.0.1\n");
        endoImage = org.telehub.testing.dicom.Dcmtk.vlEndoscopic(karaf.home.resolve("../endo-crash"), "base",
                "ENDO-CRASH", "Crash^Endo", "ACC-CRASH", "2.25.777", 1, ENDO_BASE_UID);
        karaf.start();
        admin = karaf.login("admin", ADMIN_PASSWORD);
        String hl7 = karaf.shell("admin", ADMIN_PASSWORD, "feature:install telehub-adapter-hl7v2");
        assertTrue(!hl7.contains("Error"), hl7);
        String endo = karaf.shell("admin", ADMIN_PASSWORD, "feature:install telehub-adapter-endoscopy");
        assertTrue(!endo.contains("Error"), endo);
        awaitEndoListening();
        ok(karaf.post("/api/v1/users", admin, "application/json",
                "{\"username\":\"nurse.crash\",\"roles\":[\"nurse\"],\"password\":\"kill-dash-nine-1\"}"), 201);
        nurse = karaf.login("nurse.crash", "kill-dash-nine-1");
        ok(karaf.post("/api/v1/users", admin, "application/json",
                "{\"username\":\"desk.crash\",\"roles\":[\"front-desk\"],\"password\":\"kill-dash-nine-2\"}"), 201);
        desk = karaf.login("desk.crash", "kill-dash-nine-2");
        p1 = karaf.patientInCareOf(nurse, "Pat Crash");
        awaitAdapter();
        ok(karaf.put("/api/v1/integration/patient/" + p1 + "/identifiers/ehr-main", nurse, "{\"identifier\":\"MRN-1\"}"), 201);
        ok(karaf.post("/api/v1/users", admin, "application/json",
                "{\"username\":\"doctor.crash\",\"roles\":[\"doctor\"],\"password\":\"kill-dash-nine-3\"}"), 201);
        String doc = Scheduling.doctor(karaf, admin, "Dr Chat Crash", "doctor.crash");
        Scheduling.doctor(karaf, admin, "Dr Siu Crash", "dr.siu");
        chatDoctor = karaf.login("doctor.crash", "kill-dash-nine-3");
        chatVisit = KarafInstance.json(ok(karaf.post("/api/v1/encounters", admin, "application/json",
                Scheduling.visit(doc, p1, Scheduling.dayAfterTomorrow(8), 30)), 201)).get("id").asText();
        // the chat doctor's visit of now, held: its report is written during the load
        reportVisit = KarafInstance.json(ok(karaf.post("/api/v1/encounters", admin, "application/json",
                Scheduling.visit(doc, p1, Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(3)),
                        15)), 201)).get("id").asText();
        ok(karaf.post("/api/v1/encounters/" + reportVisit + "/start", chatDoctor, "application/json", ""), 200);
        ok(karaf.post("/api/v1/encounters/" + reportVisit + "/end", chatDoctor, "application/json", ""), 200);
        HttpResponse<String> drafted = karaf.post("/api/v1/encounters/" + reportVisit + "/report", chatDoctor,
                "application/json", "");
        assertTrue(drafted.statusCode() == 200 || drafted.statusCode() == 201, drafted.body());
        reportRevision.set(KarafInstance.json(drafted).get("revision").asInt());
        // the signing doctor enrols his authenticator app, confirmed with the previous step's code (so no later code of
        // his is a replay); his patient has an e-mail address and a record in the EHR
        ok(karaf.post("/api/v1/users", admin, "application/json",
                "{\"username\":\"signer.crash\",\"roles\":[\"doctor\"],\"password\":\"kill-dash-nine-4\"}"), 201);
        signerDoctor = Scheduling.doctor(karaf, admin, "Dr Sign Crash", "signer.crash");
        signer = karaf.login("signer.crash", "kill-dash-nine-4");
        signerTotp = KarafInstance.json(ok(karaf.post("/api/v1/auth/totp/enrolment", signer, "application/json", "{}"),
                200)).get("secret").asText();
        if (System.currentTimeMillis() % 30_000 > 22_000) {
            Thread.sleep(30_500 - System.currentTimeMillis() % 30_000);
        }
        ok(karaf.post("/api/v1/auth/totp/confirmation", signer, "application/json", "{\"code\":\""
                + WebIT.oathtool(signerTotp, Instant.now().minusSeconds(30)) + "\"}"), 200);
        lastSignStep = Instant.now().getEpochSecond() / 30;
        signPatient = KarafInstance.json(ok(karaf.post("/api/v1/patients", admin, "application/json",
                "{\"displayName\":\"Signed Crash\",\"birthDate\":\"1980-01-01\",\"email\":\"" + SIGN_PATIENT_MAIL
                        + "\"}"), 201)).get("id").asText();
        karaf.careTeam(admin, signPatient, "nurse.crash");
        ok(karaf.put("/api/v1/integration/patient/" + signPatient + "/identifiers/ehr-main", nurse,
                "{\"identifier\":\"MRN-2\"}"), 201);
        ok(karaf.post("/api/v1/webhooks", admin, "application/json", "{\"url\":\"http://127.0.0.1:"
                + portal.getAddress().getPort() + "/hooks\",\"secret\":\"crash-portal-secret-0123\"}"), 201);
    }

    @AfterAll
    static void stop() {
        if (karaf != null) {
            karaf.close();
        }
        if (remote != null) {
            remote.close();
        }
        if (portal != null) {
            portal.stop(0);
        }
        if (mail != null) {
            mail.stop();
        }
    }

    /** What one load phase got acknowledged. */
    private record Acked(List<String> bookings, Map<String, Instant> bookingStart, List<String> deliveries,
            List<String> invited, List<String> resets, List<String> unexpected, List<String> imports,
            List<String> followers, Instant killedAt) {
    }

    @Test
    void killNineOnEveryDurablePathLosesNothingAcknowledgedAndDoesEachPieceOfWorkOnce() throws Exception {
        long t0 = System.nanoTime();
        List<String> bookings = new ArrayList<>();
        Map<String, Instant> starts = new HashMap<>();
        List<String> deliveries = new ArrayList<>();
        List<String> invited = new ArrayList<>();
        List<String> resets = new ArrayList<>();
        List<String> imports = new ArrayList<>();
        List<String> followers = new ArrayList<>();
        int resumed = 0;
        StringBuilder report = new StringBuilder("| cycle | bookings 201 | deliveries 202 | load (s) | restart to"
                + " ready (s) | verified after restart | chat (all cycles so far) |\n|---|---|---|---|---|---|---|\n");
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            long loadMillis = 3000 + ThreadLocalRandom.current().nextLong(3000);
            Acked a = load(cycle, loadMillis);
            assertTrue(a.unexpected().isEmpty(), "answers other than 2xx or a dropped connection: " + a.unexpected());
            assertTrue(!a.bookings().isEmpty() && !a.deliveries().isEmpty(), "load ran on both paths");
            Duration restart = karaf.start();
            logins();
            // everything acknowledged before the kill is there at once
            for (String id : a.bookings()) {
                HttpResponse<String> r = karaf.get("/api/v1/encounters/" + id, admin);
                assertEquals(200, r.statusCode(), "cycle " + cycle + ": acknowledged booking " + id + " is gone");
            }
            for (String id : a.deliveries()) {
                HttpResponse<String> r = karaf.get("/api/v1/integration/deliveries/" + id, nurse);
                assertEquals(200, r.statusCode(), "cycle " + cycle + ": acknowledged delivery " + id + " is gone");
            }
            String chat = checkChat(cycle) + " / " + checkReport(cycle) + " / " + checkSigned(cycle) + " / "
                    + checkHl7(cycle) + " / " + checkEndo(cycle);
            for (String acked : a.imports()) {
                String id = acked.substring(acked.indexOf(':') + 1);
                HttpResponse<String> r = karaf.get("/api/v1/directory/diseases/imports/" + id, admin);
                assertEquals(200, r.statusCode(), "cycle " + cycle + ": acknowledged import " + id + " is gone");
                // cut by the kill: not finished before it (it resumed after the restart, or is resuming now)
                JsonNode finished = KarafInstance.json(r).get("finishedAt");
                resumed += finished == null || finished.isNull() || Instant.parse(finished.asText())
                        .isAfter(a.killedAt()) ? 1 : 0;
            }
            imports.addAll(a.imports());
            followers.addAll(a.followers());
            bookings.addAll(a.bookings());
            starts.putAll(a.bookingStart());
            deliveries.addAll(a.deliveries());
            invited.addAll(a.invited());
            resets.addAll(a.resets());
            String row = String.format("| %d | %d | %d | %.1f | %.1f | %d + %d | %s |%n", cycle, a.bookings().size(),
                    a.deliveries().size(), loadMillis / 1000.0, restart.toMillis() / 1000.0, a.bookings().size(),
                    a.deliveries().size(), chat);
            report.append(row);
            System.out.print("crash cycle " + row);
        }

        // every piece of work completes, once at its receiver
        awaitDeliveries(deliveries, 120);
        Set<String> ackedDeliveries = new HashSet<>(deliveries);
        assertEquals(deliveries.size(), ackedDeliveries.size(), "one delivery id per acknowledged request");
        int deliveryRepeats = 0;
        for (String key : remote.records.keySet()) {
            if (!ackedDeliveries.contains(key)) {
                // committed, but the 202 died with the JVM: it must be a delivery the hub knows, not a phantom
                assertEquals(200, karaf.get("/api/v1/integration/deliveries/" + key, nurse).statusCode(), key);
            }
            deliveryRepeats += remote.writes.get(key).get() > 1 ? 1 : 0;
        }
        Map<String, List<String>> eventsOf = awaitWebhooks(bookings, 90);
        int hookRepeats = 0;
        for (String id : bookings) {
            assertEquals(1, eventsOf.get(id).size(), "one encounter.scheduled event for booking " + id + ": "
                    + eventsOf.get(id));
            hookRepeats += hooks.get(eventsOf.get(id).get(0)).get() > 1 ? 1 : 0;
        }
        // every path carried load at least once (a client that never ran would prove nothing), and a kill cut an
        // import that then resumed
        assertTrue(!invited.isEmpty() && !resets.isEmpty() && !imports.isEmpty() && !followers.isEmpty()
                && resumed > 0, "invitations " + invited.size() + ", resets " + resets.size() + ", imports "
                        + imports.size() + " (" + resumed + " cut by a kill), cancellations told to followers "
                        + followers.size());
        int[] reminders = checkReminders(bookings, starts);
        int mailRepeats = checkMails(invited, resets, followers);
        int signedReports = awaitSigned();
        int hl7Patients = awaitHl7();
        assertFalse(endoAcked.isEmpty(), "the endoscopy system stored images under load");
        awaitImports(imports, 120);

        // a clean stop and start after the kills: healthy, everything still there, new work accepted
        karaf.stop();
        Duration clean = karaf.start();
        logins();
        HttpResponse<String> h = karaf.get("/api/v1/health", admin);
        assertEquals("UP", KarafInstance.json(h).get("status").asText(), h.body());
        assertEquals(bookings.size(), bookings.stream().filter(id -> {
            try {
                return karaf.get("/api/v1/encounters/" + id, admin).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        }).count());
        String d = Scheduling.doctor(karaf, admin, "Dr After", null);
        String p = Scheduling.patient(karaf, admin, "Patient After", null);
        ok(karaf.post("/api/v1/encounters", admin, "application/json",
                Scheduling.visit(d, p, Scheduling.dayAfterTomorrow(9), 30)), 201);
        String last = KarafInstance.json(ok(karaf.post("/api/v1/integration/patient/" + p1 + "/send-results", nurse,
                "application/json", report("after")), 202)).at("/deliveries/0/id").asText();
        awaitDeliveries(List.of(last), 30);

        report.append(String.format("%nTotal: %d bookings and %d deliveries acknowledged, all verified; %d webhook "
                + "events; %d reminders sent (%d due but undecidable at the check); repeated at the receiver "
                + "(absorbed by the key): %d deliveries, %d webhooks; repeated reminder notifications: %d; clean "
                + "restart %.1f s; whole test %.0f s. Invitations by e-mail: %d acknowledged, each arrived; password"
                + " resets: %d acknowledged, each arrived and its link worked once; freed slots told to followers: %d"
                + " acknowledged cancellations, each follower mailed; repeated mails: %d. Disease imports: %d of %d"
                + " rows each, %d cut by a kill and resumed, each row imported once. Reports signed under load: %d,"
                + " each delivered once. HL7 v2 messages answered AA: %d, each stored and processed once (%d"
                + " patients registered from all stored admissions; %d SIU^S12 answered AA, %d visits booked from all"
                + " stored ones, one each). Endoscopy images stored with success: %d, each kept with its content.%n",
                bookings.size(), deliveries.size(), bookings.size(),
                reminders[0], reminders[2], deliveryRepeats, hookRepeats, reminders[1], clean.toMillis() / 1000.0,
                (System.nanoTime() - t0) / 1e9, invited.size(), resets.size(), followers.size(), mailRepeats,
                imports.size(), IMPORT_ROWS, resumed, signedReports, hl7Acked.size(), hl7Patients, siuAcked.get(),
                siuVisits, endoAcked.size()));
        Files.writeString(karaf.home.resolve("../crash-" + CYCLES + ".md"), report.toString());
        System.out.println(report);
    }

    // ---- load

    /** Bookings and deliveries from several clients; after {@code loadMillis} the JVM is killed under them. */
    private static Acked load(int cycle, long loadMillis) throws Exception {
        List<String> doctors = new ArrayList<>();
        List<String> patients = new ArrayList<>();
        for (int c = 0; c < BOOKING_CLIENTS; c++) {
            doctors.add(Scheduling.doctor(karaf, admin, "Dr Crash " + cycle + "-" + c, null));
            patients.add(Scheduling.patient(karaf, admin, "Patient Crash " + cycle + "-" + c, null));
        }
        // accounts that will ask for a password reset during the load (each account gets at most 3 mails an hour)
        List<String> resetting = new ArrayList<>();
        for (int r = 0; cycle <= RESET_CYCLES && r < RESETS; r++) {
            String name = "reset.c" + cycle + "." + r;
            ok(karaf.post("/api/v1/users", admin, "application/json", "{\"username\":\"" + name + "\",\"roles\":"
                    + "[\"nurse\"],\"password\":\"before-the-kill-1\",\"email\":\"" + name + "@crash.example\"}"),
                    201);
            resetting.add(name);
        }
        // a patient follows a doctor whose visit is cancelled during the load: she is to be told of the freed time
        String followed = Scheduling.doctor(karaf, admin, "Dr Followed " + cycle, null);
        String follower = "follower.c" + cycle;
        ok(karaf.post("/api/v1/users", admin, "application/json", "{\"username\":\"" + follower + "\",\"roles\":"
                + "[\"patient\"],\"password\":\"follow-the-doctor-1\"}"), 201);
        ok(karaf.post("/api/v1/patients", admin, "application/json", "{\"displayName\":\"Follower " + cycle
                + "\",\"username\":\"" + follower + "\",\"email\":\"" + follower + "@crash.example\"}"), 201);
        ok(karaf.put("/api/v1/directory/doctors/" + followed + "/follow", karaf.login(follower,
                "follow-the-doctor-1"), "{}"), 204);
        String toCancel = KarafInstance.json(ok(karaf.post("/api/v1/encounters", admin, "application/json",
                Scheduling.visit(followed, Scheduling.patient(karaf, admin, "Cancelling " + cycle, null),
                        Scheduling.dayAfterTomorrow(10), 30)), 201)).get("id").asText();
        // the signing doctor's approved report of this cycle, and a code of a step after the last one he used
        String signVisit = approvedReport(cycle);
        while (Instant.now().getEpochSecond() / 30 <= lastSignStep) {
            Thread.sleep(200);
        }
        lastSignStep = Instant.now().getEpochSecond() / 30;
        String signCode = WebIT.oathtool(signerTotp, Instant.ofEpochSecond(lastSignStep * 30 + 1));
        List<String> imports = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> followers = java.util.Collections.synchronizedList(new ArrayList<>());
        // visits from about ten minutes ahead, one a minute per client: their reminders fall due during the test
        Instant base = Instant.now().plusSeconds(OFFSETS.get(0) + 60L).truncatedTo(ChronoUnit.MINUTES);
        List<String> bookings = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, Instant> starts = new ConcurrentHashMap<>();
        List<String> deliveries = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> invited = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> resets = java.util.Collections.synchronizedList(new ArrayList<>());
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        AtomicBoolean dead = new AtomicBoolean();
        long hardStop = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        // one thread per client: chat, uploads, bookings, deliveries, the import, the cancellation, invitations
        ExecutorService pool = Executors.newFixedThreadPool(BOOKING_CLIENTS + DELIVERY_CLIENTS + 7);
        List<Future<?>> clients = new ArrayList<>();
        // the doctor saves the visit's report over and over, each save from the revision the last one gave
        clients.add(pool.submit(() -> {
            for (int k = 0; k < 5000 && System.nanoTime() < hardStop; k++) {
                String text = "assessment c" + cycle + "-" + k;
                try {
                    HttpResponse<String> r = karaf.put("/api/v1/encounters/" + reportVisit + "/report", chatDoctor,
                            "{\"revision\":" + reportRevision.get() + ",\"content\":{\"language\":\"en\","
                                    + "\"assessment\":\"" + text + "\"}}");
                    if (r.statusCode() == 200) {
                        int revision = KarafInstance.json(r).get("revision").asInt();
                        reportAcked.put(revision, text);
                        reportRevision.set(revision);
                    } else if (r.statusCode() == 409) {
                        // the save before the last kill committed though its answer died: go on from where it is
                        JsonNode p = KarafInstance.json(r);
                        reportRevision.set(p.path("currentRevision").asInt(p.at("/details/currentRevision").asInt()));
                    } else if (!dead.get()) {
                        unexpected.add("report: " + r.statusCode() + " " + r.body());
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }));
        // a hospital system sends admissions over one MLLP connection, each the next only after its ACK
        clients.add(pool.submit(() -> hl7Load(cycle, hardStop, dead, unexpected)));
        // the endoscopy system stores one image per association, each the next only after its answer
        clients.add(pool.submit(() -> endoLoad(cycle, hardStop, dead)));
        // the visit's doctor writes in its conversation and posts a file every fifth message (clamd scans each)
        clients.add(pool.submit(() -> {
            for (int k = 0; k < 5000 && System.nanoTime() < hardStop; k++) {
                String clientId = "c" + cycle + "-" + k;
                try {
                    String attachment = null;
                    if (k % 5 == 0) {
                        String content = "crash note " + clientId + " " + UUID.randomUUID();
                        HttpResponse<String> up = karaf.send(HttpRequest.newBuilder(URI.create(karaf.url(
                                "/api/v1/conversations/encounters/" + chatVisit + "/files?name=" + clientId + ".txt")))
                                .header("Content-Type", "application/octet-stream")
                                .POST(HttpRequest.BodyPublishers.ofString(content)), chatDoctor);
                        if (up.statusCode() != 201) {
                            if (!dead.get()) {
                                unexpected.add("upload: " + up.statusCode() + " " + up.body());
                            }
                            continue;
                        }
                        attachment = KarafInstance.json(up).get("id").asText();
                        filesAcked.put(attachment, content);
                    }
                    chatInFlight.add(clientId);
                    HttpResponse<String> r = karaf.post("/api/v1/conversations/encounters/" + chatVisit + "/messages",
                            chatDoctor, "application/json", "{\"clientId\":\"" + clientId + "\",\"text\":\"message "
                                    + clientId + "\"" + (attachment == null ? "" : ",\"attachmentId\":\"" + attachment
                                    + "\"") + "}");
                    if (r.statusCode() == 201) {
                        chatAcked.put(KarafInstance.json(r).get("id").asText(), clientId);
                        chatInFlight.remove(clientId);
                    } else if (!dead.get()) {
                        unexpected.add("chat: " + r.statusCode() + " " + r.body());
                    }
                } catch (IOException e) {
                    return; // in flight at the kill: chatInFlight keeps its client id
                }
            }
        }));
        // and uploads a ~200 KB file in 64 KiB pieces, one after the other
        clients.add(pool.submit(() -> {
            for (int k = 0; k < 1000 && System.nanoTime() < hardStop; k++) {
                StringBuilder text = new StringBuilder();
                String line = "resumable " + cycle + "-" + k + " " + UUID.randomUUID() + "\n";
                while (text.length() < 200_000) {
                    text.append(line);
                }
                byte[] content = text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                try {
                    HttpResponse<String> started = karaf.post("/api/v1/conversations/encounters/" + chatVisit
                            + "/uploads", chatDoctor, "application/json", "{\"name\":\"r" + cycle + "-" + k
                                    + ".txt\",\"size\":" + content.length + "}");
                    if (started.statusCode() != 201) {
                        if (!dead.get()) {
                            unexpected.add("upload start: " + started.statusCode() + " " + started.body());
                        }
                        continue;
                    }
                    String id = KarafInstance.json(started).get("id").asText();
                    resumable.put(id, content);
                    resumableAcked.put(id, 0L);
                    String made = sendPieces(id, content, 0, unexpected, dead);
                    if (made != null) {
                        piecedWhole.incrementAndGet();
                        filesAcked.put(made, text.toString());
                        resumable.remove(id);
                        resumableAcked.remove(id);
                    }
                } catch (IOException e) {
                    return; // killed: what the hub acknowledged is checked after the restart
                }
            }
        }));
        for (int c = 0; c < BOOKING_CLIENTS; c++) {
            int client = c;
            clients.add(pool.submit(() -> {
                for (int k = 0; k < 5000 && System.nanoTime() < hardStop; k++) {
                    Instant at = base.plus(Duration.ofMinutes(k));
                    try {
                        HttpResponse<String> r = karaf.post("/api/v1/encounters", admin, "application/json",
                                Scheduling.visit(doctors.get(client), patients.get(client), at, 1));
                        if (r.statusCode() == 201) {
                            String id = KarafInstance.json(r).get("id").asText();
                            bookings.add(id);
                            starts.put(id, at);
                        } else if (!dead.get()) {
                            unexpected.add("booking: " + r.statusCode() + " " + r.body());
                        }
                    } catch (IOException e) {
                        return; // the hub is gone: this request was never acknowledged
                    }
                }
            }));
        }
        for (int c = 0; c < DELIVERY_CLIENTS; c++) {
            int client = c;
            clients.add(pool.submit(() -> {
                for (int k = 0; k < 5000 && System.nanoTime() < hardStop; k++) {
                    try {
                        HttpResponse<String> r = karaf.post("/api/v1/integration/patient/" + p1 + "/send-results", nurse,
                                "application/json", report("c" + cycle + "-" + client + "-" + k));
                        if (r.statusCode() == 202) {
                            deliveries.add(KarafInstance.json(r).at("/deliveries/0/id").asText());
                        } else if (!dead.get()) {
                            unexpected.add("send-results: " + r.statusCode() + " " + r.body());
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            }));
        }
        // the administrator imports the cycle's diseases as the load begins (the kill finds the import running), and
        // cancels the followed doctor's visit at a moment of it
        clients.add(pool.submit(() -> {
            try {
                HttpResponse<String> r = karaf.send(HttpRequest.newBuilder(URI.create(karaf.url(
                        "/api/v1/directory/diseases/imports?format=csv"))).header("Content-Type",
                                "application/octet-stream").POST(HttpRequest.BodyPublishers.ofString(diseases(cycle))),
                        admin);
                if (r.statusCode() == 202) {
                    imports.add(cycle + ":" + KarafInstance.json(r).get("id").asText()); // the cycle, for its codes
                } else if (!dead.get()) {
                    unexpected.add("disease import: " + r.statusCode() + " " + r.body());
                }
            } catch (IOException e) {
                return; // killed: not acknowledged
            }
        }));
        clients.add(pool.submit(() -> {
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(Math.max(1, loadMillis * 4 / 5)));
                HttpResponse<String> c = karaf.post("/api/v1/encounters/" + toCancel + "/cancel", admin,
                        "application/json", "{\"reason\":\"crash test\"}");
                if (c.statusCode() == 200) {
                    followers.add(follower + "@crash.example");
                } else if (!dead.get()) {
                    unexpected.add("cancel: " + c.statusCode() + " " + c.body());
                }
            } catch (IOException e) {
                return; // killed: not acknowledged
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        // the doctor signs his report at a moment of the load (the first cycle: as it begins), then shares it
        AtomicBoolean signAnswered = new AtomicBoolean();
        clients.add(pool.submit(() -> {
            try {
                Thread.sleep(cycle == 1 ? 0 : ThreadLocalRandom.current().nextLong(Math.max(1, loadMillis / 2)));
                HttpResponse<String> signed = karaf.post("/api/v1/encounters/" + signVisit + "/report/sign", signer,
                        "application/json", "{\"code\":\"" + signCode + "\"}");
                signAnswered.set(true);
                if (signed.statusCode() != 200) {
                    if (!dead.get()) {
                        unexpected.add("sign: " + signed.statusCode() + " " + signed.body());
                    }
                    return;
                }
                signAcked.put(signVisit, "signed");
                HttpResponse<String> shared = karaf.post("/api/v1/encounters/" + signVisit + "/report/share", signer,
                        "application/json", "");
                if (shared.statusCode() == 200) {
                    signAcked.put(signVisit, "shared");
                } else if (!dead.get()) {
                    unexpected.add("share: " + shared.statusCode() + " " + shared.body());
                }
            } catch (IOException e) {
                return; // killed: not acknowledged
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        // front desk invites a guest by e-mail to the visits being booked; the reset requests are spread over it
        clients.add(pool.submit(() -> {
            for (int k = 0; k < 5000 && System.nanoTime() < hardStop; k++) {
                try {
                    if (k < resetting.size()) {
                        HttpResponse<String> r = karaf.post("/api/v1/auth/password-reset", null, "application/json",
                                "{\"username\":\"" + resetting.get(k) + "\"}");
                        if (r.statusCode() == 202) {
                            resets.add(resetting.get(k));
                        } else if (!dead.get()) {
                            unexpected.add("password-reset: " + r.statusCode() + " " + r.body());
                        }
                    }
                    String visit;
                    synchronized (bookings) {
                        visit = bookings.isEmpty() ? null : bookings.get(bookings.size() - 1);
                    }
                    if (visit == null) {
                        Thread.sleep(50);
                        continue;
                    }
                    String address = "guest.c" + cycle + "." + k + "@crash.example";
                    HttpResponse<String> r = karaf.post("/api/v1/encounters/" + visit + "/invitations", desk,
                            "application/json", "{\"kind\":\"guest\",\"displayName\":\"Guest " + k + "\","
                                    + "\"email\":\"" + address + "\"}");
                    if (r.statusCode() == 201) {
                        invited.add(address);
                    } else if (!dead.get()) {
                        unexpected.add("invitation: " + r.statusCode() + " " + r.body());
                    }
                } catch (IOException e) {
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }));
        Thread.sleep(loadMillis);
        // the kill comes once the cycle's disease import is acknowledged (its 3.5 MB upload may take longer than a
        // short load on a busy machine: a CI run had all three loads end before its 202), so it is cut while it runs
        // the first cycle's kill also waits for the signature's answer (a cold JVM's first signature loads the fonts
        // and may outlast a short load), so that signing and its delivery surely carry load once; later cycles'
        // signatures may be cut
        for (long until = System.nanoTime() + Duration.ofSeconds(20).toNanos(); (imports.isEmpty()
                || cycle == 1 && !signAnswered.get()) && System.nanoTime() < until;) {
            Thread.sleep(100);
        }
        dead.set(true);
        Instant killedAt = Instant.now();
        karaf.kill9();
        for (Future<?> f : clients) {
            f.get();
        }
        pool.shutdown();
        return new Acked(List.copyOf(bookings), Map.copyOf(starts), List.copyOf(deliveries), List.copyOf(invited),
                List.copyOf(resets), List.copyOf(unexpected), List.copyOf(imports), List.copyOf(followers), killedAt);
    }

    /** A CSV of {@link #IMPORT_ROWS} ICD-10-shaped codes of the cycle's own (V, the cycle's digit, 4 base-36 characters). */
    private static String diseases(int cycle) {
        StringBuilder csv = new StringBuilder("code,name,billable\n");
        for (int i = 0; i < IMPORT_ROWS; i++) {
            String n = Integer.toString(i, 36).toUpperCase(java.util.Locale.ROOT);
            csv.append('V').append(cycle % 10).append("0000".substring(n.length())).append(n)
                    .append(",Crash condition ").append(cycle).append('-').append(i).append(",true\n");
        }
        return csv.toString();
    }

    /**
     * Every acknowledged import ({@code cycle:id}) finishes, each of its rows imported once, no row in error, and its
     * last row is found by its code.
     */
    private static void awaitImports(List<String> acked, int seconds) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        String n = Integer.toString(IMPORT_ROWS - 1, 36).toUpperCase(java.util.Locale.ROOT);
        String last = "0000".substring(n.length()) + n;
        for (String a : acked) {
            int cycle = Integer.parseInt(a.substring(0, a.indexOf(':')));
            String id = a.substring(a.indexOf(':') + 1);
            JsonNode job;
            do {
                job = KarafInstance.json(ok(karaf.get("/api/v1/directory/diseases/imports/" + id, admin), 200));
                if (!"running".equals(job.get("state").asText())) {
                    break;
                }
                Thread.sleep(500);
            } while (System.nanoTime() < deadline);
            assertEquals("done", job.get("state").asText(), job.toString());
            assertEquals(IMPORT_ROWS, job.get("total").asInt(), job.toString());
            assertEquals(IMPORT_ROWS, job.get("done").asInt(), job.toString());
            assertEquals(IMPORT_ROWS, job.get("imported").asInt(), "each row once: " + job);
            assertEquals(0, job.get("errors").size(), job.toString());
            String code = "V" + (cycle % 10) + last;
            JsonNode found = KarafInstance.json(ok(karaf.get("/api/v1/directory/diseases?q=" + code, admin), 200));
            assertEquals(1, found.size(), code + ": " + found);
            assertEquals(code, found.get(0).get("code").asText().replace(".", ""), found.toString());
            assertEquals("Crash condition " + cycle + "-" + (IMPORT_ROWS - 1), found.get(0).get("name").asText());
        }
    }

    private static String report(String title) {
        return "{\"targets\":[\"ehr-main\"],\"report\":{\"code\":\"11488-4\",\"codeSystem\":\"http://loinc.org\","
                + "\"title\":\"crash " + title + "\",\"conclusion\":\"Stable.\",\"author\":\"nurse.crash\"}}";
    }

    /**
     * The cycle's visit of the signing doctor, with his patient: booked in the first free minute from two minutes on
     * (one minute long), started and ended, its report written and approved.
     */
    private static String approvedReport(int cycle) throws Exception {
        Instant from = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(2));
        HttpResponse<String> booked = null;
        for (int m = 0; m < 8 && (booked == null || booked.statusCode() != 201); m++) {
            booked = karaf.post("/api/v1/encounters", admin, "application/json",
                    Scheduling.visit(signerDoctor, signPatient, from.plus(Duration.ofMinutes(m)), 1));
        }
        String visit = KarafInstance.json(ok(booked, 201)).get("id").asText();
        ok(karaf.post("/api/v1/encounters/" + visit + "/start", admin, "application/json", ""), 200);
        ok(karaf.post("/api/v1/encounters/" + visit + "/end", admin, "application/json", ""), 200);
        HttpResponse<String> drafted = karaf.post("/api/v1/encounters/" + visit + "/report", signer,
                "application/json", "");
        assertTrue(drafted.statusCode() == 200 || drafted.statusCode() == 201, drafted.body());
        int saved = KarafInstance.json(ok(karaf.put("/api/v1/encounters/" + visit + "/report", signer,
                "{\"revision\":" + KarafInstance.json(drafted).get("revision").asInt() + ",\"content\":{\"language\":"
                        + "\"en\",\"assessment\":\"Signed under load, cycle " + cycle + "\"}}"), 200)).get("revision")
                .asInt();
        ok(karaf.post("/api/v1/encounters/" + visit + "/report/approve", signer, "application/json",
                "{\"revision\":" + saved + "}"), 200);
        signVisits.add(visit);
        return visit;
    }

    // ---- checks

    /**
     * After a restart: a report acknowledged signed is signed and its PDF downloads, one acknowledged shared is
     * shared; any report the kill cut is approved or signed whole (never signed without its PDF). Returns "signed n".
     */
    private static String checkSigned(int cycle) throws IOException {
        int signed = 0;
        for (String visit : signVisits) {
            JsonNode r = KarafInstance.json(ok(karaf.get("/api/v1/encounters/" + visit + "/report", signer), 200));
            String status = r.get("status").asText();
            String acked = signAcked.get(visit);
            if (acked != null) {
                assertEquals("signed", status, "cycle " + cycle + ": acknowledged signature of " + visit + " lost");
            }
            if ("shared".equals(acked)) {
                assertTrue(r.hasNonNull("sharedAt"), "cycle " + cycle + ": acknowledged share of " + visit + " lost");
            }
            if ("signed".equals(status)) {
                HttpResponse<byte[]> pdf = karaf.sendBytes(HttpRequest.newBuilder(URI.create(karaf.url("/api/v1/"
                        + r.get("pdf").asText()))).GET(), signer);
                assertEquals(200, pdf.statusCode(), "signed " + visit + " without its PDF");
                assertEquals("%PDF-", new String(pdf.body(), 0, 5, StandardCharsets.US_ASCII));
                signed++;
            } else {
                assertEquals("approved", status, "cycle " + cycle + ": " + visit + " half-signed? " + r);
            }
        }
        assertFalse(signAcked.isEmpty() && cycle == CYCLES, "signing carried load in no cycle");
        return "signed " + signed;
    }

    /**
     * Every signed report reaches the EHR: its delivery delivered, and at the target exactly one record with its
     * document id; each shared one's patient got its mail with the link to it. Returns how many reports were signed.
     */
    private static int awaitSigned() throws Exception {
        int signed = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        for (String visit : signVisits) {
            JsonNode r;
            while (true) {
                r = KarafInstance.json(ok(karaf.get("/api/v1/encounters/" + visit + "/report", signer), 200));
                boolean delivered = r.path("deliveries").size() == 1
                        && "delivered".equals(r.path("deliveries").get(0).path("state").asText());
                if (!"signed".equals(r.get("status").asText()) || delivered) {
                    break;
                }
                assertTrue(System.nanoTime() < deadline, "signed report of " + visit + " never delivered: " + r);
                Thread.sleep(500);
            }
            if (!"signed".equals(r.get("status").asText())) {
                continue;
            }
            signed++;
            String label = "\"label\":\"report:" + r.get("id").asText() + "\"";
            long records = remote.bodies.entrySet().stream().filter(e -> e.getValue().contains(label)
                    && remote.records.containsKey(e.getKey())).count();
            assertEquals(1, records, "one record of " + visit + "'s report at the EHR");
        }
        for (Map.Entry<String, String> acked : signAcked.entrySet()) {
            if (!"shared".equals(acked.getValue())) {
                continue;
            }
            boolean told = false;
            while (!told) {
                for (jakarta.mail.internet.MimeMessage m : mail.getReceivedMessages()) {
                    told |= SIGN_PATIENT_MAIL.equalsIgnoreCase(((jakarta.mail.internet.InternetAddress)
                            m.getAllRecipients()[0]).getAddress()) && content(m).contains("/encounters/"
                                    + acked.getKey() + "/report");
                }
                assertTrue(told || System.nanoTime() < deadline, "shared " + acked.getKey() + ", never mailed");
                Thread.sleep(told ? 0 : 500);
            }
        }
        return signed;
    }

    /**
     * After a restart: every acknowledged message is there, the conversation numbered 1..n with no gap and each client
     * id once; a send in flight at the kill, sent again with its client id, is there exactly once; every acknowledged
     * file downloads byte for byte. Returns "messages / files" for the report.
     */
    /**
     * After a restart: every acknowledged save of the report is in its history with what it saved, and the report is
     * at least at the last acknowledged revision. Returns "n report revisions" for the report.
     */
    private static String checkReport(int cycle) throws IOException {
        assertFalse(reportAcked.isEmpty(), "cycle " + cycle + ": the report carried load");
        Set<Integer> history = new HashSet<>();
        for (JsonNode r : KarafInstance.json(ok(karaf.get("/api/v1/encounters/" + reportVisit + "/report/revisions",
                chatDoctor), 200))) {
            history.add(r.get("revision").asInt());
        }
        int last = 0;
        for (Map.Entry<Integer, String> acked : reportAcked.entrySet()) {
            assertTrue(history.contains(acked.getKey()), "cycle " + cycle + ": acknowledged report revision "
                    + acked.getKey() + " is gone");
            last = Math.max(last, acked.getKey());
        }
        // the latest few read back whole (each a GET: not all of them every cycle)
        for (int v = Math.max(1, last - 2); v <= last; v++) {
            if (reportAcked.containsKey(v)) {
                JsonNode content = KarafInstance.json(ok(karaf.get("/api/v1/encounters/" + reportVisit
                        + "/report/revisions/" + v, chatDoctor), 200));
                assertEquals(reportAcked.get(v), content.get("assessment").asText(), "revision " + v);
            }
        }
        JsonNode now = KarafInstance.json(ok(karaf.get("/api/v1/encounters/" + reportVisit + "/report", chatDoctor),
                200));
        assertTrue(now.get("revision").asInt() >= last, "the report is at least at revision " + last + ": " + now);
        return reportAcked.size() + " report revisions";
    }

    // ---- HL7 v2

    /** ADT A04s of new patients (one MRN each) on one MLLP connection until the hub dies. */
    private static void hl7Load(int cycle, long hardStop, AtomicBoolean dead,
            ConcurrentLinkedQueue<String> unexpected) {
        try (MllpClient hl7 = new MllpClient(hl7Port, 30_000)) {
            for (int k = 0; k < 100_000 && System.nanoTime() < hardStop; k++) {
                String control = "K" + cycle + "-" + k;
                String mrn = "CRASH-" + cycle + "-" + k;
                String msg = "MSH|^~\\&|HIS|CRASH|TELEHUB|TELEHUB|20261205||ADT^A04^ADT_A01|" + control + "|P|2.5.1\r"
                        + "EVN|A04\rPID|1||" + mrn + "^^^HIS^MR||Crash^Hl7 " + cycle + "-" + k + "||19800101";
                String ack = hl7.exchange(msg.getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
                if (ack.contains("MSA|AA|" + control)) {
                    hl7Acked.put(control, mrn);
                } else if (!dead.get()) {
                    unexpected.add("hl7: " + ack);
                }
                if (k % 4 == 0) {
                    // an appointment of its own (F-<control>) in a 20-minute slot nobody else has
                    int slot = SIU_SLOTS.getAndIncrement();
                    var format = java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmm");
                    String start = SIU_BASE.plus(Duration.ofMinutes(20L * slot)).format(format);
                    String end = SIU_BASE.plus(Duration.ofMinutes(20L * slot + 20)).format(format);
                    String siu = "MSH|^~\\&|HIS|CRASH|TELEHUB|TELEHUB|20261205||SIU^S12|S" + control + "|P|2.3\r"
                            + "SCH||F-" + control + "|||||^Crash||||^^^" + start + "+0000^" + end + "+0000\rPID|1||" + mrn
                            + "^^^HIS^MR||Crash^Hl7 " + cycle + "-" + k + "||19800101\rRGS|1\rAIP|1||4711";
                    String siuAck = hl7.exchange(siu.getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
                    if (siuAck.contains("MSA|AA|S" + control)) {
                        hl7Acked.put("S" + control, mrn);
                        siuAcked.incrementAndGet();
                    } else if (!dead.get()) {
                        unexpected.add("hl7 siu: " + siuAck);
                    }
                }
            }
        } catch (IOException e) {
            // the hub is gone (killed before the answer: not acknowledged), or not listening yet after a restart
        }
    }

    // ---- endoscopy images

    /**
     * VL Endoscopic images (copies of one made by img2dcm, each its own SOP Instance UID) sent by DCMTK's storescu,
     * ten an association, until the hub dies. storescu sends them in order and prints each answer (-v): the first
     * as many as it printed successes for were acknowledged, whatever became of the rest.
     */
    private static void endoLoad(int cycle, long hardStop, AtomicBoolean dead) {
        Path dir = endoImage.getParent().resolve("cycle-" + cycle);
        for (int k = 0; k < 10_000 && System.nanoTime() < hardStop && !dead.get(); k += 10) {
            try {
                List<Path> files = new ArrayList<>();
                List<String> uids = new ArrayList<>();
                for (int i = k; i < k + 10; i++) {
                    uids.add("2.25.1" + String.format("%019d", cycle * 1_000_000L + i));
                    files.add(org.telehub.testing.dicom.TestData.withSopInstanceUid(endoImage, ENDO_BASE_UID,
                            uids.get(uids.size() - 1), dir.resolve(i + ".dcm")));
                }
                String out = org.telehub.testing.dicom.Dcmtk.storescu("127.0.0.1", endoPort, "ENDOBASE", "TELEHUB",
                        files, List.of("-xy", "-v")).output();
                int acked = out.split("Received Store Response \\(Success\\)", -1).length - 1;
                endoAcked.addAll(uids.subList(0, acked));
                if (acked < files.size()) {
                    Thread.sleep(100);
                }
            } catch (IOException | RuntimeException e) {
                return; // storescu killed by its timeout when the hub died mid-association: not acknowledged
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Every image answered with success is kept after the restart: its row and its encrypted content. Returns once
     * the storage SCP listens again, so that the next load sends images from its start.
     */
    private static String checkEndo(int cycle) throws Exception {
        awaitEndoListening();
        Set<String> kept = new HashSet<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(karaf.dbUrl, KarafInstance.pgUser(), "");
                java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT i.sop_instance_uid FROM"
                        + " integration_imaging_instance i JOIN file_object f ON f.id = i.file_id WHERE i.adapter_id ="
                        + " 'endo-crash' AND i.accession_number = 'ACC-CRASH'")) {
            while (rs.next()) {
                kept.add(rs.getString(1));
            }
        }
        for (String uid : endoAcked) {
            assertTrue(kept.contains(uid), "cycle " + cycle + ": image " + uid + " was stored with success and is"
                    + " gone");
        }
        return "endoscopy images " + endoAcked.size();
    }

    private static void awaitEndoListening() throws Exception {
        for (long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();;) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", endoPort)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > until) {
                    throw new AssertionError("the endoscopy storage SCP does not listen");
                }
                Thread.sleep(200);
            }
        }
    }

    /** Every admission answered AA is in the message store after the restart. */
    private static String checkHl7(int cycle) throws Exception {
        awaitHl7Listening();
        Set<String> stored = new HashSet<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(karaf.dbUrl, KarafInstance.pgUser(), "");
                java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT control_id FROM hl7_message")) {
            while (rs.next()) {
                stored.add(rs.getString(1));
            }
        }
        for (String control : hl7Acked.keySet()) {
            assertTrue(stored.contains(control), "cycle " + cycle + ": admission " + control + " was answered AA and"
                    + " is gone");
        }
        return "hl7 " + hl7Acked.size();
    }

    private static void awaitHl7Listening() throws Exception {
        for (long until = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < until;) {
            if (karaf.get("/api/v1/integration/status", admin).body().contains("listening")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the HL7 v2 listener is not back after the restart");
    }

    /**
     * Every stored message is processed (none failed), each admission registered exactly one patient: as many
     * patients named "Hl7 …" as stored admissions (acknowledged or committed with their answer lost), each MRN
     * mapped to one of them; each stored appointment (SIU^S12) booked exactly one visit.
     */
    private static int awaitHl7() throws Exception {
        String sql = "SELECT (SELECT COUNT(*) FROM hl7_message WHERE state <> 'processed'),"
                + " (SELECT COUNT(*) FROM hl7_message WHERE message_type = 'ADT^A04'), (SELECT COUNT(*) FROM"
                + " encounter_patient WHERE display_name LIKE 'Hl7 %'), (SELECT COUNT(DISTINCT local_patient_id) FROM"
                + " integration_patient_identifier WHERE adapter_id = 'his-crash'), (SELECT COUNT(*) FROM hl7_message"
                + " WHERE message_type = 'SIU^S12'), (SELECT COUNT(*) FROM encounter_external_booking b JOIN encounter"
                + " e ON e.id = b.encounter_id WHERE b.system_id = 'his-crash'), (SELECT COUNT(*) FROM hl7_message"
                + " WHERE state = 'failed'), (SELECT COUNT(*) FROM encounter_subscriber WHERE name ="
                + " 'hl7v2-visit-status')";
        long[] n = new long[8];
        for (long until = System.nanoTime() + Duration.ofSeconds(120).toNanos(); System.nanoTime() < until;) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(karaf.dbUrl, KarafInstance.pgUser(), "");
                    java.sql.ResultSet rs = c.createStatement().executeQuery(sql)) {
                rs.next();
                for (int i = 0; i < n.length; i++) {
                    n[i] = rs.getLong(i + 1);
                }
            }
            if (n[0] == 0) {
                break;
            }
            Thread.sleep(500);
        }
        assertEquals(0, n[6], "messages failed: " + failedHl7());
        assertEquals(0, n[0], "stored admissions still unprocessed after 120 s");
        assertTrue(n[1] + n[4] >= hl7Acked.size() && !hl7Acked.isEmpty(), n[1] + " admissions and " + n[4]
                + " appointments stored, " + hl7Acked.size() + " acked");
        assertEquals(n[1], n[2], "one patient per stored admission: none lost, none registered twice");
        assertEquals(n[1], n[3], "each admission's MRN mapped to its own patient");
        assertTrue(n[4] >= siuAcked.get() && siuAcked.get() > 0, n[4] + " appointments stored, " + siuAcked.get()
                + " acked");
        assertEquals(n[4], n[5], "one visit per stored appointment: none lost, none booked twice");
        assertEquals(0, n[7], "no interface sends visit status here, so HL7 never subscribed to encounter events");
        siuVisits = (int) n[5];
        return (int) n[2];
    }

    private static int siuVisits;

    private static String failedHl7() throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(karaf.dbUrl, KarafInstance.pgUser(), "");
                java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT control_id, error FROM hl7_message"
                        + " WHERE state = 'failed' LIMIT 5")) {
            StringBuilder b = new StringBuilder();
            while (rs.next()) {
                b.append(rs.getString(1)).append(": ").append(rs.getString(2)).append("; ");
            }
            return b.toString();
        }
    }

    private static String checkChat(int cycle) throws IOException {
        chatDoctor = karaf.login("doctor.crash", "kill-dash-nine-3");
        for (String clientId : List.copyOf(chatInFlight)) {
            HttpResponse<String> r = karaf.post("/api/v1/conversations/encounters/" + chatVisit + "/messages",
                    chatDoctor, "application/json", "{\"clientId\":\"" + clientId + "\",\"text\":\"message " + clientId
                            + "\"}");
            assertTrue(r.statusCode() == 200 || r.statusCode() == 201, clientId + ": " + r.statusCode() + " " + r.body());
            chatInFlight.remove(clientId);
        }
        Map<String, String> byId = new HashMap<>();
        Set<String> clientIds = new HashSet<>();
        long expected = 1;
        for (long after = 0;;) {
            JsonNode page = KarafInstance.json(ok(karaf.get("/api/v1/conversations/encounters/" + chatVisit
                    + "/messages?limit=200&after=" + after, chatDoctor), 200)).get("items");
            if (page.isEmpty()) {
                break;
            }
            for (JsonNode m : page) {
                assertEquals(expected++, m.get("sequence").asLong(), "cycle " + cycle + ": a gap or a repeat");
                assertTrue(clientIds.add(m.get("clientId").asText()), "cycle " + cycle + ": client id "
                        + m.get("clientId").asText() + " stored twice");
                byId.put(m.get("id").asText(), m.get("clientId").asText());
                after = m.get("sequence").asLong();
            }
        }
        for (Map.Entry<String, String> acked : chatAcked.entrySet()) {
            assertEquals(acked.getValue(), byId.get(acked.getKey()), "cycle " + cycle + ": acknowledged message "
                    + acked.getValue() + " is gone");
        }
        // uploads in pieces cut by the kill: every piece acknowledged is still there; finished from where they stand
        for (String id : List.copyOf(resumable.keySet())) {
            byte[] content = resumable.get(id);
            JsonNode status = KarafInstance.json(ok(karaf.get("/api/v1/conversations/uploads/" + id, chatDoctor), 200));
            long received = status.get("received").asLong();
            assertTrue(received >= resumableAcked.get(id), "cycle " + cycle + ": upload " + id + " has " + received
                    + " bytes, " + resumableAcked.get(id) + " were acknowledged");
            String made = status.path("attachment").path("id").asText(null);
            if (made == null) {
                // whole but not yet made into a file at the kill: its last byte again finishes it
                ConcurrentLinkedQueue<String> refused = new ConcurrentLinkedQueue<>();
                made = sendPieces(id, content, received == content.length ? content.length - 1 : received, refused,
                        new AtomicBoolean());
                assertTrue(refused.isEmpty(), "cycle " + cycle + ": " + refused);
            }
            assertTrue(made != null, "cycle " + cycle + ": upload " + id + " could not be finished");
            filesAcked.put(made, new String(content, java.nio.charset.StandardCharsets.US_ASCII));
            piecedCut.incrementAndGet();
            resumable.remove(id);
            resumableAcked.remove(id);
        }
        for (Map.Entry<String, String> file : filesAcked.entrySet()) {
            JsonNode link = KarafInstance.json(ok(karaf.post("/api/v1/conversations/files/" + file.getKey() + "/link",
                    chatDoctor, "application/json", ""), 200));
            HttpResponse<String> got = karaf.get(link.get("url").asText(), null);
            assertEquals(200, got.statusCode(), "cycle " + cycle + ": acknowledged file " + file.getKey() + " is gone");
            assertEquals(file.getValue(), got.body(), "cycle " + cycle + ": file " + file.getKey() + " changed");
        }
        return byId.size() + " messages (" + chatAcked.size() + " acknowledged) / " + filesAcked.size() + " files ("
                + piecedWhole.get() + " in 64 KiB pieces, " + piecedCut.get() + " more cut by a kill and finished"
                + " after it)";
    }

    /**
     * Sends an upload's pieces from {@code from} on, noting each acknowledged; answers the attachment made by the
     * last one, or null when the hub refused a piece (noted as unexpected unless the hub is being killed).
     */
    private static String sendPieces(String id, byte[] content, long from, java.util.Queue<String> unexpected,
            AtomicBoolean dead) throws IOException {
        for (long at = from; at < content.length;) {
            long end = Math.min(at - at % PIECE + PIECE, content.length);
            HttpResponse<String> r = karaf.send(HttpRequest.newBuilder(URI.create(karaf.url(
                    "/api/v1/conversations/uploads/" + id))).header("Content-Type", "application/octet-stream")
                    .header("Content-Range", "bytes " + at + "-" + (end - 1) + "/" + content.length)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(java.util.Arrays.copyOfRange(content, (int) at,
                            (int) end))), chatDoctor);
            if (r.statusCode() != 200 && r.statusCode() != 201) {
                if (!dead.get()) {
                    unexpected.add("upload piece: " + r.statusCode() + " " + r.body());
                }
                return null;
            }
            JsonNode up = KarafInstance.json(r);
            resumableAcked.merge(id, up.get("received").asLong(), Math::max);
            if (up.hasNonNull("attachment")) {
                return up.get("attachment").get("id").asText();
            }
            at = up.get("received").asLong();
        }
        return null;
    }

    private static void awaitDeliveries(List<String> ids, int seconds) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        Set<String> left = new HashSet<>(ids);
        JsonNode last = null;
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            for (String id : List.copyOf(left)) {
                if (!remote.records.containsKey(id)) {
                    continue;
                }
                last = KarafInstance.json(karaf.get("/api/v1/integration/deliveries/" + id, nurse));
                if (last.get("state").asText().equals("delivered")) {
                    assertEquals(remote.records.get(id), last.get("remoteId").asText(), "the target's one record");
                    left.remove(id);
                }
            }
            if (!left.isEmpty()) {
                Thread.sleep(500);
            }
        }
        assertTrue(left.isEmpty(), left.size() + " acknowledged deliveries never delivered, e.g. "
                + (left.isEmpty() ? "" : karaf.get("/api/v1/integration/deliveries/" + left.iterator().next(),
                        nurse).body()));
    }

    /** Waits until the portal has an encounter.scheduled event for every booking; returns the event ids of each. */
    private static Map<String, List<String>> awaitWebhooks(List<String> bookings, int seconds) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (true) {
            Map<String, List<String>> of = new HashMap<>();
            hookEncounter.forEach((event, what) -> {
                if (what.startsWith("encounter.scheduled ")) {
                    of.computeIfAbsent(what.substring("encounter.scheduled ".length()), k -> new ArrayList<>())
                            .add(event);
                }
            });
            long missing = bookings.stream().filter(b -> !of.containsKey(b)).count();
            if (missing == 0) {
                return of;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(missing + " acknowledged bookings never reached the portal, e.g. "
                        + bookings.stream().filter(b -> !of.containsKey(b)).findFirst().orElseThrow());
            }
            Thread.sleep(500);
        }
    }

    /**
     * Every reminder due before the check is sent, and each reached the channel for the patient and the doctor;
     * none went out early. Returns {sent, repeated notifications, undecidable}.
     */
    private static int[] checkReminders(List<String> bookings, Map<String, Instant> starts) throws Exception {
        Instant check = Instant.now();
        // only visits this close have reminders due by now
        List<String> near = bookings.stream().filter(b -> starts.get(b).minusSeconds(OFFSETS.get(OFFSETS.size() - 1))
                .isBefore(check.plusSeconds(60))).toList();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, JsonNode> rows = new HashMap<>();
        for (String b : near) {
            JsonNode r;
            while (true) {
                r = KarafInstance.json(ok(karaf.get("/api/v1/encounters/" + b + "/reminders", admin), 200));
                boolean open = false;
                for (JsonNode x : r) {
                    boolean due = Instant.parse(x.get("dueAt").asText()).isBefore(check);
                    open |= due && !x.get("state").asText().equals("sent");
                }
                if (!open || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(500);
            }
            rows.put(b, r);
        }
        Instant read = Instant.now();
        Map<String, Integer> lines = new HashMap<>();
        // every file the log has rolled into: a 20-cycle soak writes more than one file holds
        List<Path> logs;
        try (var files = Files.list(karaf.home.resolve("data/log"))) {
            logs = files.filter(p -> p.getFileName().toString().matches("karaf\\.log(\\.\\d+)?")).toList();
        }
        for (Path f : logs) {
            Matcher m = REMINDER_LINE.matcher(Files.readString(f, StandardCharsets.ISO_8859_1));
            while (m.find()) {
                lines.merge(m.group(1) + " " + m.group(2), 1, Integer::sum);
            }
        }
        int sent = 0;
        int repeated = 0;
        int undecidable = 0;
        for (String b : near) {
            int expected = 0;
            boolean ambiguous = false;
            for (JsonNode x : rows.get(b)) {
                Instant due = Instant.parse(x.get("dueAt").asText());
                String state = x.get("state").asText();
                if (due.isBefore(check)) {
                    assertEquals("sent", state, "reminder due " + due + " of " + b + ": " + x);
                    assertTrue(x.get("detail").asText().contains("log:patient"), x.toString());
                    expected++;
                } else if (due.isBefore(read.plusSeconds(10))) {
                    ambiguous = true; // may have gone out between the two reads
                } else {
                    assertEquals("pending", state, "not due yet: " + x);
                }
            }
            if (ambiguous) {
                undecidable++;
                continue;
            }
            sent += expected;
            for (String role : List.of("patient", "doctor")) {
                int n = lines.getOrDefault(b + " " + role, 0);
                assertTrue(n >= expected, b + ": " + expected + " reminders sent but " + n + " reached the " + role);
                repeated += role.equals("patient") ? n - expected : 0;
            }
        }
        assertTrue(sent > 0, "reminders fell due during the test");
        assertTrue(repeated <= CONSUMERS * CYCLES, repeated + " repeated reminder notifications: more than could "
                + "have been in flight at " + CYCLES + " kills");
        return new int[] {sent, repeated, undecidable};
    }

    /**
     * Logs in again after a start. Until readiness covers every route (issue 12.5) the JAX-RS application can still
     * be rebuilt for a moment after the routes looked stable (404 "No service was found"): wait that out.
     */
    private static void logins() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (karaf.post("/api/v1/auth/token", null, "application/json", "{}").statusCode() == 404
                && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        karaf.awaitRoutes(Duration.ofSeconds(60));
        admin = karaf.login("admin", ADMIN_PASSWORD);
        nurse = karaf.login("nurse.crash", "kill-dash-nine-1");
        desk = karaf.login("desk.crash", "kill-dash-nine-2");
        awaitAdapter();
    }

    /**
     * Every acknowledged invitation and reset reached the SMTP server; each reset's link (the newest mail's) sets the
     * new password once. Returns how many mails were repeats (bounded: at most the consumers per kill).
     */
    private static int checkMails(List<String> invited, List<String> resets, List<String> followers)
            throws Exception {
        Map<String, List<jakarta.mail.internet.MimeMessage>> byAddress = new HashMap<>();
        Set<String> expected = new HashSet<>(invited);
        expected.addAll(followers);
        resets.forEach(r -> expected.add(r + "@crash.example"));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        do {
            byAddress.clear();
            for (jakarta.mail.internet.MimeMessage m : mail.getReceivedMessages()) {
                byAddress.computeIfAbsent(((jakarta.mail.internet.InternetAddress) m.getAllRecipients()[0]).getAddress()
                        .toLowerCase(java.util.Locale.ROOT), a -> new ArrayList<>()).add(m);
            }
            if (byAddress.keySet().containsAll(expected)) {
                break;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        Set<String> missing = new HashSet<>(expected);
        missing.removeAll(byAddress.keySet());
        assertTrue(missing.isEmpty(), "acknowledged, never mailed: " + missing);
        int repeats = 0;
        for (String address : expected) {
            repeats += byAddress.get(address).size() - 1;
        }
        assertTrue(repeats <= CONSUMERS * CYCLES, repeats + " repeated mails at " + CYCLES + " kills");
        Pattern link = Pattern.compile("[?&#]token=([A-Za-z0-9_-]{20,})");
        for (String name : resets) {
            List<jakarta.mail.internet.MimeMessage> got = byAddress.get(name + "@crash.example");
            String text = content(got.get(got.size() - 1));
            Matcher m = link.matcher(text);
            assertTrue(m.find(), text);
            String body = "{\"token\":\"" + m.group(1) + "\",\"newPassword\":\"after-the-kill-" + name + "\"}";
            ok(karaf.post("/api/v1/auth/password-reset/confirm", null, "application/json", body), 200);
            assertEquals(400, karaf.post("/api/v1/auth/password-reset/confirm", null, "application/json", body)
                    .statusCode(), "a link works once");
            karaf.login(name, "after-the-kill-" + name);
        }
        return repeats;
    }

    private static String content(jakarta.mail.Part part) throws Exception {
        Object c = part.getContent();
        if (c instanceof jakarta.mail.Multipart mp) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < mp.getCount(); i++) {
                b.append(content(mp.getBodyPart(i)));
            }
            return b.toString();
        }
        return c instanceof String t ? t : "";
    }

    private static void awaitAdapter() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (karaf.get("/api/v1/integration/status", admin).body().contains("\"ehr-main\"")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the test adapter never came up");
    }

    private static HttpResponse<String> ok(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        return r;
    }
}
