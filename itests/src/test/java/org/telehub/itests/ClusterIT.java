package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.telehub.files.testing.Clamd;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Chat on two hub nodes (issue 17): node A and node B share one PostgreSQL database, one Artemis broker (A's: B boots
 * only the JMS client), one file store (directory and key). A message sent to one node reaches a socket on the other
 * through the broker's topic; a file uploaded to one is downloaded from the other. Then B is killed with SIGKILL while
 * the patient is sending through it: the patient reconnects to A, sends again what was not acknowledged (the same
 * client ids) and resumes from the last message seen; both sides end with every message once, in order, no gap.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    private static final String ADMIN_PASSWORD = "cluster-admin-secret";
    private static final String PW = "cluster-pass-1";
    private static KarafInstance a;
    private static KarafInstance b;
    private static String doctor;
    private static String patient;
    private static String encounter;

    @BeforeAll
    static void start() throws Exception {
        a = KarafInstance.create("cluster-a");
        a.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=" + ADMIN_PASSWORD);
        // the test sends as fast as acks come back: above a person's rate limit (20 frames/s a connection)
        a.edit("etc/org.telehub.realtime.cfg", "ratePerConnection=20", "ratePerConnection=500");
        a.edit("etc/org.telehub.realtime.cfg", "ratePerUser=40", "ratePerUser=1000");
        a.scanWith(Clamd.shared().port());
        a.start();
        b = KarafInstance.joining("cluster-b", a);
        b.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=" + ADMIN_PASSWORD);
        b.edit("etc/org.telehub.realtime.cfg", "ratePerConnection=20", "ratePerConnection=500");
        b.edit("etc/org.telehub.realtime.cfg", "ratePerUser=40", "ratePerUser=1000");
        b.scanWith(Clamd.shared().port());
        b.start();
        String admin = a.login("admin", ADMIN_PASSWORD);
        for (String[] u : new String[][] {{"cl.doctor", "doctor"}, {"cl.patient", "patient"}}) {
            HttpResponse<String> r = a.post("/api/v1/users", admin, "application/json", "{\"username\":\"" + u[0]
                    + "\",\"roles\":[\"" + u[1] + "\"],\"password\":\"" + PW + "\"}");
            assertEquals(201, r.statusCode(), r.body());
        }
        String doctorId = Scheduling.doctor(a, admin, "Dr Nils Node", "cl.doctor");
        String patientId = Scheduling.patient(a, admin, "Paula Pair", "cl.patient");
        a.careTeam(admin, patientId, "cl.doctor");
        HttpResponse<String> booked = a.post("/api/v1/encounters", admin, "application/json",
                Scheduling.visit(doctorId, patientId, Scheduling.dayAfterTomorrow(11), 30));
        assertEquals(201, booked.statusCode(), booked.body());
        encounter = KarafInstance.json(booked).get("id").asText();
        doctor = a.login("cl.doctor", PW);
        patient = b.login("cl.patient", PW); // a token made on B is good on A: both read one database
    }

    @AfterAll
    static void stop() {
        for (KarafInstance k : new KarafInstance[] {b, a}) {
            if (k != null) {
                k.close();
            }
        }
    }

    private static JsonNode send(WsClient c, String id, String clientId, String text, int seconds) {
        c.send("chat.send", id, WsClient.data().put("encounterId", encounter).put("clientId", clientId)
                .put("text", text));
        return c.answer(id, seconds);
    }

    private static JsonNode subscribe(WsClient c, String id, long after) {
        c.send("chat.subscribe", id, WsClient.data().put("encounterId", encounter).put("after", after));
        JsonNode ack = c.answer(id, 10);
        assertEquals("ack", ack.path("type").asText(), ack.toString());
        return ack;
    }

    @Test
    @Order(1)
    void aMessageSentToOneNodeReachesASocketOnTheOtherAndAFileUploadedToOneIsReadFromTheOther() throws Exception {
        try (WsClient onA = WsClient.open(a, doctor, null, null); WsClient onB = WsClient.open(b, patient, null, null)) {
            subscribe(onA, "s1", 0);
            subscribe(onB, "s2", 0);
            long t0 = System.nanoTime();
            assertEquals("ack", send(onB, "m1", "pp-1", "Hello from node B", 10).path("type").asText());
            JsonNode got = onA.next("chat.message", 10);
            System.out.printf("node B → node A: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
            assertEquals("Hello from node B", got.path("data").path("text").asText());
            assertEquals("ack", send(onA, "m2", "nn-1", "Hello from node A", 10).path("type").asText());
            assertEquals("Hello from node A", onB.next(f -> "chat.message".equals(f.path("type").asText())
                    && f.path("data").path("sequence").asLong() == 2, 10, "message 2 on B").path("data")
                    .path("text").asText());
        }
        // a file: uploaded to B (scanned there), its link made and the file downloaded on A
        byte[] pdf = ("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        HttpResponse<String> up = b.send(HttpRequest.newBuilder(URI.create(b.url("/api/v1/conversations/encounters/"
                + encounter + "/files?name=lab.pdf"))).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(pdf)), patient);
        assertEquals(201, up.statusCode(), up.body());
        String attachment = KarafInstance.json(up).path("id").asText();
        HttpResponse<String> link = a.post("/api/v1/conversations/files/" + attachment + "/link", doctor,
                "application/json", "");
        assertEquals(200, link.statusCode(), link.body());
        String url = KarafInstance.json(link).path("url").asText();
        HttpResponse<byte[]> file = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(a.url(url.startsWith("/api/v1") ? url : "/api/v1" + url))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, file.statusCode());
        assertTrue(java.util.Arrays.equals(pdf, file.body()), "the same bytes through the shared, encrypted store");
    }

    @Test
    @Order(2)
    void nodeBKilledMidConversationTheClientsGoOnThroughAWithNoGapAndNoDuplicate() throws Exception {
        int n = 120;
        int killAt = 40;
        try (WsClient doc = WsClient.open(a, doctor, null, null)) {
            long base = subscribe(doc, "d1", 0).path("data").path("delivered").asLong();
            doc.drain("chat.message", 300); // the backlog
            WsClient pat = WsClient.open(b, patient, null, null);
            subscribe(pat, "p0", base);
            TreeMap<Long, String> patientSaw = new TreeMap<>();
            Map<String, Long> acked = new java.util.concurrent.ConcurrentHashMap<>();
            // SIGKILL to B from another thread once killAt messages are acknowledged: it lands while a send is in flight
            Thread killer = new Thread(() -> {
                while (acked.size() < killAt) {
                    Thread.onSpinWait();
                }
                b.kill9();
            });
            killer.start();
            int reconnects = 0;
            for (int i = 1; i <= n; i++) {
                String clientId = "kill-" + i;
                JsonNode answer = null;
                for (int attempt = 0; answer == null; attempt++) {
                    assertTrue(attempt < 5, "message " + i + " never acknowledged");
                    try {
                        answer = send(pat, "k" + i + "-" + attempt, clientId, "Message " + i, 5);
                    } catch (AssertionError | RuntimeException lost) {
                        // no answer: the node is gone. To the other, resuming after the last message this client
                        // saw, and the same message again (its client id makes it the same message)
                        pat.close();
                        pat = WsClient.open(a, patient, null, null);
                        reconnects++;
                        subscribe(pat, "p" + reconnects, patientSaw.isEmpty() ? base : patientSaw.lastKey());
                    }
                    see(patientSaw, pat.drain("chat.message", 0));
                }
                assertEquals("ack", answer.path("type").asText(), answer.toString());
                acked.put(clientId, answer.path("data").path("message").path("sequence").asLong());
            }
            killer.join(30_000);
            see(patientSaw, pat.drain("chat.message", 1500));
            pat.close();
            List<Long> doctorSaw = new ArrayList<>();
            for (JsonNode f : doc.drain("chat.message", 2000)) {
                doctorSaw.add(f.path("data").path("sequence").asLong());
            }
            assertTrue(reconnects >= 1, "the patient's socket on B should have been lost");
            assertEquals(n, new java.util.HashSet<>(acked.values()).size(), "one sequence per acknowledged message");
            List<Long> expected = new ArrayList<>();
            for (long s = base + 1; s <= base + n; s++) {
                expected.add(s);
            }
            assertEquals(expected, doctorSaw, "the doctor on A: every message once, in order, no gap");
            assertEquals(expected, new ArrayList<>(patientSaw.keySet()),
                    "the patient, across both nodes: every message once, no gap");
            try (java.sql.Connection c = a.db(); java.sql.Statement st = c.createStatement();
                    java.sql.ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT client_id)"
                            + " FROM chat_message WHERE client_id LIKE 'kill-%'")) {
                rs.next();
                assertEquals(n, rs.getInt(1), "stored once each");
                assertEquals(n, rs.getInt(2));
            }
            System.out.printf("%d messages, node B killed after %d acknowledged, %d reconnect(s): 0 lost,"
                    + " 0 duplicated, 0 out of order%n", n, killAt, reconnects);
        }
    }

    /** Adds the messages a client received; one received twice fails the test. */
    private static void see(TreeMap<Long, String> saw, List<JsonNode> frames) {
        for (JsonNode f : frames) {
            long seq = f.path("data").path("sequence").asLong();
            String before = saw.put(seq, f.path("data").path("clientId").asText());
            assertTrue(before == null, "the patient got message " + seq + " twice");
        }
    }
}
