package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 21: the HL7 v2 adapter hot-installed into the running hub, fed by Debian's {@code mllp_send} (python3-hl7,
 * not Telehub's code): ADT registrations and updates in UTF-8 and ISO 8859-1, a repeat, refusals (unreadable, an
 * unknown type, an unsupported version), A40 merges, broken connections, and the message store over REST and the
 * shell.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Hl7IT {
    private static final String ADMIN_PASSWORD = "hl7-admin-secret";
    private static final String MLLP_SEND = "/usr/bin/mllp_send";
    private static KarafInstance karaf;
    private static com.icegreen.greenmail.util.GreenMail mail;
    private static String admin;
    private static String desk;
    private static int port;
    /** The documents interface's listener: it does not book visits. */
    private static int docsPort;
    /** The doctor the scheduler books for (AIP-3 4711). */
    private static String schedDoctor;
    private static Path files;
    private static int control;
    private static String nurse;
    /** The independent receiver of what the hub sends (python3-hl7's hl7.mllp), its answer mode and its inbox. */
    private static Process receiver;
    /** The TLS interface: its listener, the openssl-made certificates, the TLS receiver and its inbox. */
    private static final String TLS_PASSWORD = "hl7-keystore-pass";
    private static int tlsPort;
    private static Path tls;
    private static Process tlsReceiver;
    private static Path tlsInbox;
    private static Path receiverMode;
    private static Path receiverInbox;

    @BeforeAll
    static void start() throws Exception {
        assertTrue(Files.isExecutable(Path.of(MLLP_SEND)), "python3-hl7's mllp_send (the test command installs it)");
        karaf = KarafInstance.create("hl7");
        karaf.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=",
                "bootstrapAdminPassword=" + ADMIN_PASSWORD);
        port = KarafInstance.freePort();
        files = karaf.home.resolve("hl7-files");
        Files.createDirectories(files);
        int receiverPort = KarafInstance.freePort();
        receiverMode = files.resolve("receiver.mode");
        receiverInbox = Files.createDirectories(files.resolve("received"));
        Path script = files.resolve("mllp_receiver.py");
        try (var in = Hl7IT.class.getResourceAsStream("/hl7/mllp_receiver.py")) {
            Files.copy(in, script);
        }
        receiver = new ProcessBuilder("/usr/bin/python3", script.toString(), Integer.toString(receiverPort),
                receiverMode.toString(), receiverInbox.toString()).redirectErrorStream(true)
                .redirectOutput(files.resolve("receiver.log").toFile()).start();
        Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.hl7v2-his.cfg"), "id=his-adt\nvendor=Test HIS\n"
                + "port=" + port + "\nbindAddress=127.0.0.1\nstallSeconds=2\nmaxMessageBytes=1048576\n"
                + "remoteHost=127.0.0.1\nremotePort=" + receiverPort + "\nremoteApplication=LAB\nremoteFacility=NORTH\n"
                + "ackTimeoutSeconds=2\nbookings=true\ndoctors=4711=dr.sched\ntimeZone=UTC\nvisitStatus=true\n");
        // a second interface to the same receiver that sends reports as documents (MDM)
        docsPort = KarafInstance.freePort();
        Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.hl7v2-docs.cfg"), "id=his-docs\nvendor=Test DMS\n"
                + "port=" + docsPort + "\nbindAddress=127.0.0.1\nremoteHost=127.0.0.1\nremotePort="
                + receiverPort + "\nremoteApplication=DMS\nremoteFacility=NORTH\nackTimeoutSeconds=2\n"
                + "reportMessage=MDM\n");
        // a third interface that speaks only TLS, both ways, with certificates an openssl CA made (mutual TLS)
        tls = Files.createDirectories(files.resolve("tls"));
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=Telehub test CA");
        for (String name : List.of("hub", "receiver", "sender")) {
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                    "-subj", "/CN=" + name);
            Files.writeString(tls.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1\n"
                    + "extendedKeyUsage=serverAuth,clientAuth\n");
            openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", name + ".pem", "-days", "2", "-extfile", "ext.cnf");
        }
        openssl("pkcs12", "-export", "-in", "hub.pem", "-inkey", "hub.key", "-out", "hub.p12", "-name", "hub",
                "-passout", "pass:" + TLS_PASSWORD);
        Files.writeString(karaf.home.resolve("etc/secrets/hl7-tls.password"), TLS_PASSWORD + "\n");
        int tlsReceiverPort = KarafInstance.freePort();
        tlsInbox = Files.createDirectories(files.resolve("received-tls"));
        tlsReceiver = new ProcessBuilder("/usr/bin/python3", script.toString(), Integer.toString(tlsReceiverPort),
                files.resolve("tls-receiver.mode").toString(), tlsInbox.toString(), tls.resolve("receiver.pem")
                        .toString(), tls.resolve("receiver.key").toString(), tls.resolve("ca.pem").toString())
                .redirectErrorStream(true).redirectOutput(files.resolve("tls-receiver.log").toFile()).start();
        tlsPort = KarafInstance.freePort();
        Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.hl7v2-tls.cfg"), "id=his-tls\n"
                + "vendor=Test HIS over TLS\nport=" + tlsPort + "\nbindAddress=127.0.0.1\ntls=true\nkeystore="
                + tls.resolve("hub.p12") + "\n.keystorePassword=$[secret:hl7-tls.password]\nclientAuth=need\n"
                + "truststore=" + tls.resolve("ca.pem") + "\nremoteHost=127.0.0.1\nremotePort=" + tlsReceiverPort
                + "\nremoteTls=true\nremoteApplication=LAB\nremoteFacility=NORTH\nackTimeoutSeconds=2\n");
        // administrators told about a system down within the test's patience, through a real SMTP server
        mail = KarafInstance.mailServer("smtp-hl7-pass");
        karaf.sendMailThrough(mail, "smtp-hl7-pass");
        Files.writeString(karaf.home.resolve("etc/org.telehub.integration.alerts.cfg"),
                "alertAfterSeconds=2\ncheckSeconds=1\n");
        // a NAK or silence is retried within the test's patience
        karaf.edit("etc/org.telehub.integration.delivery.cfg", "baseBackoffMillis=2000", "baseBackoffMillis=300");
        karaf.edit("etc/org.telehub.integration.delivery.cfg", "maxBackoffMillis=600000", "maxBackoffMillis=1000");
        karaf.start();
        admin = karaf.login("admin", ADMIN_PASSWORD);
        assertEquals(201, karaf.post("/api/v1/users", admin, "application/json",
                "{\"username\":\"desk.hl7\",\"roles\":[\"front-desk\"],\"password\":\"front-desk-pass-1\"}")
                .statusCode());
        desk = karaf.login("desk.hl7", "front-desk-pass-1");
        assertEquals(201, karaf.post("/api/v1/users", admin, "application/json",
                "{\"username\":\"nurse.hl7\",\"roles\":[\"nurse\"],\"password\":\"ward-nurse-pass-1\"}")
                .statusCode());
        nurse = karaf.login("nurse.hl7", "ward-nurse-pass-1");
        assertEquals(201, karaf.post("/api/v1/users", admin, "application/json", "{\"username\":\"it.night\","
                + "\"roles\":[\"admin\"],\"password\":\"night-shift-pass-1\",\"email\":\"it@clinic.example\"}")
                .statusCode());
    }

    @AfterAll
    static void stop() {
        if (karaf != null) {
            karaf.close();
        }
        if (mail != null) {
            mail.stop();
        }
        if (receiver != null) {
            receiver.destroy();
        }
        if (tlsReceiver != null) {
            tlsReceiver.destroy();
        }
    }

    @Test
    @Order(1)
    void hotInstalledItListensOnLoopbackOnly() throws Exception {
        long pid = karaf.pid();
        String out = karaf.shell("admin", ADMIN_PASSWORD, "feature:install telehub-adapter-hl7v2");
        assertFalse(out.contains("Error"), out);
        awaitUp();
        assertEquals(pid, karaf.pid());
        String ss = new String(new ProcessBuilder("ss", "-ltnH", "sport = :" + port).start().getInputStream()
                .readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ss.contains("127.0.0.1]:" + port) || ss.contains(" 127.0.0.1:" + port), ss);
        assertFalse(ss.contains("*:" + port) || ss.contains("0.0.0.0:" + port), ss);
        karaf.awaitRoutes(java.time.Duration.ofSeconds(30));
    }

    @Test
    @Order(2)
    void admissionsRegisterPatientsInTheirCharacterSets() throws Exception {
        String utf8 = send(adt("A04", "MRN-1001", "Şahin^Zoë", "19800423", "+98 21 5555 0101", "UNICODE UTF-8"),
                StandardCharsets.UTF_8);
        assertTrue(utf8.contains("MSA|AA|" + lastControl()), utf8);
        String latin = send(adt("A01", "MRN-1002", "Müller^José", "19750102", "", "8859/1"),
                StandardCharsets.ISO_8859_1);
        assertTrue(latin.contains("MSA|AA|" + lastControl()), latin);

        JsonNode zoe = processed("MRN-1001", 1).get(0);
        assertEquals("ADT^A04", zoe.get("messageType").asText());
        JsonNode p = KarafInstance.json(karaf.get("/api/v1/patients/" + zoe.get("localPatientId").asText(), desk));
        assertEquals("Zoë Şahin", p.get("displayName").asText(), p.toString());
        assertEquals("1980-04-23", p.get("birthDate").asText());
        assertEquals("+98 21 5555 0101", p.get("phone").asText());
        JsonNode jose = processed("MRN-1002", 1).get(0);
        assertEquals("José Müller", KarafInstance.json(karaf.get("/api/v1/patients/"
                + jose.get("localPatientId").asText(), desk)).get("displayName").asText());
        assertEquals("ISO-8859-1", KarafInstance.json(karaf.get("/api/v1/integration/hl7/messages/"
                + jose.get("id").asText(), admin)).get("charset").asText());
    }

    @Test
    @Order(3)
    void anUpdateChangesThePatientAndARepeatIsTakenOnce() throws Exception {
        String a08 = adt("A08", "MRN-1001", "Şahin-Karimi^Zoë", "19800423", "", "UNICODE UTF-8");
        String first = send(a08, StandardCharsets.UTF_8);
        String ctl = lastControl();
        assertTrue(first.contains("MSA|AA|" + ctl), first);
        String again = send(a08, StandardCharsets.UTF_8); // the sender did not see our ACK and sends it again
        assertTrue(again.contains("MSA|AA|" + ctl), again);
        List<JsonNode> both = processed("MRN-1001", 2);
        String local = both.get(0).get("localPatientId").asText();
        assertEquals(local, both.get(1).get("localPatientId").asText(), "one patient for one MRN");
        JsonNode update = search("controlId=" + ctl).get(0);
        assertEquals(1, search("controlId=" + ctl).size(), "the repeat is no second message");
        assertEquals(1, update.get("duplicates").asInt());
        JsonNode p = KarafInstance.json(karaf.get("/api/v1/patients/" + local, desk));
        assertEquals("Zoë Şahin-Karimi", p.get("displayName").asText());
        assertEquals("+98 21 5555 0101", p.get("phone").asText(), "a field the update leaves empty stays");
    }

    @Test
    @Order(4)
    void whatCannotBeTakenIsRefusedWithTheReasonAndKept() throws Exception {
        String unknown = send(msh("ZZZ^Z01", "2.5.1", "") + "\rPID|1||MRN-9^^^HIS^MR||Nobody^Ann",
                StandardCharsets.UTF_8);
        String ctl = lastControl();
        assertTrue(unknown.contains("MSA|AR|" + ctl), unknown);
        // ERR-8 names the type, its ^ escaped as HL7 has it (\S\)
        assertTrue(unknown.contains("ZZZ\\S\\Z01 (MSH-9) is not processed here") && unknown.contains("ERR|"),
                unknown);
        String old = send(msh("ADT^A04", "2.1", "") + "\rPID|1||MRN-9^^^HIS^MR||Nobody^Ann", StandardCharsets.UTF_8);
        assertTrue(old.contains("MSA|AR|" + lastControl()) && old.contains("2.1"), old);
        String broken = send("MSH|^~\\&|HIS|NORTH|TELEHUB|TELEHUB|20261205||ADT^A04|BROKEN-1|P|2.5.1\rPID|1||"
                + "\rEVN|A04|2026\rZZ\u0001", StandardCharsets.UTF_8);
        assertTrue(broken.contains("MSA|AR"), broken);
        JsonNode refused = search("controlId=" + ctl).get(0);
        assertEquals("rejected", refused.get("state").asText());
        assertTrue(refused.get("error").asText().contains("not processed here"), refused.toString());
        assertEquals(3, search("state=rejected").size(), search("state=rejected").toString());
        // taken (AA), but the register refuses it: failed with the field and the reason, nobody registered
        String future = send(adt("A04", "MRN-9901", "Later^Lea", "20991231", "", ""), StandardCharsets.UTF_8);
        assertTrue(future.contains("MSA|AA|" + lastControl()), future);
        awaitState(lastControl(), "failed");
        JsonNode failed = search("controlId=" + lastControl()).get(0);
        assertTrue(failed.get("error").asText().startsWith("birthDate: "), failed.toString());
        assertTrue(failed.path("localPatientId").isMissingNode(), failed.toString());
    }

    @Test
    @Order(5)
    void mergesMoveTheRetiredIdentifier() throws Exception {
        send(adt("A04", "MRN-2001", "Rahimi^Sara", "19900101", "", ""), StandardCharsets.UTF_8);
        String sara = processed("MRN-2001", 1).get(0).get("localPatientId").asText();
        // the sender merges MRN-2001 into MRN-2002, which Telehub has not seen: Sara now has MRN-2002
        String a40 = send(msh("ADT^A40^ADT_A39", "2.5.1", "") + "\rEVN|A40|20261205\rPID|1||MRN-2002^^^HIS^MR||"
                + "Rahimi^Sara\rMRG|MRN-2001^^^HIS^MR", StandardCharsets.UTF_8);
        assertTrue(a40.contains("MSA|AA|" + lastControl()), a40);
        JsonNode merged = processed("MRN-2002", 1).get(0);
        assertEquals(sara, merged.get("localPatientId").asText());
        assertTrue(merged.path("error").isMissingNode(), merged.toString());
        // two local patients turn out to be one person in the sender: the retired mapping goes, both are named
        send(adt("A04", "MRN-2003", "Rahimi^S.", "19900101", "", ""), StandardCharsets.UTF_8);
        String other = processed("MRN-2003", 1).get(0).get("localPatientId").asText();
        assertNotEquals(sara, other);
        send(msh("ADT^A40^ADT_A39", "2.3", "") + "\rEVN|A40|20261205\rPID|1||MRN-2002^^^HIS^MR||Rahimi^Sara\r"
                + "MRG|MRN-2003^^^HIS^MR", StandardCharsets.UTF_8);
        awaitState(lastControl(), "processed");
        JsonNode two = search("controlId=" + lastControl()).get(0);
        assertTrue(two.get("error").asText().contains(other), two.toString());
        // MRN-2003 no longer names anyone: a new admission with it registers a new patient
        send(adt("A04", "MRN-2003", "Rahimi^Sara", "19900101", "", ""), StandardCharsets.UTF_8);
        awaitState(lastControl(), "processed");
        String fresh = search("controlId=" + lastControl()).get(0).get("localPatientId").asText();
        assertNotEquals(other, fresh);
        assertNotEquals(sara, fresh);
    }

    @Test
    @Order(6)
    void brokenConnectionsAreClosedAndOthersCarryOn() throws Exception {
        try (Socket garbage = socket(); Socket stalled = socket()) {
            garbage.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, garbage.getInputStream().read(), "bytes outside a frame close the connection");
            stalled.getOutputStream().write(("\u000b" + msh("ADT^A04", "2.5.1", "")).getBytes(StandardCharsets.UTF_8));
            long t0 = System.nanoTime();
            // meanwhile, another sender's message goes through
            String ok = send(adt("A08", "MRN-1002", "Müller^José", "19750102", "", ""), StandardCharsets.UTF_8);
            assertTrue(ok.contains("MSA|AA"), ok);
            assertEquals(-1, stalled.getInputStream().read(), "half a message, then silence: closed");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 1500 && ms < 10_000, "closed after the 2 s stall timeout, took " + ms + " ms");
        }
        // a message over the configured 1 MiB: AR, and the connection stays usable
        try (MllpClient big = new MllpClient(port, 20_000)) {
            StringBuilder body = new StringBuilder(adt("A08", "MRN-1002", "Müller^José", "19750102", "", ""));
            String ctl = lastControl();
            body.append("\rNTE|1||");
            body.append("x".repeat(2 * 1024 * 1024));
            String answer = big.exchange(body.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            assertTrue(answer.contains("MSA|AR|" + ctl) && answer.contains("longer than"), answer);
            String next = big.exchange(adt("A08", "MRN-1002", "Müller^José", "19750102", "", "")
                    .getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            assertTrue(next.contains("MSA|AA|" + lastControl()), next);
        }
        JsonNode status = KarafInstance.json(karaf.get("/api/v1/integration/status", admin));
        String detail = status.toString();
        assertTrue(detail.contains("broken connections 2"), detail);
    }

    @Test
    @Order(7)
    void theStoreIsAdministratorsOnlyAndReplays() throws Exception {
        JsonNode one = processed("MRN-1002", 1).get(0);
        JsonNode detail = KarafInstance.json(karaf.get("/api/v1/integration/hl7/messages/" + one.get("id").asText(),
                admin));
        assertEquals("MSH", detail.get("segments").get(0).get("name").asText());
        assertEquals("ADT^A01^ADT_A01", detail.get("segments").get(0).get("fields").get(8).asText(), detail.toString());
        assertTrue(detail.get("ack").asText().matches(
                "(?s)MSH\\|.*\\|ACK\\^A01\\^ACK\\|[0-9A-Z]{16}\\|P\\|2\\.5\\.1\\|{6}8859/1\r.*"),
                "the ACK's own control id is unique across restarts, its character set the message's: "
                        + detail.get("ack").asText());
        assertTrue(detail.get("ack").asText().contains("MSA|AA|"), detail.toString());
        assertEquals(403, karaf.get("/api/v1/integration/hl7/messages", desk).statusCode());
        HttpResponse<String> bad = karaf.get("/api/v1/integration/hl7/messages?state=lost", admin);
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals("state", KarafInstance.json(bad).get("field").asText());
        HttpResponse<String> r = karaf.post("/api/v1/integration/hl7/messages/" + one.get("id").asText() + "/replay",
                admin, "application/json", "");
        assertEquals(200, r.statusCode(), r.body());
        awaitState(one.get("controlId").asText(), "processed");
        String shell = karaf.shell("admin", ADMIN_PASSWORD, "telehub:hl7 --patient MRN-1002 list",
                "telehub:hl7 show " + one.get("id").asText());
        assertTrue(shell.contains("ADT^A01") && shell.contains("PID") && shell.contains("ACK:"), shell);
        // the store's retention runs once a day: tomorrow's run is queued on the work service
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(karaf.dbUrl, KarafInstance.pgUser(), "");
                java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT idempotency_key, state FROM work_item"
                        + " WHERE topic = 'hl7v2.retention'")) {
            assertTrue(rs.next(), "a retention run is scheduled");
            java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
            assertTrue(List.of("retention/" + today.plusDays(1), "retention/" + today).contains(rs.getString(1)),
                    rs.getString(1)); // scheduled at the install, maybe just before midnight
            assertEquals("pending", rs.getString(2));
        }
    }


    @Test
    @Order(8)
    void resultsComeInAndShowInThePatientPanel() throws Exception {
        // no MSH-9-3: HAPI's event map finds the structure (ORU_R01); a result reported wrong (W) is not kept
        String oru = "MSH|^~\\&|LAB|NORTH|TELEHUB|TELEHUB|20261205090000||ORU^R01|" + next() + "|P|2.4\r"
                + "PID|1||MRN-1001^^^HIS^MR||Şahin-Karimi^Zoë\rOBR|1||L-77|24323-8^Metabolic panel^LN|||"
                + "20261205083000\rOBX|1|NM|2345-7^Glucose^LN||5.4|mmol/L|3.9-5.6|N|||F|||20261205083000\r"
                + "OBX|2|ST|8251-1^Comment^LN||fasting sample||||||F\rOBX|3|NM|2345-7^Glucose^LN||99|mmol/L|||||W";
        String ack = send(oru, StandardCharsets.UTF_8);
        assertTrue(ack.contains("MSA|AA|" + lastControl()), ack);
        awaitState(lastControl(), "processed");
        JsonNode stored = search("controlId=" + lastControl()).get(0);
        assertTrue(stored.get("error").asText().startsWith("2 observations"), stored.toString());
        String zoe = stored.get("localPatientId").asText();
        karaf.careTeam(admin, zoe, "nurse.hl7");
        HttpResponse<String> r = karaf.get("/api/v1/integration/patient/" + zoe + "/systems/his-adt", nurse);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode panel = KarafInstance.json(r);
        assertEquals("OK", panel.get("status").asText(), panel.toString());
        JsonNode observations = panel.get("observations");
        assertEquals(2, observations.size(), panel.toString());
        JsonNode glucose = observations.get(0).get("code").asText().equals("2345-7") ? observations.get(0)
                : observations.get(1);
        assertEquals(5.4, glucose.get("value").asDouble());
        assertEquals("mmol/L", glucose.get("unit").asText());
        assertEquals("http://loinc.org", glucose.get("codeSystem").asText());
        assertEquals("laboratory", glucose.get("category").asText());
        assertEquals("Şahin-Karimi", panel.at("/demographics/familyName").asText(), panel.toString());
    }

    @Test
    @Order(9)
    void resultsGoOutAsOruAndTheReceiversAnswerDecides() throws Exception {
        String zoe = processed("MRN-1001", 1).get(0).get("localPatientId").asText();
        Files.writeString(receiverMode, "AA");
        String weight = awaitDelivery(send(zoe, "{\"code\":\"29463-7\",\"codeSystem\":\"http://loinc.org\","
                + "\"display\":\"Body weight\",\"value\":72.5,\"unit\":\"kg\",\"category\":\"vital-signs\"}"),
                "delivered");
        String got = received(1).get(0);
        assertTrue(got.contains("ORU^R01") && got.contains("|LAB|NORTH|") && got.contains("MRN-1001^^^^MR")
                && got.contains("|NM|29463-7^Body weight^LN||72.5|kg|"), got);
        JsonNode out = search("state=accepted").get(0);
        assertEquals("out", out.get("direction").asText());
        assertEquals("AA", out.get("ackCode").asText());
        assertEquals(out.get("controlId").asText(), KarafInstance.json(karaf.get("/api/v1/integration/deliveries/"
                + weight, nurse)).get("remoteId").asText(), "the delivery names the message it sent");

        // the receiver refuses: final, with its words
        Files.writeString(receiverMode, "AR");
        String refused = send(zoe, "{\"code\":\"8867-4\",\"codeSystem\":\"http://loinc.org\",\"display\":"
                + "\"Heart rate\",\"value\":61,\"unit\":\"/min\"}");
        JsonNode dead = KarafInstance.json(karaf.get("/api/v1/integration/deliveries/" + awaitDelivery(refused,
                "dead"), nurse));
        assertTrue(dead.get("lastError").asText().contains("refused") && dead.get("lastError").asText()
                .contains("receiver says AR"), dead.toString());

        // silence, then an answer: retried with the same control id until it is taken
        Files.writeString(receiverMode, "silent");
        int before = received(2).size();
        String quiet = send(zoe, "{\"code\":\"8310-5\",\"codeSystem\":\"http://loinc.org\",\"display\":"
                + "\"Body temperature\",\"value\":36.8,\"unit\":\"Cel\"}");
        List<String> tries = received(before + 1);
        JsonNode waiting = KarafInstance.json(karaf.get("/api/v1/integration/deliveries/" + quiet, nurse));
        Files.writeString(receiverMode, "AA");
        awaitDelivery(quiet, "delivered");
        tries = received(before + 2);
        String first = tries.get(before).split("\r")[0];
        String last = tries.get(tries.size() - 1).split("\r")[0];
        assertEquals(first.split("\\|")[9], last.split("\\|")[9], "the same MSH-10 on every attempt");
        assertTrue(waiting.get("attempts").asInt() >= 1, waiting.toString());

        // a report: its conclusion as TX, its PDF as ED (Base64)
        String pdf = java.util.Base64.getEncoder().encodeToString("%PDF-1.4\n%%EOF\n".getBytes(
                StandardCharsets.US_ASCII));
        int n = received(1).size();
        String report = karaf.post("/api/v1/integration/patient/" + zoe + "/send-results", nurse,
                "application/json", "{\"targets\":[\"his-adt\"],\"report\":{\"code\":\"11506-3\",\"codeSystem\":"
                        + "\"http://loinc.org\",\"title\":\"Progress note\",\"conclusion\":\"Stable.\\nReview in"
                        + " a week.\",\"contentBase64\":\"" + pdf + "\",\"contentType\":\"application/pdf\"}}").body();
        awaitDelivery(KarafInstance.JSON.readTree(report).at("/deliveries/0/id").asText(), "delivered");
        String sentReport = received(n + 1).get(n);
        assertTrue(sentReport.contains("|TX|59776-5^Procedure findings Narrative^LN||Stable.~Review in a week.|")
                && sentReport.contains("|ED|11506-3^Progress note^LN||TELEHUB^AP^PDF^Base64^" + pdf + "|"),
                sentReport);

        // an AI's finding on an endoscopy (issue 22): an ORU of the finding, its confidence and its words
        int m = received(1).size();
        String analysis = karaf.post("/api/v1/integration/endoscopy/send-analysis", nurse, "application/json",
                "{\"patientId\":\"" + zoe + "\",\"adapterId\":\"his-adt\",\"analysis\":{\"procedureId\":\"SPS-9\","
                        + "\"summary\":\"Sessile polyp, 6 mm\",\"findingCode\":\"68496003\",\"findingCodeSystem\":"
                        + "\"http://snomed.info/sct\",\"findingDisplay\":\"Polyp of colon\",\"confidence\":0.93,"
                        + "\"algorithmName\":\"PolypNet\",\"algorithmVersion\":\"2.1\"}}").body();
        awaitDelivery(KarafInstance.JSON.readTree(analysis).at("/deliveries/0/id").asText(), "delivered");
        String sentAnalysis = received(m + 1).get(m);
        assertTrue(sentAnalysis.contains("ORU^R01") && sentAnalysis.contains("|18751-8^Endoscopy study^LN|")
                && sentAnalysis.contains("|CE|121071^Finding^DCM||68496003^Polyp of colon^SCT|")
                && sentAnalysis.contains("|NM|111012^Certainty of Finding^DCM||93|%|")
                && sentAnalysis.contains("|TX|59776-5^Procedure findings Narrative^LN||Sessile polyp, 6 mm|")
                && sentAnalysis.contains("|PolypNet 2.1"), sentAnalysis);
    }

    // ---- messages

    private static String adt(String event, String mrn, String name, String birth, String phone, String charset) {
        String structure = event.equals("A28") || event.equals("A31") ? "ADT_A05" : "ADT_A01";
        return msh("ADT^" + event + "^" + structure, "2.5.1", charset) + "\rEVN|" + event + "|20261205080000\r"
                + "PID|1||" + mrn + "^^^HIS^MR~998877^^^NATION^NI||" + name + "||" + birth + "|U|||||" + phone
                + "\rPV1|1|O";
    }

    private static String msh(String type, String version, String charset) {
        control++;
        return "MSH|^~\\&|HIS|NORTH|TELEHUB|TELEHUB|20261205080000||" + type + "|" + lastControl() + "|P|" + version
                + "||||||" + charset;
    }

    /** A control id of its own for a message written by hand. */
    private static String next() {
        control++;
        return lastControl();
    }

    private static String lastControl() {
        return "CTL-" + ProcessHandle.current().pid() + "-" + control;
    }

    /**
     * Sends one message with mllp_send from a file (segments separated by CR; {@code --loose} frames a file that is
     * not framed already) and returns what it printed: the ACK.
     */
    private static String send(String message, Charset charset) throws Exception {
        return send(message, charset, port);
    }

    private static String send(String message, Charset charset, int port) throws Exception {
        Path f = files.resolve(lastControl() + ".hl7");
        Files.write(f, message.getBytes(charset));
        Process p = new ProcessBuilder(MLLP_SEND, "--loose", "-p", Integer.toString(port), "-f", f.toString(),
                "127.0.0.1")
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "mllp_send finished");
        return new String(out, charset).replace('\r', '\n');
    }

    private static Socket socket() throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(20_000);
        return s;
    }

    // ---- results out

    private static String send(String patient, String observation) throws Exception {
        HttpResponse<String> r = karaf.post("/api/v1/integration/patient/" + patient + "/send-results", nurse,
                "application/json", "{\"targets\":[\"his-adt\"],\"observations\":[" + observation + "]}");
        assertEquals(202, r.statusCode(), r.body());
        return KarafInstance.json(r).at("/deliveries/0/id").asText();
    }

    private static String awaitDelivery(String id, String state) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        JsonNode d = null;
        while (System.currentTimeMillis() < deadline) {
            d = KarafInstance.json(karaf.get("/api/v1/integration/deliveries/" + id, nurse));
            if (d.get("state").asText().equals(state)) {
                return id;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("delivery " + id + " not " + state + ": " + d);
    }

    /** What the receiver got, oldest first, once it has at least {@code n} messages. */
    private static List<String> received(int n) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        List<String> got = List.of();
        while (System.currentTimeMillis() < deadline) {
            try (var l = Files.list(receiverInbox)) {
                got = l.sorted().map(f -> {
                    try {
                        return Files.readString(f);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).toList();
            }
            if (got.size() >= n) {
                return got;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the receiver got " + got.size() + " messages, not " + n);
    }

    // ---- the store

    private static List<JsonNode> search(String query) throws Exception {
        HttpResponse<String> r = karaf.get("/api/v1/integration/hl7/messages?" + query, admin);
        assertEquals(200, r.statusCode(), r.body());
        List<JsonNode> out = new ArrayList<>();
        KarafInstance.json(r).forEach(out::add);
        return out;
    }

    /** The patient's first {@code n} messages once all are processed, oldest first. */
    private static List<JsonNode> processed(String mrn, int n) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        List<JsonNode> got = List.of();
        while (System.currentTimeMillis() < deadline) {
            got = new ArrayList<>(search("patient=" + mrn));
            java.util.Collections.reverse(got);
            if (got.size() >= n && got.stream().allMatch(m -> m.get("state").asText().equals("processed"))) {
                return got;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(n + " processed messages of " + mrn + " expected: " + got);
    }

    private static void awaitState(String controlId, String state) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        List<JsonNode> got = List.of();
        while (System.currentTimeMillis() < deadline) {
            got = search("controlId=" + controlId);
            if (!got.isEmpty() && got.get(0).get("state").asText().equals(state)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(controlId + " not " + state + ": " + got);
    }

    private static void awaitUp() throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        String body = "";
        while (System.currentTimeMillis() < deadline) {
            body = karaf.get("/api/v1/integration/status", admin).body();
            if (body.contains("\"his-adt\"") && body.contains("listening")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("his-adt not listening: " + body);
    }

    /** reportMessage=MDM: a report goes out as a document, MDM^T02, which python3-hl7's receiver takes. */
    @Test
    @Order(10)
    void reportsGoOutAsDocumentsWhereTheInterfaceSaysSo() throws Exception {
        String zoe = search("patient=MRN-1001&state=processed").get(0).get("localPatientId").asText();
        Files.writeString(receiverMode, "AA");
        assertEquals(201, karaf.put("/api/v1/integration/patient/" + zoe + "/identifiers/his-docs", nurse,
                "{\"identifier\":\"MRN-1001\"}").statusCode());
        String pdf = java.util.Base64.getEncoder().encodeToString("%PDF-1.4\n%%EOF\n".getBytes(
                StandardCharsets.US_ASCII));
        int n = received(1).size();
        HttpResponse<String> r = karaf.post("/api/v1/integration/patient/" + zoe + "/send-results", nurse,
                "application/json", "{\"targets\":[\"his-docs\"],\"report\":{\"code\":\"11506-3\","
                        + "\"codeSystem\":\"http://loinc.org\",\"title\":\"Progress note\",\"conclusion\":"
                        + "\"Stable.\",\"contentBase64\":\"" + pdf + "\",\"contentType\":\"application/pdf\"}}");
        assertEquals(202, r.statusCode(), r.body());
        awaitDelivery(KarafInstance.json(r).at("/deliveries/0/id").asText(), "delivered");
        String doc = received(n + 1).get(n);
        assertTrue(doc.contains("|MDM^T02^MDM_T02|") && doc.contains("|DMS|NORTH|") && doc.contains("\rTXA|1|CN|AP|")
                && doc.contains("|LA||AV") && doc.contains("|ED|11506-3^Progress note^LN||TELEHUB^AP^PDF^Base64^"
                        + pdf + "|"), doc);
        JsonNode out = search("adapterId=his-docs&state=accepted").get(0);
        assertEquals("MDM^T02", out.get("messageType").asText());
    }

    /**
     * An HL7 v2 interface keeps order per patient: while the receiver is silent, a second result for the same
     * patient is not even tried; once it answers, the first arrives before the second.
     */
    @Test
    @Order(11)
    void resultsForOnePatientGoOutInTheOrderTheyWereSent() throws Exception {
        String zoe = search("patient=MRN-1001&state=processed").get(0).get("localPatientId").asText();
        Files.writeString(receiverMode, "silent");
        int before = received(1).size();
        String first = send(zoe, "{\"code\":\"2339-0\",\"codeSystem\":\"http://loinc.org\",\"display\":"
                + "\"Glucose\",\"value\":5.4,\"unit\":\"mmol/L\"}");
        received(before + 1);
        String second = send(zoe, "{\"code\":\"2823-3\",\"codeSystem\":\"http://loinc.org\",\"display\":"
                + "\"Potassium\",\"value\":4.1,\"unit\":\"mmol/L\"}");
        Thread.sleep(3_000); // past an answer timeout (2 s): the first is tried again, the second waits
        List<String> meanwhile = received(before + 1);
        assertTrue(meanwhile.subList(before, meanwhile.size()).stream().noneMatch(m -> m.contains("2823-3")),
                "the second was sent while the first was unanswered");
        Files.writeString(receiverMode, "AA");
        awaitDelivery(first, "delivered");
        awaitDelivery(second, "delivered");
        List<String> all = received(before + 2).subList(before, received(before + 2).size());
        int lastFirst = -1;
        int firstSecond = Integer.MAX_VALUE;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).contains("2339-0")) {
                lastFirst = i;
            } else if (all.get(i).contains("2823-3")) {
                firstSecond = Math.min(firstSecond, i);
            }
        }
        assertTrue(lastFirst >= 0 && lastFirst < firstSecond, "in order: " + lastFirst + " < " + firstSecond);
    }

    /**
     * An external scheduler books, moves and cancels a visit through the interface that may book (SIU S12, S13, S15
     * in version 2.3, times in SCH-11, the doctor by the AIP-3 id the interface maps); the doctor sees it, the
     * patient is registered from the PID. An unmapped doctor fails the message with the field; an interface that
     * does not book refuses SIU (AR), so the scheduler keeps it.
     */
    @Test
    @Order(12)
    void aSchedulersAppointmentsBecomeVisitsTheDoctorSees() throws Exception {
        assertEquals(201, karaf.post("/api/v1/users", admin, "application/json", "{\"username\":\"dr.sched\","
                + "\"roles\":[\"doctor\"],\"password\":\"scheduled-doc-pass-1\"}").statusCode());
        HttpResponse<String> created = karaf.post("/api/v1/doctors", admin, "application/json", "{\"username\":"
                + "\"dr.sched\",\"displayName\":\"Dr Sched\",\"timeZone\":\"UTC\"}");
        assertEquals(201, created.statusCode(), created.body());
        schedDoctor = KarafInstance.json(created).get("id").asText();
        String doctor = karaf.login("dr.sched", "scheduled-doc-pass-1");
        String day = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2).toString().replace("-", "");
        String booked = send(siu("S12", "F-100", day + "1030", day + "1050", "4711"), StandardCharsets.UTF_8);
        assertTrue(booked.contains("MSA|AA|" + lastControl()), booked);
        awaitState(lastControl(), "processed");
        assertTrue(search("controlId=" + lastControl()).get(0).get("error").asText().contains("booked"));
        JsonNode visit = visits(doctor).get(0);
        assertEquals("Sara Rahimi", visit.get("patientName").asText(), visit.toString());
        assertEquals(day.substring(0, 4) + "-" + day.substring(4, 6) + "-" + day.substring(6) + "T10:30:00Z",
                visit.get("scheduledStart").asText());
        assertEquals(20, visit.get("durationMinutes").asInt());
        assertEquals("Knee pain", visit.get("chiefComplaint").asText());
        String id = visit.get("id").asText();

        send(siu("S13", "F-100", day + "1100", day + "1130", "4711"), StandardCharsets.UTF_8);
        awaitState(lastControl(), "processed");
        JsonNode moved = KarafInstance.json(karaf.get("/api/v1/encounters/" + id, doctor));
        assertTrue(moved.get("scheduledStart").asText().endsWith("T11:00:00Z"), moved.toString());
        assertEquals(1, visits(doctor).size(), "one appointment, one visit");

        send(siu("S15", "F-100", day + "1100", day + "1130", "4711"), StandardCharsets.UTF_8);
        awaitState(lastControl(), "processed");
        JsonNode cancelled = KarafInstance.json(karaf.get("/api/v1/encounters/" + id, doctor));
        assertEquals("cancelled", cancelled.get("status").asText());
        assertEquals("Patient request", cancelled.get("cancelReason").asText());

        send(siu("S12", "F-101", day + "1300", day + "1320", "9999"), StandardCharsets.UTF_8);
        awaitState(lastControl(), "failed");
        assertTrue(search("controlId=" + lastControl()).get(0).get("error").asText().startsWith("AIP-3: "));
        assertEquals(1, visits(doctor).size(), "nothing booked for a doctor the interface does not map");

        String refused = send(siu("S12", "F-102", day + "1400", day + "1420", "4711"), StandardCharsets.UTF_8,
                docsPort);
        assertTrue(refused.contains("MSA|AR|" + lastControl()) && refused.contains("not processed here"), refused);
    }

    /**
     * MLLP over TLS with client certificates: a sender on Python's ssl with its certificate is answered and its
     * admission taken; without one, or in plain MLLP (mllp_send), nothing is taken; results go out to a TLS receiver
     * that requires the hub's certificate; the keystore's password never shows in the log.
     */
    @Test
    @Order(13)
    void anInterfaceSpeaksTlsBothWaysWithCertificates() throws Exception {
        String admission = adt("A04", "MRN-TLS-1", "Tavakoli^Reza", "19850612", "", "UNICODE UTF-8");
        Path file = files.resolve(lastControl() + "-tls.hl7");
        Files.writeString(file, admission);
        String answered = python("mllp_tls_send.py", "127.0.0.1", Integer.toString(tlsPort),
                tls.resolve("ca.pem").toString(), file.toString(), tls.resolve("sender.pem").toString(),
                tls.resolve("sender.key").toString());
        assertTrue(answered.contains("MSA|AA|" + lastControl()), answered);
        String local = processed("MRN-TLS-1", 1).get(0).get("localPatientId").asText();

        String noCertificate = python("mllp_tls_send.py", "127.0.0.1", Integer.toString(tlsPort),
                tls.resolve("ca.pem").toString(), file.toString());
        assertTrue(noCertificate.startsWith("failed:") && !noCertificate.contains("MSA|"), noCertificate);
        Process plain = new ProcessBuilder(MLLP_SEND, "--loose", "-p", Integer.toString(tlsPort),
                "-f", file.toString(), "127.0.0.1").redirectErrorStream(true).start();
        String plainOut = new String(plain.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(plain.waitFor(30, TimeUnit.SECONDS));
        assertFalse(plainOut.contains("MSA|"), "plain MLLP is not answered on a TLS port: " + plainOut);
        assertEquals(1, search("patient=MRN-TLS-1").size(), "only the sender with its certificate was taken");

        karaf.careTeam(admin, local, "nurse.hl7");
        HttpResponse<String> r = karaf.post("/api/v1/integration/patient/" + local + "/send-results", nurse,
                "application/json", "{\"targets\":[\"his-tls\"],\"observations\":[{\"code\":\"8867-4\","
                        + "\"codeSystem\":\"http://loinc.org\",\"display\":\"Heart rate\",\"value\":72,"
                        + "\"unit\":\"/min\"}]}");
        assertEquals(202, r.statusCode(), r.body());
        awaitDelivery(KarafInstance.json(r).at("/deliveries/0/id").asText(), "delivered");
        try (var l = Files.list(tlsInbox)) {
            String got = Files.readString(l.sorted().findFirst().orElseThrow());
            assertTrue(got.contains("ORU^R01") && got.contains("8867-4") && got.contains("MRN-TLS-1"), got);
        }
        assertFalse(Files.readString(karaf.home.resolve("data/log/karaf.log")).contains(TLS_PASSWORD),
                "the keystore's password is in no log");
    }

    /**
     * Visit status out: a visit the clinic books for a patient the interface knows goes to its receiver as SIU^S12
     * (the doctor by the interface's AIP-3 id), its cancellation as S15; the scheduler's own changes (the test
     * before) were not echoed back to it.
     */
    @Test
    @Order(14)
    void visitsTheClinicBooksAreToldToTheReceiver() throws Exception {
        Files.writeString(receiverMode, "AA");
        int before = received(0).size();
        String doctorId = schedDoctor;
        assertEquals(200, karaf.put("/api/v1/doctors/" + doctorId + "/availability", admin, "{\"timeZone\":\"UTC\","
                + "\"weekly\":{" + String.join(",", java.util.stream.Stream.of("monday", "tuesday", "wednesday",
                        "thursday", "friday", "saturday", "sunday").map(d -> "\"" + d + "\":[{\"start\":\"00:00\","
                                + "\"end\":\"24:00\"}]").toList()) + "}}").statusCode());
        String sara = search("patient=MRN-SIU-1&state=processed").get(0).get("localPatientId").asText();
        String start = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(3) + "T15:00:00Z";
        HttpResponse<String> booked = karaf.post("/api/v1/encounters", admin, "application/json", "{\"type\":"
                + "\"video\",\"doctorId\":\"" + doctorId + "\",\"patientId\":\"" + sara + "\",\"scheduledStart\":\""
                + start + "\",\"durationMinutes\":30}");
        assertEquals(201, booked.statusCode(), booked.body());
        String visit = KarafInstance.json(booked).get("id").asText();
        String s12 = received(before + 1).get(before);
        assertTrue(s12.contains("SIU^S12") && s12.contains("|" + visit + "|") && s12.contains("MRN-SIU-1^^^^MR")
                && s12.contains("AIP|1||4711^Dr Sched") && s12.contains("|Booked"), s12);
        assertEquals(200, karaf.post("/api/v1/encounters/" + visit + "/cancel", admin, "application/json",
                "{\"reason\":\"clinic closed\"}").statusCode());
        List<String> all = received(before + 2);
        String s15 = all.get(before + 1);
        assertTrue(s15.contains("SIU^S15") && s15.contains("|" + visit + "|") && s15.contains("|Cancelled"), s15);
        Thread.sleep(1_000);
        assertEquals(before + 2, received(0).size(), "the scheduler's own bookings were not echoed: " + all.subList(
                before, all.size()));
        assertEquals("accepted", search("patient=MRN-SIU-1&state=accepted").get(0).get("state").asText());
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(tls.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
    }

    /** Runs one of the test's Python peers (copied next to the instance) and returns what it printed. */
    private static String python(String script, String... args) throws Exception {
        Path copy = files.resolve(script);
        if (!Files.exists(copy)) {
            try (var in = Hl7IT.class.getResourceAsStream("/hl7/" + script)) {
                Files.copy(in, copy);
            }
        }
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", copy.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), script + " finished");
        return out;
    }

    private static String siu(String event, String appointment, String start, String end, String doctor) {
        return msh("SIU^" + event, "2.3", "") + "\rSCH|P-" + appointment + "|" + appointment
                + "||||Patient request^Patient request|^Knee pain||||^^^" + start + "^" + end
                + "\rPID|1||MRN-SIU-1^^^HIS^MR||Rahimi^Sara||19900101\rRGS|1\rAIP|1||" + doctor + "^Sched^Dr";
    }

    private static List<JsonNode> visits(String token) throws Exception {
        HttpResponse<String> r = karaf.get("/api/v1/encounters", token);
        assertEquals(200, r.statusCode(), r.body());
        List<JsonNode> out = new ArrayList<>();
        KarafInstance.json(r).get("items").forEach(out::add);
        return out;
    }

    /**
     * Issue 22: an endoscopy suite (Karl Storz AIDA) reports a procedure as MDM^T02 with the report's words (TX) and
     * its PDF (ED, Base64); an addendum (T06) comes later, a replacement (T10), a cancellation (T11). The clinician in
     * the patient's care reads them in the patient read and downloads the PDF byte for byte; anyone else cannot.
     */
    @Test
    @Order(15)
    void documentsFromAnEndoscopySuiteAreKeptAndReadInCareOnly() throws Exception {
        String zoe = search("patient=MRN-1001&state=processed").get(0).get("localPatientId").asText();
        byte[] pdf = ("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
                + "endobj 3 0 obj<</Type/Page/MediaBox[0 0 200 200]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"
                + "\n").getBytes(StandardCharsets.US_ASCII);
        String b64 = java.util.Base64.getEncoder().encodeToString(pdf);
        String report = msh("MDM^T02^MDM_T02", "2.5.1", "UNICODE UTF-8") + "\rEVN|T02|20261205101500\r"
                + "PID|1||MRN-1001^^^HIS^MR||Şahin-Karimi^Zoë\rPV1|1|O\rORC|RE||ACC-77\r"
                + "OBR|1||ACC-77|45378^Colonoscopy^C4"
                + "\rTXA|1|ENDO|AP|20261205101000|^Karimi^Reza|20261205100500|||^Karimi^Reza|||DOC-AIDA-1||ACC-77||"
                + "colonoscopy.pdf|AU||AV\rOBX|1|TX|18751-8^Endoscopy study^LN||Sessile polyp, 6 mm, removed\\.br\\"
                + "پولیپ برداشته شد||||||F\rOBX|2|ED|18751-8^Endoscopy study^LN||AIDA^AP^PDF^Base64^" + b64 + "||||||F";
        String ack = send(report, StandardCharsets.UTF_8);
        assertTrue(ack.contains("MSA|AA|" + lastControl()), ack);
        awaitState(lastControl(), "processed");
        JsonNode kept = search("controlId=" + lastControl()).get(0);
        assertEquals("document DOC-AIDA-1, application/pdf " + pdf.length + " bytes", kept.get("error").asText());

        JsonNode panel = KarafInstance.json(karaf.get("/api/v1/integration/patient/" + zoe + "/systems/his-adt",
                nurse));
        JsonNode documents = panel.get("documents");
        assertEquals(1, documents.size(), panel.toString());
        JsonNode d = documents.get(0);
        assertEquals("DOC-AIDA-1", d.get("id").asText());
        assertEquals("Colonoscopy", d.get("title").asText());
        assertEquals("ACC-77", d.get("orderNumber").asText());
        assertEquals("Reza Karimi", d.get("author").asText());
        assertEquals("Sessile polyp, 6 mm, removed\nپولیپ برداشته شد", d.get("text").asText());
        assertEquals("application/pdf", d.get("contentType").asText());
        String url = "/api/v1/integration/ehr/patient/MRN-1001/documents/DOC-AIDA-1?adapterId=his-adt";
        HttpResponse<byte[]> got = karaf.sendBytes(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                karaf.url(url))).GET(), nurse);
        assertEquals(200, got.statusCode());
        assertArrayEquals(pdf, got.body(), "the PDF as the suite sent it");
        assertEquals("application/pdf", got.headers().firstValue("Content-Type").orElse(""));
        assertEquals("nosniff", got.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertTrue(got.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"),
                "a document is the sender's bytes: downloaded, never shown in the hub's origin");
        assertTrue(got.headers().firstValue("Content-Security-Policy").orElse("").startsWith("sandbox"));

        // a nurse without a care relationship, the administrator, nobody: nothing of it
        assertEquals(201, karaf.post("/api/v1/users", admin, "application/json", "{\"username\":\"nurse.other\","
                + "\"roles\":[\"nurse\"],\"password\":\"other-nurse-pass-1\"}").statusCode());
        String other = karaf.login("nurse.other", "other-nurse-pass-1");
        HttpResponse<String> stranger = karaf.get(url, other);
        assertEquals(404, stranger.statusCode(), stranger.body());
        assertFalse(stranger.body().contains("Colonoscopy") || stranger.body().contains("%PDF"), stranger.body());
        assertEquals(404, karaf.get("/api/v1/integration/ehr/patient/MRN-1001/documents?adapterId=his-adt", other)
                .statusCode());
        assertEquals(403, karaf.get(url, admin).statusCode());
        assertEquals(401, karaf.get(url, null).statusCode());
        assertEquals(404, karaf.get(url.replace("DOC-AIDA-1", "DOC-NONE"), nurse).statusCode());

        // an addendum beside it, then a corrected report instead of it, then the addendum cancelled
        send(msh("MDM^T06^MDM_T02", "2.5.1", "") + "\rEVN|T06\rPID|1||MRN-1001^^^HIS^MR\rPV1|1|O\r"
                + "TXA|1|ENDO|AP|20261206090000||20261206090000||||||DOC-AIDA-2|DOC-AIDA-1|ACC-77|||AU||AV\r"
                + "OBX|1|TX|22634-0^Histology^LN||Tubular adenoma||||||F", StandardCharsets.UTF_8);
        awaitState(lastControl(), "processed");
        send(msh("MDM^T10^MDM_T02", "2.5.1", "") + "\rEVN|T10\rPID|1||MRN-1001^^^HIS^MR\rPV1|1|O\r"
                + "TXA|1|ENDO|AP|20261206100000||20261206100000||||||DOC-AIDA-3|DOC-AIDA-1|ACC-77|||AU||AV\r"
                + "OBX|1|TX|18751-8^Endoscopy study^LN||Sessile polyp, 8 mm, removed||||||F", StandardCharsets.UTF_8);
        awaitState(lastControl(), "processed");
        JsonNode now = KarafInstance.json(karaf.get("/api/v1/integration/ehr/patient/MRN-1001/documents?adapterId="
                + "his-adt", nurse));
        assertEquals(List.of("DOC-AIDA-3", "DOC-AIDA-2"), List.of(now.get(0).get("id").asText(),
                now.get(1).get("id").asText()), now.toString());
        assertEquals("DOC-AIDA-1", now.get(1).get("parentId").asText());
        send(msh("MDM^T11^MDM_T01", "2.5.1", "") + "\rEVN|T11\rPID|1||MRN-1001^^^HIS^MR\rPV1|1|O\r"
                + "TXA|1|ENDO|AP|||||||||DOC-AIDA-2||||||DC", StandardCharsets.UTF_8);
        awaitState(lastControl(), "processed");
        assertEquals(1, KarafInstance.json(karaf.get("/api/v1/integration/ehr/patient/MRN-1001/documents?adapterId="
                + "his-adt", nurse)).size());
        // an addendum that does not say what it adds to: taken (AA), then failed with the field named
        send(msh("MDM^T06^MDM_T02", "2.5.1", "") + "\rEVN|T06\rPID|1||MRN-1001^^^HIS^MR\rPV1|1|O\r"
                + "TXA|1|ENDO|AP|||||||||DOC-AIDA-4||||||AU", StandardCharsets.UTF_8);
        awaitState(lastControl(), "failed");
        assertTrue(search("controlId=" + lastControl()).get(0).get("error").asText().startsWith("TXA-13"));
        try (var c = karaf.db(); var q = c.prepareStatement("SELECT COUNT(*) FROM audit_event WHERE actor ="
                + " 'nurse.hl7' AND action = 'integration.ehr.document.read'"); var rs = q.executeQuery()) {
            rs.next();
            assertTrue(rs.getInt(1) >= 2, "every read of a document's content audited");
        }
    }

    /**
     * The web console's "HL7 v2 messages" page: the list, one message with its segments, text and ACK, and replay
     * through the page's form (the console session's token); a nurse is not let in.
     */
    @Test
    @Order(19)
    void theConsolePageListsShowsAndReplaysMessages() throws Exception {
        String page = "/system/console/telehub-hl7";
        ConsoleBrowser console = new ConsoleBrowser(karaf, page, "admin", ADMIN_PASSWORD);
        HttpResponse<String> list = console.get(page + "?patient=MRN-1001");
        assertEquals(200, list.statusCode(), list.body());
        assertTrue(list.body().contains("id='hl7-messages'") && list.body().contains("MRN-1001"), list.body());
        JsonNode processed = search("patient=MRN-1001&state=processed").get(0);
        String id = processed.get("id").asText();
        HttpResponse<String> one = console.get(page + "?id=" + id);
        assertEquals(200, one.statusCode());
        assertTrue(one.body().contains("id='hl7-segments'") && one.body().contains("<th>PID</th>")
                && one.body().contains("id='hl7-ack'") && one.body().contains("id='hl7-replay'"), one.body());
        HttpResponse<String> replay = console.post(page, Map.of("id", id, "csrf", console.token()), console.origin(),
                "same-origin");
        assertEquals(303, replay.statusCode(), replay.body());
        awaitState(processed.get("controlId").asText(), "processed");
        assertTrue(console.get(page + "?id=" + id).body().contains("queued again"), "the outcome is shown");
        HttpResponse<String> forged = console.post(page, Map.of("id", id, "csrf", "not-the-token"),
                console.origin(), "same-origin");
        assertEquals(403, forged.statusCode(), forged.body());
        int nurseStatus = new ConsoleBrowser(karaf, page, "nurse.hl7", "ward-nurse-pass-1").get(page).statusCode();
        assertTrue(nurseStatus == 401 || nurseStatus == 403, "a nurse gets " + nurseStatus);
    }

    /**
     * The interface taken down (as a crashed listener would be): its own health check says DOWN, the hub's health
     * DEGRADED naming it, and the administrator with an address is told by e-mail once it lasted; back UP, told
     * again.
     */
    @Test
    @Order(20)
    void anInterfaceThatStaysDownIsToldToTheAdministratorsAndItsRecoveryToo() throws Exception {
        assertEquals(200, karaf.post("/api/v1/integration/his-adt/disconnect", admin, "application/json", "")
                .statusCode());
        JsonNode health = KarafInstance.json(karaf.get("/api/v1/health", admin));
        long deadline = System.currentTimeMillis() + 10_000;
        while (!"DOWN".equals(health.at("/checks/adapter:his-adt/status").asText())
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            health = KarafInstance.json(karaf.get("/api/v1/health", admin));
        }
        assertEquals("DOWN", health.at("/checks/adapter:his-adt/status").asText(), health.toString());
        assertEquals("DEGRADED", health.get("status").asText(), "an interface is not the hub: 200, degraded");
        assertTrue(mail.waitForIncomingEmail(30_000, 1), "no alert within 30 s");
        jakarta.mail.internet.MimeMessage down = mail.getReceivedMessages()[0];
        assertEquals("it@clinic.example", ((jakarta.mail.internet.InternetAddress) down.getAllRecipients()[0])
                .getAddress());
        assertEquals("Telehub: his-adt (Test HIS HL7 v2 over MLLP) is DOWN", down.getSubject());
        assertTrue(com.icegreen.greenmail.util.GreenMailUtil.getBody(down).contains("not listening"),
                com.icegreen.greenmail.util.GreenMailUtil.getBody(down));

        assertEquals(200, karaf.post("/api/v1/integration/his-adt/connect", admin, "application/json", "")
                .statusCode());
        assertTrue(mail.waitForIncomingEmail(30_000, 2), "no recovery notice within 30 s");
        assertEquals("Telehub: his-adt (Test HIS HL7 v2 over MLLP) is back UP",
                mail.getReceivedMessages()[1].getSubject());
        Thread.sleep(3_000);
        assertEquals(2, mail.getReceivedMessages().length, "each change told once");
    }
}
