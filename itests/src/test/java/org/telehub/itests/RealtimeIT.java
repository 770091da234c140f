package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.telehub.files.testing.Clamd;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The realtime channel {@code /ws} (issue 17) in the running distribution, driven by the JDK's WebSocket client:
 * the handshake checked like the REST API, chat between a doctor and a patient (persisted before the ack, in
 * order, once), resume after a reconnect, outsiders told the visit does not exist, bad frames answered without
 * losing the connection, the rate limit, a client that stops reading closed without holding up anyone, and a
 * session ended elsewhere closing its socket.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealtimeIT {
    private static final String ADMIN_PASSWORD = "realtime-admin-secret";
    private static final String PW = "realtime-pass-1";
    private static KarafInstance karaf;
    private static String origin;
    private static String admin;
    private static String doctor;
    private static String patient;
    private static String encounter;
    private static com.icegreen.greenmail.util.GreenMail mail;

    @BeforeAll
    static void start() throws IOException {
        karaf = KarafInstance.create("realtime");
        karaf.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=" + ADMIN_PASSWORD);
        // a session ended elsewhere is seen within a second or two (token cache 1 s, re-check every second)
        karaf.edit("etc/org.telehub.security.cfg", "tokenCacheSeconds=5", "tokenCacheSeconds=1");
        karaf.edit("etc/org.telehub.realtime.cfg", "recheckSeconds=60", "recheckSeconds=1");
        // a small queue per client, so the test's stalled client fills it with few messages
        karaf.edit("etc/org.telehub.realtime.cfg", "maxQueuedFrames=512", "maxQueuedFrames=32");
        // long messages sent fast, so that the socket buffers between the hub and a client that does not read (on
        // loopback up to 32 MB received, 4 MB sent) fill in seconds
        // unread messages are told by email after 2 s (15 min as shipped), through a real SMTP server (GreenMail)
        karaf.write("etc/org.telehub.chat.cfg", "maxTextLength=100000\nunreadNoticeAfter=PT2S\n");
        mail = KarafInstance.mailServer("rt-smtp-secret");
        mail.setUser("nora@example.org", "nora", "nora-imap");
        karaf.sendMailThrough(mail, "rt-smtp-secret");
        karaf.edit("etc/org.telehub.realtime.cfg", "ratePerConnection=20", "ratePerConnection=200");
        karaf.edit("etc/org.telehub.realtime.cfg", "ratePerUser=40", "ratePerUser=400");
        try {
            karaf.scanWith(Clamd.shared().port());
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        karaf.start();
        origin = "http://127.0.0.1:" + karaf.httpPort;
        admin = karaf.login("admin", ADMIN_PASSWORD);
        user("rt.doctor", "doctor");
        user("rt.patient", "patient");
        user("rt.other", "patient");
        String doctorId = Scheduling.doctor(karaf, admin, "Dr Rita Realtime", "rt.doctor");
        String patientId = Scheduling.patient(karaf, admin, "Pia Realtime", "rt.patient");
        karaf.careTeam(admin, patientId, "rt.doctor");
        doctor = karaf.login("rt.doctor", PW);
        patient = karaf.login("rt.patient", PW);
        HttpResponse<String> booked = karaf.post("/api/v1/encounters", admin, "application/json",
                Scheduling.visit(doctorId, patientId, Scheduling.dayAfterTomorrow(10), 30));
        assertEquals(201, booked.statusCode(), booked.body());
        encounter = KarafInstance.json(booked).get("id").asText();
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

    private static void user(String name, String role) throws IOException {
        HttpResponse<String> r = karaf.post("/api/v1/users", admin, "application/json", "{\"username\":\"" + name
                + "\",\"roles\":[\"" + role + "\"],\"password\":\"" + PW + "\"}");
        assertEquals(201, r.statusCode(), r.body());
    }

    private static String sessionCookie(String user) throws IOException {
        return session(user)[0];
    }

    /** A browser's login: {cookie, CSRF token}. */
    private static String[] session(String user) throws IOException {
        HttpResponse<String> r = karaf.send(HttpRequest.newBuilder(URI.create(karaf.url("/api/v1/auth/session")))
                .header("Origin", origin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"" + PW
                        + "\"}")), null);
        assertEquals(200, r.statusCode(), r.body());
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        return new String[] {set.substring(0, set.indexOf(';')), KarafInstance.json(r).get("csrfToken").asText()};
    }

    private static JsonNode send(WsClient c, String id, String clientId, String text) {
        c.send("chat.send", id, WsClient.data().put("encounterId", encounter).put("clientId", clientId)
                .put("text", text));
        return c.answer(id, 10);
    }

    private static JsonNode subscribe(WsClient c, String id, long after) {
        c.send("chat.subscribe", id, WsClient.data().put("encounterId", encounter).put("after", after));
        return c.answer(id, 10);
    }

    @Test
    @Order(1)
    void theHandshakeIsCheckedLikeTheRestApi() throws IOException {
        assertEquals(401, WsClient.refused(karaf, null, null, origin).status(), "no credential");
        assertEquals(401, WsClient.refused(karaf, "not-a-token", null, null).status(), "a forged bearer token");
        String cookie = sessionCookie("rt.patient");
        assertEquals(403, WsClient.refused(karaf, null, cookie, "https://evil.example").status(),
                "the session cookie from another site's page (cross-site WebSocket hijacking)");
        assertEquals(403, WsClient.refused(karaf, null, cookie, null).status(), "a cookie without an Origin");
        try (WsClient browser = WsClient.open(karaf, null, cookie, origin)) {
            assertEquals(1, browser.welcome.path("data").path("protocol").asInt());
            assertEquals("rt.patient", browser.welcome.path("data").path("user").path("username").asText());
        }
        try (WsClient api = WsClient.open(karaf, doctor, null, null)) {
            Set<String> types = new TreeSet<>();
            api.welcome.path("data").path("types").forEach(t -> types.add(t.asText()));
            assertTrue(types.containsAll(List.of("chat.send", "chat.subscribe", "chat.unsubscribe", "ping")),
                    types.toString());
            assertEquals("telehub.v1", api.socket.getSubprotocol());
        }
        // a plain GET is told what the endpoint is
        HttpResponse<String> plain = karaf.get("/ws", null);
        assertEquals(426, plain.statusCode(), plain.body());
    }

    @Test
    @Order(2)
    void doctorAndPatientTalkEachMessageStoredBeforeItsAckInOrderOnce() throws Exception {
        // a message sent over REST before anyone listens
        HttpResponse<String> early = karaf.post("/api/v1/conversations/encounters/" + encounter + "/messages",
                patient, "application/json", "{\"clientId\":\"pia-rest-1\",\"text\":\"A rash since Monday.\"}");
        assertEquals(201, early.statusCode(), early.body());
        try (WsClient pia = WsClient.open(karaf, patient, null, null);
                WsClient rita = WsClient.open(karaf, doctor, null, null)) {
            JsonNode sub = subscribe(pia, "s1", 0);
            assertEquals("ack", sub.path("type").asText(), sub.toString());
            // the backlog came before the ack
            assertEquals("ack", subscribe(rita, "s2", 1).path("type").asText());
            JsonNode sent = send(rita, "m1", "rita-1", "Send me a <b>photo</b>, please.");
            assertEquals("ack", sent.path("type").asText(), sent.toString());
            JsonNode message = sent.path("data").path("message");
            assertEquals(2, message.path("sequence").asLong());
            assertFalse(sent.path("data").path("replayed").asBoolean());
            // acknowledged means stored: read back over REST at once
            HttpResponse<String> stored = karaf.get("/api/v1/conversations/encounters/" + encounter
                    + "/messages?after=1", patient);
            assertTrue(stored.body().contains("Send me a <b>photo</b>, please."), stored.body());
            // the retry of a send whose ack was lost is the same message, and nobody sees it twice
            JsonNode again = send(rita, "m2", "rita-1", "Send me a <b>photo</b>, please.");
            assertTrue(again.path("data").path("replayed").asBoolean(), again.toString());
            assertEquals(message.path("id").asText(), again.path("data").path("message").path("id").asText());
            for (int i = 2; i <= 6; i++) {
                assertEquals("ack", send(rita, "m" + (i + 1), "rita-" + i, "Instruction " + i).path("type").asText());
            }
            List<Long> seen = new ArrayList<>();
            for (JsonNode f : pia.drain("chat.message", 1500)) {
                seen.add(f.path("data").path("sequence").asLong());
            }
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), seen, "the patient's socket: backlog, then live, in"
                    + " order, once");
            JsonNode first = pia.frames.isEmpty() ? null : pia.frames.peek();
            assertEquals(null, first, "nothing else");
            rita.drain("chat.message", 300);
            // the patient types and then reads up to the last message: the doctor sees both, live
            pia.send("chat.typing", "t1", WsClient.data().put("encounterId", encounter));
            assertEquals("ack", pia.answer("t1", 10).path("type").asText());
            JsonNode typing = rita.next("chat.typing", 10);
            assertEquals("rt.patient", typing.path("data").path("sender").asText(), typing.toString());
            // first a delivery receipt (the patient's device has them all): the doctor sees it before any read
            pia.send("chat.delivered", "d1", WsClient.data().put("encounterId", encounter).put("sequence", 7));
            JsonNode receipt = pia.answer("d1", 10).path("data").path("read");
            assertEquals(7, receipt.path("delivered").asLong(), receipt.toString());
            assertTrue(receipt.path("sequence").asLong() < 7, "received, not read: " + receipt);
            JsonNode delivered = rita.next("chat.read", 10).path("data");
            assertEquals(List.of("rt.patient", 7L), List.of(delivered.path("reader").asText(), delivered
                    .path("delivered").asLong()));
            pia.send("chat.read", "r1", WsClient.data().put("encounterId", encounter).put("sequence", 7));
            assertEquals(7, pia.answer("r1", 10).path("data").path("read").path("sequence").asLong());
            JsonNode read = rita.next("chat.read", 10);
            assertEquals("rt.patient", read.path("data").path("reader").asText(), read.toString());
            assertEquals(7, read.path("data").path("sequence").asLong());
            // a later subscription is told how far each member has read, and its own unread count
            try (WsClient later = WsClient.open(karaf, doctor, null, null)) {
                JsonNode ack = subscribe(later, "s3", 7);
                assertTrue(ack.path("data").path("reads").toString().contains("\"reader\":\"rt.patient\""),
                        ack.toString());
                assertEquals(0, ack.path("data").path("unread").asLong(), "the doctor wrote 2–7 himself");
            }
        }
    }

    @Test
    @Order(3)
    void aClientThatReconnectsResumesFromItsLastMessageWithNoGapAndNoDuplicate() throws Exception {
        long last;
        try (WsClient pia = WsClient.open(karaf, patient, null, null)) {
            subscribe(pia, "s1", 0);
            List<JsonNode> all = pia.drain("chat.message", 800);
            last = all.get(all.size() - 1).path("data").path("sequence").asLong();
        }
        try (WsClient rita = WsClient.open(karaf, doctor, null, null)) {
            for (int i = 0; i < 3; i++) {
                send(rita, "x" + i, "while-away-" + i, "While you were away " + i);
            }
        }
        try (WsClient pia = WsClient.open(karaf, patient, null, null)) {
            JsonNode ack = subscribe(pia, "s1", last);
            assertEquals(last + 3, ack.path("data").path("delivered").asLong(), ack.toString());
            List<Long> seen = new ArrayList<>();
            pia.drain("chat.message", 800).forEach(f -> seen.add(f.path("data").path("sequence").asLong()));
            assertEquals(List.of(last + 1, last + 2, last + 3), seen);
        }
    }

    @Test
    @Order(4)
    void anOutsiderIsToldTheVisitDoesNotExistAndBadFramesKeepTheConnection() throws Exception {
        String other = karaf.login("rt.other", PW);
        try (WsClient ron = WsClient.open(karaf, other, null, null)) {
            JsonNode e = subscribe(ron, "s1", 0);
            assertEquals(404, e.path("error").path("status").asInt(), e.toString());
            assertEquals("No encounter " + encounter, e.path("error").path("detail").asText());
            JsonNode s = send(ron, "m1", "ron-1", "let me in");
            assertEquals(404, s.path("error").path("status").asInt());
            assertFalse(s.toString().contains("Pia"), s.toString());

            ron.sendRaw("{not json");
            JsonNode bad = ron.next("error", 5);
            assertEquals(400, bad.path("error").path("status").asInt());
            ron.sendRaw("{\"v\":1,\"id\":\"u1\",\"type\":\"chat.shout\"}");
            JsonNode unknown = ron.answer("u1", 5);
            assertEquals("type", unknown.path("error").path("field").asText(), unknown.toString());
            ron.sendRaw("{\"id\":\"v0\",\"type\":\"ping\"}");
            assertEquals("v", ron.answer("v0", 5).path("error").path("field").asText());
            ron.sendRaw("{\"v\":1,\"id\":\"d1\",\"type\":\"chat.send\",\"data\":[1]}");
            assertEquals("data", ron.answer("d1", 5).path("error").path("field").asText());
            ron.send("chat.send", "t1", WsClient.data().put("encounterId", encounter).put("clientId", "ron-2"));
            JsonNode noText = ron.answer("t1", 5);
            assertEquals("text", noText.path("error").path("field").asText(), "the frame's own fault first: " + noText);
            ron.socket.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
            assertEquals(400, ron.next("error", 5).path("error").path("status").asInt());
            ron.send("ping", "p1", null);
            assertEquals("pong", ron.answer("p1", 5).path("type").asText(), "still connected");
        }
        try (WsClient pia = WsClient.open(karaf, patient, null, null)) {
            JsonNode noText = send(pia, "t1", "pia-empty", "  ");
            assertEquals("text", noText.path("error").path("field").asText(), noText.toString());
            // a frame over 64 KiB closes the connection with 1009 (message too big)
            pia.sendRaw("{\"v\":1,\"type\":\"ping\",\"pad\":\"" + "x".repeat(70_000) + "\"}");
            assertEquals(1009, pia.closeCode(10));
        }
        // nothing was stored by the refused frames
        HttpResponse<String> all = karaf.get("/api/v1/conversations/encounters/" + encounter + "/messages?limit=200",
                patient);
        assertFalse(all.body().contains("let me in"), all.body());
        assertFalse(all.body().contains("pia-empty"), all.body());
    }

    @Test
    @Order(5)
    void aFloodIsRefusedThenClosedAndOthersAreNotHeldUp() throws Exception {
        try (WsClient flood = WsClient.open(karaf, doctor, null, null)) {
            for (int i = 0; i < 3000 && !flood.closed.isDone(); i++) {
                flood.sendRaw("{\"v\":1,\"type\":\"ping\"}");
            }
            JsonNode limited = flood.next(f -> f.path("error").path("status").asInt() == 429, 10, "a 429");
            assertTrue(limited.path("error").path("detail").asText().contains("rate limit"), limited.toString());
            assertEquals(4429, flood.closeCode(10));
        }
    }

    /**
     * A file goes through Tika and the real clamd, then its message reaches the other member live; EICAR is refused
     * with a problem naming the signature; only members get a download link, and the link alone downloads.
     */
    @Test
    @Order(6)
    void aFileIsScannedStoredAndReachesTheOtherMemberAndEicarIsRefused() throws Exception {
        byte[] pdf = ("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        HttpResponse<String> refused = upload(patient, "eicar.pdf", Clamd.EICAR);
        // EICAR is text (text/plain is on the allow-list), so it reaches the scanner whatever its name says
        assertEquals(422, refused.statusCode(), refused.body());
        JsonNode problem = KarafInstance.json(refused);
        assertEquals("file", problem.path("field").asText());
        // clamd names a signature of an unsigned database "<name>.UNOFFICIAL"
        assertTrue(problem.path("signature").asText().startsWith(Clamd.EICAR_SIGNATURE), refused.body());
        assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));

        HttpResponse<String> exe = upload(patient, "photo.jpg", new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0});
        assertEquals(415, exe.statusCode(), exe.body());

        HttpResponse<String> up = upload(patient, "lab results.pdf", pdf);
        assertEquals(201, up.statusCode(), up.body());
        JsonNode file = KarafInstance.json(up);
        assertEquals("application/pdf", file.path("contentType").asText());
        assertEquals("clean", file.path("scan").asText());
        assertEquals(200, upload(patient, "again.pdf", pdf).statusCode(), "the same content is the same file");

        try (WsClient rita = WsClient.open(karaf, doctor, null, null);
                WsClient pia = WsClient.open(karaf, patient, null, null)) {
            subscribe(rita, "s1", 0);
            rita.drain("chat.message", 500);
            pia.send("chat.send", "f1", WsClient.data().put("encounterId", encounter).put("clientId", "file-1")
                    .put("text", "").put("attachmentId", file.path("id").asText()));
            assertEquals("ack", pia.answer("f1", 10).path("type").asText());
            JsonNode live = rita.next("chat.message", 10);
            assertEquals(file.path("id").asText(), live.path("data").path("attachment").path("id").asText());
        }
        String path = "/api/v1/conversations/files/" + file.path("id").asText() + "/link";
        HttpResponse<String> other = karaf.post(path, karaf.login("rt.other", PW), "application/json", "");
        assertEquals(404, other.statusCode(), "not a member: " + other.body());
        HttpResponse<String> link = karaf.post(path, doctor, "application/json", "");
        assertEquals(200, link.statusCode(), link.body());
        String url = KarafInstance.json(link).path("url").asText();
        HttpResponse<byte[]> got = karaf.sendBytes(HttpRequest.newBuilder(URI.create(karaf.url(url))), null);
        assertEquals(200, got.statusCode());
        assertEquals(new String(pdf, java.nio.charset.StandardCharsets.US_ASCII),
                new String(got.body(), java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(got.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment;"));
        assertEquals("private, no-store", got.headers().firstValue("Cache-Control").orElse(""));
        // HEAD: the headers without the content (and no audit row: ChatFilesImplTest)
        HttpResponse<String> head = karaf.send(HttpRequest.newBuilder(URI.create(karaf.url(url)))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()), null);
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(pdf.length), head.headers().firstValue("Content-Length").orElse(""));
        assertEquals("", KarafInstance.json(link).path("previewUrl").asText(""), "a PDF has no preview");
        HttpResponse<byte[]> forged = karaf.sendBytes(HttpRequest.newBuilder(URI.create(karaf.url(
                url.substring(0, url.length() - 4) + "AAAA"))), null);
        assertEquals(403, forged.statusCode());
    }

    @Test
    @Order(6)
    void aLargeFileInPiecesResumesAfterAConnectionCutMidPieceAndArrivesWhole() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 2_600_000; i++) {
            text.append("Home blood glucose log, reading ").append(i).append(": 5.8 mmol/L before breakfast.\n");
        }
        byte[] all = text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int piece = 1024 * 1024;
        HttpResponse<String> started = karaf.post("/api/v1/conversations/encounters/" + encounter + "/uploads",
                patient, "application/json", "{\"name\":\"glucose log.txt\",\"size\":" + all.length + "}");
        assertEquals(201, started.statusCode(), started.body());
        String id = KarafInstance.json(started).path("id").asText();
        String at = started.headers().firstValue("Location").orElse("");
        assertTrue(at.endsWith("/api/v1/conversations/uploads/" + id), at);
        assertEquals(200, piece(id, all, 0, piece).statusCode());

        // the second piece: its headers and a third of it, then the connection is cut (a phone losing signal)
        try (java.net.Socket cut = new java.net.Socket("127.0.0.1", karaf.httpPort)) {
            var out = cut.getOutputStream();
            out.write(("PUT /api/v1/conversations/uploads/" + id + " HTTP/1.1\r\nHost: 127.0.0.1:" + karaf.httpPort
                    + "\r\nAuthorization: Bearer " + patient + "\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Range: bytes " + piece + "-" + (2 * piece - 1) + "/" + all.length + "\r\n"
                    + "Content-Length: " + piece + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(all, piece, piece / 3);
            out.flush();
            Thread.sleep(300);
        }
        // the hub kept the first piece only; the client asks where it stands and goes on from there
        JsonNode status = null;
        for (int i = 0; i < 50; i++) { // the cut piece's request may still be ending on the hub
            status = KarafInstance.json(karaf.get("/api/v1/conversations/uploads/" + id, patient));
            if (status.path("received").asLong() == piece) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(piece, status.path("received").asLong(), status.toString());
        HttpResponse<String> skipped = piece(id, all, 2 * piece, all.length);
        assertEquals(409, skipped.statusCode(), "a piece that skips ahead: " + skipped.body());
        assertEquals("offset", KarafInstance.json(skipped).path("field").asText());
        assertEquals(200, piece(id, all, piece, 2 * piece).statusCode());
        HttpResponse<String> last = piece(id, all, 2 * piece, all.length);
        assertEquals(201, last.statusCode(), last.body());
        JsonNode file = KarafInstance.json(last).path("attachment");
        assertEquals(List.of("glucose log.txt", "text/plain", "clean", String.valueOf(all.length)), List.of(
                file.path("name").asText(), file.path("contentType").asText(), file.path("scan").asText(),
                file.path("size").asText()));
        assertEquals(200, piece(id, all, 2 * piece, all.length).statusCode(), "the last piece again: the same file");
        HttpResponse<String> stranger = karaf.get("/api/v1/conversations/uploads/" + id, doctor);
        assertEquals(404, stranger.statusCode(), "another member's upload: " + stranger.body());
        HttpResponse<String> link = karaf.post("/api/v1/conversations/files/" + file.path("id").asText() + "/link",
                doctor, "application/json", "");
        assertEquals(200, link.statusCode(), link.body());
        HttpResponse<byte[]> got = karaf.sendBytes(HttpRequest.newBuilder(URI.create(karaf.url(
                KarafInstance.json(link).path("url").asText()))), null);
        assertEquals(200, got.statusCode());
        assertTrue(java.util.Arrays.equals(all, got.body()), "the file arrives byte for byte");
    }

    /** A piece of an upload: bytes {@code from} to {@code to} (exclusive) of {@code all}. */
    private static HttpResponse<String> piece(String id, byte[] all, int from, int to) throws IOException {
        return karaf.send(HttpRequest.newBuilder(URI.create(karaf.url("/api/v1/conversations/uploads/" + id)))
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + all.length)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(java.util.Arrays.copyOfRange(all, from, to))), patient);
    }

    private static HttpResponse<String> upload(String token, String name, byte[] content) throws IOException {
        return karaf.send(HttpRequest.newBuilder(URI.create(karaf.url("/api/v1/conversations/encounters/" + encounter
                + "/files?name=" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                        .replace("+", "%20")))).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)), token);
    }

    @Test
    @Order(7)
    void aClientThatStopsReadingIsClosedAndTheOthersGetEveryMessage() throws Exception {
        try (WsClient reader = WsClient.open(karaf, patient, null, null);
                WsClient rita = WsClient.open(karaf, doctor, null, null)) {
            long base = subscribe(reader, "s1", 0).path("data").path("delivered").asLong();
            reader.drain("chat.message", 500);
            WsClient.Stalled stalled = new WsClient.Stalled(karaf, patient, "{\"v\":1,\"type\":\"chat.subscribe\","
                    + "\"data\":{\"encounterId\":\"" + encounter + "\",\"after\":" + base + "}}");
            String big = "y".repeat(60_000); // under the 64 KiB frame limit with the frame around it
            int sent = 0;
            long t0 = System.nanoTime();
            while (sent < 300) { // 18 MB: far more than the stalled client's buffers (4 KiB, the hub's 4 MB)
                // at the rate limit (200 a second here): a 429, a pause, the same frame again
                JsonNode a = send(rita, "b" + sent, "big-" + sent, big + sent);
                if (a.path("type").asText().equals("error")) {
                    assertEquals(429, a.path("error").path("status").asInt(), a.toString());
                    Thread.sleep(60);
                    continue;
                }
                sent++;
            }
            System.out.printf("%d messages of 60 KB sent in %.1f s while one client did not read%n", sent,
                    (System.nanoTime() - t0) / 1e9);
            Integer code = stalled.drain(10);
            assertTrue(code != null && (code == -1 || code == 4409), "the hub ended the stalled connection (4409,"
                    + " or dropped when the close frame could not get through): " + code);
            System.out.println("the stalled client's connection ended: " + (code == -1 ? "dropped" : "close " + code));
            stalled.close();
            List<JsonNode> got = reader.drain("chat.message", 3000);
            assertEquals(sent, got.size(), "the reading client got every message");
            for (int i = 1; i < got.size(); i++) {
                assertEquals(got.get(i - 1).path("data").path("sequence").asLong() + 1,
                        got.get(i).path("data").path("sequence").asLong());
            }
        }
    }

    @Test
    @Order(8)
    void aSessionEndedElsewhereClosesItsSocket() throws Exception {
        String[] browser = session("rt.patient");
        try (WsClient tab = WsClient.open(karaf, null, browser[0], origin)) {
            // signed out in another tab of the same browser
            HttpResponse<String> ended = karaf.send(HttpRequest.newBuilder(URI.create(karaf.url("/api/v1/auth/session")))
                    .header("Cookie", browser[0]).header("Origin", origin).header("X-CSRF-Token", browser[1])
                    .DELETE(), null);
            assertTrue(ended.statusCode() / 100 == 2, ended.statusCode() + " " + ended.body());
            long t0 = System.nanoTime();
            assertEquals(4401, tab.closeCode(10));
            System.out.printf("socket closed %.1f s after its sessions were ended%n", (System.nanoTime() - t0) / 1e9);
        }
        assertTrue(Instant.now().isAfter(Instant.EPOCH));
    }

    @Test
    @Order(9)
    void messagesLeftUnreadAreToldByEmailOnceWithoutTheirText() throws Exception {
        user("rt.nora", "patient");
        HttpResponse<String> created = karaf.post("/api/v1/patients", admin, "application/json",
                "{\"displayName\":\"Nora Notice\",\"username\":\"rt.nora\",\"email\":\"nora@example.org\","
                        + "\"timeZone\":\"Asia/Tehran\"}");
        assertEquals(201, created.statusCode(), created.body());
        String nora = KarafInstance.json(created).get("id").asText();
        karaf.careTeam(admin, nora, "rt.doctor");
        String doctorId = KarafInstance.json(karaf.get("/api/v1/encounters/" + encounter, admin)).get("doctorId")
                .asText();
        HttpResponse<String> booked = karaf.post("/api/v1/encounters", admin, "application/json",
                Scheduling.visit(doctorId, nora, Scheduling.dayAfterTomorrow(14), 30));
        assertEquals(201, booked.statusCode(), booked.body());
        String visit = KarafInstance.json(booked).get("id").asText();
        for (int i = 1; i <= 2; i++) {
            HttpResponse<String> sent = karaf.post("/api/v1/conversations/encounters/" + visit + "/messages", doctor,
                    "application/json", "{\"clientId\":\"notice-" + i + "\",\"text\":\"Secret finding " + i
                            + "\"}");
            assertEquals(201, sent.statusCode(), sent.body());
        }
        long t0 = System.nanoTime();
        assertTrue(mail.waitForIncomingEmail(30_000, 1), "no notice within 30 s");
        System.out.printf("unread notice mailed %.1f s after the messages (delay 2 s)%n",
                (System.nanoTime() - t0) / 1e9);
        jakarta.mail.internet.MimeMessage m = mail.getReceivedMessages()[0];
        assertEquals("nora@example.org", ((jakarta.mail.internet.InternetAddress) m.getAllRecipients()[0])
                .getAddress());
        String body = com.icegreen.greenmail.util.GreenMailUtil.getBody(m);
        assertEquals("Unread messages about your visit with Dr Rita Realtime", m.getSubject());
        assertTrue(body.contains("2 messages") && body.contains("/encounters/" + visit), body);
        assertTrue(body.contains("(Asia/Tehran)"), "the visit's time in the patient's zone: " + body);
        assertFalse(body.contains("Secret finding"), "no message text leaves the hub in a notice: " + body);
        // read now: a third message and its check find nothing new to tell once Nora has read it
        String noraToken = karaf.login("rt.nora", PW);
        HttpResponse<String> third = karaf.post("/api/v1/conversations/encounters/" + visit + "/messages", doctor,
                "application/json", "{\"clientId\":\"notice-3\",\"text\":\"One more\"}");
        assertEquals(201, third.statusCode(), third.body());
        HttpResponse<String> read = karaf.post("/api/v1/conversations/encounters/" + visit + "/read", noraToken,
                "application/json", "{\"sequence\":3}");
        assertEquals(200, read.statusCode(), read.body());
        Thread.sleep(6_000);
        assertEquals(1, mail.getReceivedMessages().length, "told once; what was read is not told");
    }

    @Test
    @Order(10)
    void aNewMessageIsPushedToThePatientsOwnTopicListedUntilSeenAndSeeingIsNotReading() throws Exception {
        user("rt.nina", "patient");
        String nina = Scheduling.patient(karaf, admin, "Nina Notice", "rt.nina");
        karaf.careTeam(admin, nina, "rt.doctor");
        String doctorId = KarafInstance.json(karaf.get("/api/v1/encounters/" + encounter, admin)).get("doctorId")
                .asText();
        HttpResponse<String> booked = karaf.post("/api/v1/encounters", admin, "application/json",
                Scheduling.visit(doctorId, nina, Scheduling.dayAfterTomorrow(16), 30));
        assertEquals(201, booked.statusCode(), booked.body());
        String visit = KarafInstance.json(booked).get("id").asText();
        String ninaToken = karaf.login("rt.nina", PW);
        try (WsClient phone = WsClient.open(karaf, ninaToken, null, null);
                WsClient laptop = WsClient.open(karaf, ninaToken, null, null)) {
            // a frame cannot follow another user's notices: the topic is always the caller's own
            phone.send("notice.subscribe", "n1", WsClient.data().put("user", "rt.doctor"));
            assertEquals("user:rt.nina", phone.answer("n1", 10).path("data").path("topic").asText());
            laptop.send("notice.subscribe", "n2", WsClient.data());
            laptop.answer("n2", 10);
            long t0 = System.nanoTime();
            HttpResponse<String> sent = karaf.post("/api/v1/conversations/encounters/" + visit + "/messages", doctor,
                    "application/json", "{\"clientId\":\"bell-1\",\"text\":\"Private result\"}");
            assertEquals(201, sent.statusCode(), sent.body());
            JsonNode poke = phone.next("notice.changed", 10).path("data");
            System.out.printf("notice pushed %.0f ms after the send was answered%n", (System.nanoTime() - t0) / 1e6);
            assertEquals(visit, poke.path("encounterId").asText());
            assertEquals(1, poke.path("sequence").asLong());
            assertFalse(poke.toString().contains("Private result"), "a poke carries ids only: " + poke);
            laptop.next("notice.changed", 10);

            JsonNode list = KarafInstance.json(karaf.get("/api/v1/notifications", ninaToken));
            assertEquals(1, list.path("unseen").asLong(), list.toString());
            JsonNode item = list.path("items").path(0);
            assertEquals(visit, item.path("encounterId").asText());
            assertEquals("rt.doctor", item.path("fromName").asText(), "the sender's account name");
            assertEquals("Dr Rita Realtime", item.path("doctorName").asText());
            assertEquals(1, item.path("newest").asLong());
            assertFalse(list.toString().contains("Private result"), list.toString());
            // the doctor wrote it: nothing for him; another patient sees nothing of Nina's visit
            assertFalse(karaf.get("/api/v1/notifications", doctor).body().contains(visit));
            assertFalse(karaf.get("/api/v1/notifications", karaf.login("rt.other", PW)).body().contains(visit));

            // seen on the phone: the laptop is told, the list is empty, the message is still unread
            HttpResponse<String> seen = karaf.post("/api/v1/notifications/seen", ninaToken, "application/json",
                    "{\"seen\":[{\"encounterId\":\"" + visit + "\",\"sequence\":1}]}");
            assertEquals(200, seen.statusCode(), seen.body());
            assertEquals(1, laptop.next("notice.changed", 10).path("data").path("sequence").asLong());
            assertEquals(0, KarafInstance.json(karaf.get("/api/v1/notifications", ninaToken)).path("unseen")
                    .asLong());
            assertEquals(1, KarafInstance.json(karaf.get("/api/v1/conversations/encounters/" + visit, ninaToken))
                    .path("unread").asLong(), "seen is not read");
            // a mark past the last message names the field, and writes nothing
            HttpResponse<String> bad = karaf.post("/api/v1/notifications/seen", ninaToken, "application/json",
                    "{\"seen\":[{\"encounterId\":\"" + visit + "\",\"sequence\":7}]}");
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("sequence"), bad.body());
        }
    }

    @Test
    @Order(11)
    void anEditAndARetractionReachTheOtherMemberLiveAndAfterAReconnectAndARetractedFileIsGone() throws Exception {
        long last;
        long revision;
        String typo;
        String photo;
        String fileUrl;
        String fileId;
        try (WsClient pia = WsClient.open(karaf, patient, null, null);
                WsClient rita = WsClient.open(karaf, doctor, null, null)) {
            // from the conversation's end (earlier tests left hundreds of long messages; the queue holds 32)
            long end = KarafInstance.json(karaf.get("/api/v1/conversations/encounters/" + encounter, patient))
                    .path("lastSequence").asLong();
            JsonNode ack = subscribe(pia, "s1", end);
            last = ack.path("data").path("delivered").asLong();
            revision = ack.path("data").path("revision").asLong();
            subscribe(rita, "s2", last);
            typo = send(rita, "e1", "edit-1", "Take two tablest a day").path("data").path("message").path("id")
                    .asText();
            last = pia.next("chat.message", 10).path("data").path("sequence").asLong();
            rita.send("chat.edit", "e2", WsClient.data().put("encounterId", encounter).put("messageId", typo)
                    .put("text", "Take two tablets a day"));
            assertEquals("Take two tablets a day", rita.answer("e2", 10).path("data").path("message").path("text")
                    .asText());
            JsonNode changed = pia.next("chat.changed", 10).path("data");
            assertEquals(typo, changed.path("message").path("id").asText());
            assertEquals("Take two tablets a day", changed.path("message").path("text").asText());
            assertFalse(changed.path("message").path("editedAt").isNull());
            revision = changed.path("revision").asLong();
            // the patient may not change the doctor's message
            pia.send("chat.edit", "e3", WsClient.data().put("encounterId", encounter).put("messageId", typo)
                    .put("text", "Take none"));
            assertEquals(403, pia.next("error", 10).path("error").path("status").asInt());
            // a PDF posted by the doctor, which the patient will have missed being retracted
            HttpResponse<String> up = karaf.send(HttpRequest.newBuilder(URI.create(karaf.url(
                    "/api/v1/conversations/encounters/" + encounter + "/files?name=wrong-patient.pdf")))
                    .header("Authorization", "Bearer " + doctor).header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofString("%PDF-1.4\n% retracted later\n%%EOF\n")), null);
            assertTrue(up.statusCode() == 201 || up.statusCode() == 200, up.body());
            String attachment = KarafInstance.json(up).get("id").asText();
            rita.send("chat.send", "e4", WsClient.data().put("encounterId", encounter).put("clientId", "edit-2")
                    .put("text", "").put("attachmentId", attachment));
            photo = rita.answer("e4", 10).path("data").path("message").path("id").asText();
            last = pia.next("chat.message", 10).path("data").path("sequence").asLong();
            HttpResponse<String> link = karaf.post("/api/v1/conversations/files/" + attachment + "/link", patient,
                    "application/json", "");
            assertEquals(200, link.statusCode(), link.body());
            fileUrl = KarafInstance.json(link).get("url").asText();
            fileId = attachment;
        }
        // while the patient is away: the file message is retracted, the first one edited again
        HttpResponse<String> gone = karaf.send(HttpRequest.newBuilder(URI.create(karaf.url(
                "/api/v1/conversations/encounters/" + encounter + "/messages/" + photo)))
                .header("Authorization", "Bearer " + doctor).DELETE(), null);
        assertEquals(200, gone.statusCode(), gone.body());
        assertFalse(KarafInstance.json(gone).path("retractedAt").isNull());
        assertTrue(KarafInstance.json(gone).path("attachment").isMissingNode()
                || KarafInstance.json(gone).path("attachment").isNull(), gone.body());
        // its file: no new link for anyone, and the link given before no longer opens it
        assertEquals(404, karaf.post("/api/v1/conversations/files/" + fileId + "/link", patient, "application/json",
                "").statusCode());
        assertEquals(410, karaf.get(fileUrl, null).statusCode());
        assertEquals(200, karaf.send(HttpRequest.newBuilder(URI.create(karaf.url("/api/v1/conversations/encounters/"
                + encounter + "/messages/" + typo))).header("Authorization", "Bearer " + doctor)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"text\":\"Take two tablets a day, after meals\"}")),
                null).statusCode());
        try (WsClient pia = WsClient.open(karaf, patient, null, null)) {
            pia.send("chat.subscribe", "r1", WsClient.data().put("encounterId", encounter).put("after", last)
                    .put("revision", revision));
            JsonNode ack = pia.answer("r1", 10); // the changes come before it (put back while it is looked for)
            List<JsonNode> missed = pia.drain("chat.changed", 1500);
            assertEquals(revision + 2, ack.path("data").path("revision").asLong());
            assertEquals(List.of(photo, typo), missed.stream().map(f -> f.path("data").path("message").path("id")
                    .asText()).toList(), "exactly the two changes missed, in order");
            assertEquals("", missed.get(0).path("data").path("message").path("text").asText());
            assertEquals("Take two tablets a day, after meals", missed.get(1).path("data").path("message")
                    .path("text").asText());
        }
        JsonNode history = KarafInstance.json(karaf.get("/api/v1/conversations/encounters/" + encounter + "/messages/"
                + typo + "/history", patient));
        assertEquals(2, history.path("items").size(), history.toString());
        assertEquals("Take two tablest a day", history.path("items").path(0).path("text").asText());
        assertEquals(0, KarafInstance.json(karaf.get("/api/v1/conversations/encounters/" + encounter + "/messages/"
                + photo + "/history", patient)).path("items").size(), "a retracted message's texts are not shown");
    }

    private static JsonNode video(WsClient c, String type, String id, String room, String... pairs) {
        com.fasterxml.jackson.databind.node.ObjectNode d = WsClient.data().put("encounterId", room);
        for (int i = 0; i < pairs.length; i += 2) {
            d.put(pairs[i], pairs[i + 1]);
        }
        c.send(type, id, d);
        return c.answer(id, 10);
    }

    private static String videoStatus(String room) throws IOException {
        return KarafInstance.json(karaf.get("/api/v1/encounters/" + room, admin)).path("status").asText();
    }

    @Test
    @Order(20)
    void theWaitingRoomIsTheHubsNothingIsRelayedBeforeAdmissionAndTheVisitStartsAndEndsWithTheRoom()
            throws Exception {
        JsonNode chatVisit = KarafInstance.json(karaf.get("/api/v1/encounters/" + encounter, admin));
        String doctorId = chatVisit.path("doctorId").asText();
        String patientId = chatVisit.path("patientId").asText();
        java.time.Instant soon = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
                .plusSeconds(120);
        HttpResponse<String> booked = karaf.post("/api/v1/encounters", admin, "application/json",
                Scheduling.visit(doctorId, patientId, soon, 30));
        assertEquals(201, booked.statusCode(), booked.body());
        String room = KarafInstance.json(booked).get("id").asText();
        String other = karaf.login("rt.other", PW);
        try (WsClient pia = WsClient.open(karaf, patient, null, null);
                WsClient rita = WsClient.open(karaf, doctor, null, null);
                WsClient outsider = WsClient.open(karaf, other, null, null)) {
            // someone who is not the visit's: the visit does not exist for them
            assertEquals(404, video(outsider, "video.join", "o1", room).path("error").path("status").asInt());
            // the chat visit two days ahead has a room too, but it is not open yet
            JsonNode early = video(pia, "video.join", "e1", encounter);
            assertEquals(List.of(409, "Too early"), List.of(early.path("error").path("status").asInt(),
                    early.path("error").path("title").asText()), early.toString());
            // a modified client that signals without joining, or before the doctor let it in, gets nothing through
            JsonNode skip = video(pia, "video.signal", "x1", room, "to", "AAAAAAAAAAAAAAAAAAAAAA");
            assertEquals(400, skip.path("error").path("status").asInt(), "neither description nor candidate");
            JsonNode waiting = video(pia, "video.join", "j1", room).path("data");
            assertEquals(List.of("waiting", "patient"), List.of(waiting.path("state").asText(),
                    waiting.path("role").asText()), waiting.toString());
            assertTrue(waiting.path("room").isNull(), "nothing of the room while waiting: " + waiting);
            JsonNode in = video(rita, "video.join", "j2", room).path("data");
            assertEquals(List.of("admitted", "moderator"), List.of(in.path("state").asText(),
                    in.path("role").asText()), in.toString());
            assertEquals("rt.patient", in.path("room").path("waiting").path(0).path("member").asText(),
                    "the doctor sees who waits: " + in);
            String ritaPeer = in.path("peerId").asText();
            String piaPeer = waiting.path("peerId").asText();
            c(pia, "video.signal", "x2", room, ritaPeer, 409);
            c(rita, "video.signal", "x3", room, piaPeer, 404);
            assertEquals(List.of(), pia.drain("video.room", 500), "a waiting peer sees nobody");
            assertTrue(pia.frames.stream().noneMatch(f -> f.path("type").asText().startsWith("video.signal")));
            assertEquals("scheduled", videoStatus(room));
            // only the moderator lets people in
            assertEquals(403, video(pia, "video.admit", "a0", room, "member", "rt.patient").path("error")
                    .path("status").asInt());
            JsonNode admitted = video(rita, "video.admit", "a1", room, "member", "rt.patient");
            assertEquals("ack", admitted.path("type").asText(), admitted.toString());
            pia.next("video.admitted", 10);
            assertEquals("in_progress", videoStatus(room), "the first admission starts the visit");
            JsonNode entered = video(pia, "video.join", "j3", room).path("data");
            assertEquals("admitted", entered.path("state").asText());
            assertEquals(piaPeer, entered.path("peerId").asText(), "the same tab is the same peer");
            assertEquals(0, entered.path("room").path("waiting").size(), "who waits is for the moderator");
            assertEquals(2, entered.path("room").path("peers").size(), entered.toString());
            // now the signalling goes through, to the peer it names only
            pia.send("video.signal", "s1", WsClient.data().put("encounterId", room).put("to", ritaPeer)
                    .set("description", WsClient.data().put("type", "offer").put("sdp", "v=0 fake offer")));
            assertEquals("ack", pia.answer("s1", 10).path("type").asText());
            JsonNode offer = rita.next("video.signal", 10).path("data");
            assertEquals(List.of(piaPeer, "rt.patient", "offer"), List.of(offer.path("from").asText(),
                    offer.path("member").asText(), offer.path("description").path("type").asText()));
            // each browser's quality reports add up to the visit's summary, for its doctor only
            for (WsClient c : List.of(pia, rita)) {
                c.send("video.quality", "q1", WsClient.data().put("encounterId", room).put("rttMs", 12)
                        .put("lossPercent", 0.5).put("kbpsIn", 900).put("relayed", false));
                assertEquals("ack", c.answer("q1", 10).path("type").asText());
            }
            assertEquals("admitted", video(pia, "video.ping", "p1", room).path("data").path("state").asText());
            HttpResponse<String> quality = karaf.get("/api/v1/video/" + room + "/quality", doctor);
            assertEquals(200, quality.statusCode(), quality.body());
            assertEquals(2, KarafInstance.json(quality).path("items").size(), quality.body());
            assertEquals(403, karaf.get("/api/v1/video/" + room + "/quality", patient).statusCode());
            // a dropped connection is not an end: the patient comes back on a new socket and enters at once
            pia.close();
            JsonNode left = rita.next(f -> "video.room".equals(f.path("type").asText())
                    && f.path("data").path("peers").size() == 1, 10, "the roster without the patient");
            assertEquals("rt.doctor", left.path("data").path("peers").path(0).path("member").asText());
            try (WsClient back = WsClient.open(karaf, patient, null, null)) {
                JsonNode again = video(back, "video.join", "j4", room).path("data");
                assertEquals("admitted", again.path("state").asText(), "admitted once, admitted for the visit");
                String backPeer = again.path("peerId").asText();
                c(rita, "video.signal", "s2", room, backPeer, 200);
                assertEquals(ritaPeer, back.next("video.signal", 10).path("data").path("from").asText());
                video(rita, "video.mute", "m1", room, "member", "rt.patient");
                assertEquals("Dr Rita Realtime", back.next("video.muted", 10).path("data").path("by").asText());
                // removed: told, and nothing more of the room reaches it, whatever its client does
                back.drain("video.room", 300); // the rosters of the changes so far
                video(rita, "video.remove", "r1", room, "member", "rt.patient");
                back.next("video.removed", 10);
                c(back, "video.signal", "s3", room, ritaPeer, 409);
                rita.send("video.media", "v1", WsClient.data().put("encounterId", room).put("audio", false)
                        .put("video", true).put("screen", false));
                assertEquals("ack", rita.answer("v1", 10).path("type").asText());
                assertEquals(List.of(), back.drain("video.room", 500), "no roster after removal");
                // joining again, it waits, and the doctor is told it was removed before
                assertEquals("waiting", video(back, "video.join", "j5", room).path("data").path("state").asText());
                JsonNode note = rita.next(f -> "video.room".equals(f.path("type").asText())
                        && f.path("data").path("waiting").size() == 1, 10, "the patient waiting again");
                assertEquals("removed", note.path("data").path("waiting").path(0).path("note").asText());
                // the doctor ends the visit: everyone is told, the visit is completed
                assertEquals("ack", video(rita, "video.end", "e2", room).path("type").asText());
                assertEquals("completed", back.next("video.ended", 10).path("data").path("status").asText());
                assertEquals("completed", videoStatus(room));
                JsonNode closed = video(back, "video.join", "j6", room);
                assertEquals(409, closed.path("error").path("status").asInt(), closed.toString());
            }
        }
    }

    /** Sends a fake signal from {@code c} to {@code to} and checks the answer's status (200: an ack). */
    private static void c(WsClient c, String type, String id, String room, String to, int status) {
        c.send(type, id, WsClient.data().put("encounterId", room).put("to", to)
                .set("candidate", WsClient.data().put("candidate", "candidate:1 1 udp 1 127.0.0.1 9 typ host")));
        JsonNode a = c.answer(id, 10);
        assertEquals(status, status == 200 ? (a.path("type").asText().equals("ack") ? 200 : -1)
                : a.path("error").path("status").asInt(), a.toString());
    }

    /**
     * Issue 19: a patient follows a doctor; a visit of someone else's with the doctor is cancelled, so its slot is
     * free again: the directory's encounter-event subscriber tells her by email (GreenMail), once, with the freed
     * time in her zone and a link to book; a second cancellation within the notice interval (12 h) tells her nothing
     * more.
     */
    @Test
    @Order(30)
    void aFollowerIsToldByEmailOnceWhenACancellationFreesASlot() throws Exception {
        user("rt.fay", "patient");
        HttpResponse<String> created = karaf.post("/api/v1/patients", admin, "application/json",
                "{\"displayName\":\"Fay Follower\",\"username\":\"rt.fay\",\"email\":\"fay@example.org\","
                        + "\"timeZone\":\"Asia/Tehran\"}");
        assertEquals(201, created.statusCode(), created.body());
        String doctorId = Scheduling.doctor(karaf, admin, "Dr Fiona Follow", null);
        String other = Scheduling.patient(karaf, admin, "Otto Other", null);
        String fay = karaf.login("rt.fay", PW);
        HttpResponse<String> follow = karaf.put("/api/v1/directory/doctors/" + doctorId + "/follow", fay, "{}");
        assertEquals(204, follow.statusCode(), follow.body());
        java.util.function.Supplier<Long> toFay = () -> java.util.Arrays.stream(mail.getReceivedMessages())
                .filter(m -> {
                    try {
                        return ((jakarta.mail.internet.InternetAddress) m.getAllRecipients()[0]).getAddress()
                                .equals("fay@example.org");
                    } catch (jakarta.mail.MessagingException e) {
                        throw new IllegalStateException(e);
                    }
                }).count();
        List<String> visits = new java.util.ArrayList<>();
        for (int hour : new int[] {11, 12}) {
            HttpResponse<String> booked = karaf.post("/api/v1/encounters", admin, "application/json",
                    Scheduling.visit(doctorId, other, Scheduling.dayAfterTomorrow(hour), 30));
            assertEquals(201, booked.statusCode(), booked.body());
            visits.add(KarafInstance.json(booked).get("id").asText());
        }
        long t0 = System.nanoTime();
        HttpResponse<String> cancelled = karaf.post("/api/v1/encounters/" + visits.get(0) + "/cancel", admin,
                "application/json", "{\"reason\":\"the patient is better\"}");
        assertEquals(200, cancelled.statusCode(), cancelled.body());
        long deadline = System.currentTimeMillis() + 30_000;
        while (toFay.get() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(1, toFay.get(), "no notice to the follower within 30 s");
        System.out.printf("freed slot told to its follower %.1f s after the cancellation%n",
                (System.nanoTime() - t0) / 1e9);
        jakarta.mail.internet.MimeMessage m = java.util.Arrays.stream(mail.getReceivedMessages()).filter(x -> {
            try {
                return x.getSubject().contains("Dr Fiona Follow");
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).findFirst().orElseThrow();
        assertEquals("A visit time opened up with Dr Fiona Follow", m.getSubject());
        String body = com.icegreen.greenmail.util.GreenMailUtil.getBody(m);
        assertTrue(body.contains("/find?doctor=" + doctorId), body);
        assertTrue(body.contains("(Asia/Tehran)"), "the freed time in the follower's zone: " + body);
        assertFalse(body.contains("Otto") || body.contains("better"), "nothing of the cancelled visit: " + body);
        // the profile shows whom she follows, and the next free slot the events keep
        JsonNode profile = KarafInstance.json(karaf.get("/api/v1/directory/doctors/" + doctorId, fay));
        assertTrue(profile.get("following").asBoolean(), profile.toString());
        assertFalse(profile.path("nextFreeSlot").isNull() || profile.path("nextFreeSlot").isMissingNode(),
                profile.toString());

        HttpResponse<String> again = karaf.post("/api/v1/encounters/" + visits.get(1) + "/cancel", admin,
                "application/json", "{\"reason\":\"moved away\"}");
        assertEquals(200, again.statusCode(), again.body());
        Thread.sleep(5_000);
        assertEquals(1, toFay.get(), "told at most once per notice interval");
    }
}
