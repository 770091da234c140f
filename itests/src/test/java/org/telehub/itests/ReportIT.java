package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Clinical reports in the running hub (issue 20): a completed visit gets its draft; its doctor writes it (coded
 * diagnoses from the clinic's ICD-10 edition, a prescription from its formulary), approves it and signs it with a
 * current code of their authenticator app; the PDF verifies with poppler's {@code pdfsig} against the clinic CA the
 * hub publishes (trusted in an NSS database) and reads back in Persian with {@code pdftotext}; shared, the patient
 * reads it and is told by e-mail (a real SMTP server, GreenMail) with a link, not the PDF; a signed addendum; who may
 * see what at each stage; bad input named by its field.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReportIT {
    private static final String ADMIN_PASSWORD = "report-admin-secret";
    private static final String PW = "report-pass-2026";
    private static final String SMTP_PASSWORD = "smtp-Report-4711";
    private static KarafInstance karaf;
    private static com.icegreen.greenmail.util.GreenMail mail;
    private static String admin;
    private static String doctor;
    private static String patient;
    private static String nurse;
    private static String otherDoctor;
    private static String doctorId;
    private static String patientId;
    private static String visit;
    private static String totpSecret;
    private static String reportId;
    private static String medicineId;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        karaf = KarafInstance.create("report");
        karaf.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword="
                + ADMIN_PASSWORD);
        mail = KarafInstance.mailServer(SMTP_PASSWORD);
        karaf.sendMailThrough(mail, SMTP_PASSWORD);
        karaf.edit("etc/org.telehub.reporting.cfg", "clinicName=Telehub clinic", "clinicName=North Clinic");
        karaf.edit("etc/org.telehub.reporting.cfg", "clinicAddress=\n", "clinicAddress=12 Harbour Road|Springfield\n");
        karaf.edit("etc/org.telehub.reporting.cfg", "publicBaseUrl=https://localhost:8443",
                "publicBaseUrl=https://visit.clinic.example");
        karaf.edit("etc/org.telehub.work.cfg", "sweepSeconds=5", "sweepSeconds=1");
        karaf.start();
        dir = Files.createDirectories(Path.of("target", "report-it"));
        admin = karaf.login("admin", ADMIN_PASSWORD);
        for (String[] u : List.of(new String[] {"dr.karimi", "doctor"}, new String[] {"pat.pakzad", "patient"},
                new String[] {"nurse.rep", "nurse"}, new String[] {"dr.other", "doctor"})) {
            ok(karaf.post("/api/v1/users", admin, "application/json", "{\"username\":\"" + u[0] + "\",\"roles\":[\""
                    + u[1] + "\"],\"password\":\"" + PW + "\"}"), 201);
        }
        doctorId = Scheduling.doctor(karaf, admin, "Dr Sara Karimi", "dr.karimi");
        Scheduling.doctor(karaf, admin, "Dr Other", "dr.other");
        patientId = ok(karaf.post("/api/v1/patients", admin, "application/json", "{\"displayName\":\"Zhaleh"
                + " Pakzad\",\"username\":\"pat.pakzad\",\"birthDate\":\"1975-03-14\",\"email\":"
                + "\"zhaleh@example.org\"}"), 201).get("id").asText();
        karaf.careTeam(admin, patientId, "nurse.rep");
        doctor = karaf.login("dr.karimi", PW);
        patient = karaf.login("pat.pakzad", PW);
        nurse = karaf.login("nurse.rep", PW);
        otherDoctor = karaf.login("dr.other", PW);
        // the clinic's ICD-10 edition and formulary, as its administrator loads them
        HttpResponse<String> icd = karaf.send(HttpRequest.newBuilder(URI.create(karaf.url(
                "/api/v1/directory/diseases/imports?format=csv"))).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString("code,name\nE11.9,Type 2 diabetes mellitus without"
                        + " complications\nE78.5,\"Hyperlipidemia, unspecified\"\n")), admin);
        String job = ok(icd, 202).get("id").asText();
        for (long end = System.currentTimeMillis() + 30_000; !"done".equals(ok(karaf.get(
                "/api/v1/directory/diseases/imports/" + job, admin), 200).path("state").asText());) {
            assertTrue(System.currentTimeMillis() < end, "the ICD-10 import did not finish");
            Thread.sleep(200);
        }
        ok(karaf.post("/api/v1/directory/medicines/import", admin, "application/json", "{\"csv\":\"name,strength,"
                + "form,route,atc\\nMetformin,500 mg,tablet,oral,A10BA02\\nAtorvastatin,20 mg,tablet,oral,C10AA05"
                + "\\n\",\"allOrNone\":true}"), 200);
        medicineId = ok(karaf.get("/api/v1/directory/medicines?q=metformin", doctor), 200).get(0).get("id").asText();
        // the doctor's authenticator app (TOTP), confirmed with the previous step's code
        totpSecret = ok(karaf.post("/api/v1/auth/totp/enrolment", doctor, "application/json", "{}"), 200)
                .get("secret").asText();
        waitForFreshStep();
        ok(karaf.post("/api/v1/auth/totp/confirmation", doctor, "application/json", "{\"code\":\""
                + WebIT.oathtool(totpSecret, Instant.now().minusSeconds(30)) + "\"}"), 200);
        // a visit now: booked, started and ended by its doctor
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(3));
        ObjectNode booking = (ObjectNode) KarafInstance.JSON.readTree(Scheduling.visit(doctorId, patientId, start,
                30));
        booking.put("chiefComplaint", "Tired for three weeks, thirsty at night");
        visit = ok(karaf.post("/api/v1/encounters", admin, "application/json", booking.toString()), 201).get("id")
                .asText();
        ok(karaf.post("/api/v1/encounters/" + visit + "/start", doctor, "application/json", ""), 200);
        ok(karaf.post("/api/v1/encounters/" + visit + "/end", doctor, "application/json", ""), 200);
    }

    @AfterAll
    static void stop() {
        if (mail != null) {
            mail.stop();
        }
        if (karaf != null) {
            karaf.close();
        }
    }

    @Test
    @Order(1)
    void aCompletedVisitGetsItsDraftSeenByItsDoctorOnly() throws Exception {
        JsonNode draft = null;
        for (long end = System.currentTimeMillis() + 30_000; draft == null; Thread.sleep(200)) {
            HttpResponse<String> r = karaf.get("/api/v1/encounters/" + visit + "/report", doctor);
            if (r.statusCode() == 200) {
                draft = KarafInstance.json(r);
            } else {
                assertTrue(System.currentTimeMillis() < end, "no draft after the visit ended: " + r.body());
            }
        }
        reportId = draft.get("id").asText();
        assertEquals("draft", draft.get("status").asText());
        assertEquals(1, draft.get("revision").asInt());
        assertTrue(draft.at("/content/subjective").asText().contains("thirsty at night"), draft.toString());
        // asked for again: the same report, not a second one
        JsonNode again = ok(karaf.post("/api/v1/encounters/" + visit + "/report", doctor, "application/json", ""),
                200);
        assertEquals(reportId, again.get("id").asText());
        // nobody else sees a draft: the patient, the care team and another doctor are told there is none, the
        // administrator is refused
        for (String who : List.of(patient, nurse, otherDoctor)) {
            JsonNode p = problem(karaf.get("/api/v1/encounters/" + visit + "/report", who), 404, null);
            assertTrue(p.get("detail").asText().startsWith("No "), p.toString());
        }
        problem(karaf.get("/api/v1/encounters/" + visit + "/report", admin), 403, null);
        problem(karaf.put("/api/v1/encounters/" + visit + "/report", patient, "{\"revision\":1,\"content\":{}}"), 403,
                null);
    }

    @Test
    @Order(2)
    void badInputIsNamedAndNothingIsSaved() throws Exception {
        problem(put(1, content("en", "[{\"system\":\"icd10\",\"code\":\"Z99.99\",\"primary\":true}]", "[]")), 422,
                "diagnoses[0].code");
        problem(put(1, content("en", "[{\"system\":\"icd10\",\"code\":\"E11.9\",\"primary\":true},{\"system\":"
                + "\"icd10\",\"code\":\"E78.5\",\"primary\":true}]", "[]")), 400, "diagnoses[1].primary");
        problem(put(1, content("en", "[]", "[{\"medicineId\":\"" + medicineId + "\",\"name\":\"Metformin 500 mg"
                + " tablet\",\"dose\":\"1 tablet\",\"frequency\":\"twice a day\",\"quantity\":0}]")), 400,
                "medications[0].quantity");
        problem(put(1, content("en", "[]", "[{\"medicineId\":\"no-such-medicine\",\"name\":\"Metformin\",\"dose\":"
                + "\"1\",\"frequency\":\"daily\"}]")), 422, "medications[0].medicineId");
        problem(put(1, content("xx", "[]", "[]")), 400, "language");
        problem(karaf.post("/api/v1/encounters/" + visit + "/report/approve", doctor, "application/json",
                "{\"revision\":1}"), 422, "assessment");
        // a stale revision: refused with the current one
        JsonNode stale = problem(put(7, content("en", "[]", "[]")), 409, "revision");
        assertEquals(1, stale.path("currentRevision").asInt(stale.at("/details/currentRevision").asInt()),
                stale.toString());
        // nothing of it was saved
        assertEquals(1, ok(karaf.get("/api/v1/encounters/" + visit + "/report", doctor), 200).get("revision")
                .asInt());
        // a medicine written in by name is saved with a warning (this clinic warns)
        JsonNode warned = ok(put(1, content("en", "[]", "[{\"name\":\"Vitamin D3 1000 IU\",\"dose\":\"1 capsule\","
                + "\"frequency\":\"daily\"}]")), 200);
        assertEquals(2, warned.get("revision").asInt());
        assertTrue(warned.get("warnings").get(0).asText().contains("not in the clinic's formulary"),
                warned.toString());
    }

    @Test
    @Order(3)
    void theDoctorWritesInPersianApprovesAndSignsWithTheSecondFactor() throws Exception {
        JsonNode saved = ok(put(2, content("fa", "[{\"system\":\"icd10\",\"code\":\"e11.9\",\"primary\":true},"
                + "{\"system\":\"icd10\",\"code\":\"E78.5\",\"primary\":false}]", "[{\"medicineId\":\"" + medicineId
                + "\",\"name\":\"Metformin 500 mg tablet\",\"dose\":\"یک قرص\",\"route\":\"خوراکی\",\"frequency\":"
                + "\"دو بار در روز با غذا\",\"duration\":\"۹۰ روز\",\"quantity\":180,\"refills\":2}]")), 200);
        assertEquals(3, saved.get("revision").asInt());
        assertEquals("E11.9", saved.at("/content/diagnoses/0/code").asText());
        assertEquals("Type 2 diabetes mellitus without complications", saved.at("/content/diagnoses/0/display")
                .asText(), "the display is the edition's");
        assertEquals("Metformin 500 mg tablet", saved.at("/content/medications/0/name").asText());
        assertEquals(0, saved.get("warnings").size(), saved.toString());
        JsonNode revisions = ok(karaf.get("/api/v1/encounters/" + visit + "/report/revisions", doctor), 200);
        assertEquals(List.of(3, 2, 1), List.of(revisions.get(0).get("revision").asInt(), revisions.get(1)
                .get("revision").asInt(), revisions.get(2).get("revision").asInt()));
        assertEquals("dr.karimi", revisions.get(0).get("savedBy").asText());
        // the preview is a PDF marked as a draft
        HttpResponse<byte[]> preview = karaf.sendBytes(HttpRequest.newBuilder(URI.create(karaf.url(
                "/api/v1/encounters/" + visit + "/report/preview"))).GET(), doctor);
        assertEquals(200, preview.statusCode());
        assertTrue(new String(preview.body(), 0, 5, StandardCharsets.US_ASCII).startsWith("%PDF-"));
        // sign before approving: refused
        problem(karaf.post("/api/v1/encounters/" + visit + "/report/sign", doctor, "application/json",
                "{\"code\":\"123456\"}"), 409, "status");
        JsonNode approved = ok(karaf.post("/api/v1/encounters/" + visit + "/report/approve", doctor,
                "application/json", "{\"revision\":3}"), 200);
        assertEquals("approved", approved.get("status").asText());
        // without a code, and with a wrong one: refused, nothing signed
        problem(karaf.post("/api/v1/encounters/" + visit + "/report/sign", doctor, "application/json", "{}"), 403,
                "code");
        problem(karaf.post("/api/v1/encounters/" + visit + "/report/sign", doctor, "application/json",
                "{\"code\":\"000000\"}"), 403, "code");
        waitForFreshStep();
        JsonNode signed = ok(karaf.post("/api/v1/encounters/" + visit + "/report/sign", doctor, "application/json",
                "{\"code\":\"" + WebIT.oathtool(totpSecret, Instant.now()) + "\"}"), 200);
        assertEquals("signed", signed.get("status").asText());
        assertEquals("reports/" + reportId + "/pdf", signed.get("pdf").asText());
        assertTrue(signed.get("signerSubject").asText().contains("Dr Sara Karimi"), signed.toString());
        // signed: never changed again
        problem(put(3, content("fa", "[]", "[]")), 409, "status");
        // the PDF: pdfsig finds the signature valid and the chain trusted with the clinic CA the hub publishes
        byte[] pdf = pdf("/api/v1/reports/" + reportId + "/pdf", doctor);
        Path file = dir.resolve("signed-report-fa.pdf");
        Files.write(file, pdf);
        Path nss = trustedNss();
        String sig = run("pdfsig", "-nssdir", "sql:" + nss, file.toString());
        assertTrue(sig.contains("Signature Validation: Signature is Valid."), sig);
        assertTrue(sig.contains("Certificate Validation: Certificate is Trusted."), sig);
        assertTrue(sig.contains("Signature Type: ETSI.CAdES.detached"), sig);
        assertTrue(sig.contains("Signer Certificate Common Name: Dr Sara Karimi"), sig);
        // the Persian text reads back in logical order, with the patient and the prescription
        String text = run("pdftotext", "-enc", "UTF-8", file.toString(), "-").replaceAll(
                "[\u200E\u200F\u202A-\u202E\u2066-\u2069]", "").replaceAll("[ \\t]+", " ");
        assertTrue(text.contains("گزارش ویزیت"), text);
        assertTrue(text.contains("Zhaleh Pakzad"), text);
        assertTrue(text.contains("دو بار در روز با غذا"), text);
        assertTrue(text.contains("E11.9"), text);
        assertTrue(text.contains("North Clinic"), text);
        run("pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", file.toString(), dir.resolve("signed-report-fa")
                .toString());
        // a changed byte breaks it
        byte[] changed = pdf.clone();
        int at = new String(pdf, StandardCharsets.ISO_8859_1).indexOf("/Producer");
        changed[at > 0 ? at + 1 : 200] ^= 0x01;
        Path broken = dir.resolve("signed-report-changed.pdf");
        Files.write(broken, changed);
        assertFalse(run("pdfsig", "-nssdir", "sql:" + nss, broken.toString()).contains("Signature is Valid."));
        // signed, not shared: the care team reads it, the patient not yet
        assertEquals("signed", ok(karaf.get("/api/v1/encounters/" + visit + "/report", nurse), 200).get("status")
                .asText());
        problem(karaf.get("/api/v1/encounters/" + visit + "/report", patient), 404, null);
        assertEquals(404, karaf.sendBytes(HttpRequest.newBuilder(URI.create(karaf.url("/api/v1/reports/" + reportId
                + "/pdf"))).GET(), patient).statusCode());
    }

    @Test
    @Order(4)
    void sharedThePatientReadsItAndIsToldWithALinkNotThePdf() throws Exception {
        JsonNode shared = ok(karaf.post("/api/v1/encounters/" + visit + "/report/share", doctor, "application/json",
                ""), 200);
        assertFalse(shared.get("sharedAt").isNull());
        ok(karaf.post("/api/v1/encounters/" + visit + "/report/share", doctor, "application/json", ""), 200);
        JsonNode mine = ok(karaf.get("/api/v1/reports", patient), 200);
        assertEquals(1, mine.size(), mine.toString());
        assertEquals(reportId, mine.get(0).get("id").asText());
        assertEquals("Dr Sara Karimi", mine.get(0).get("doctorName").asText());
        assertEquals(0, ok(karaf.get("/api/v1/reports", otherDoctor), 200).size());
        assertEquals("signed", ok(karaf.get("/api/v1/encounters/" + visit + "/report", patient), 200).get("status")
                .asText());
        assertTrue(pdf("/api/v1/reports/" + reportId + "/pdf", patient).length > 10_000);
        assertTrue(mail.waitForIncomingEmail(30_000, 1), "no notice within 30 s");
        Thread.sleep(3_000);
        assertEquals(1, mail.getReceivedMessages().length, "told once, though shared twice");
        jakarta.mail.internet.MimeMessage m = mail.getReceivedMessages()[0];
        assertEquals("zhaleh@example.org", ((jakarta.mail.internet.InternetAddress) m.getAllRecipients()[0])
                .getAddress());
        assertEquals("Your visit report from Dr Sara Karimi", m.getSubject());
        String body = com.icegreen.greenmail.util.GreenMailUtil.getBody(m);
        assertTrue(body.contains("https://visit.clinic.example/encounters/" + visit + "/report"), body);
        // text and HTML alternatives of one message; no part is a file
        if (m.getContent() instanceof jakarta.mail.Multipart parts) {
            for (int i = 0; i < parts.getCount(); i++) {
                jakarta.mail.BodyPart part = parts.getBodyPart(i);
                assertTrue(part.getContentType().startsWith("text/"), "no attachment: " + part.getContentType());
                assertFalse(jakarta.mail.Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()));
            }
        }
        assertFalse(body.contains("E11.9") || body.contains("Metformin"), "no clinical content in a mail: " + body);
    }

    @Test
    @Order(5)
    void aSignedAddendumAndTheReportsExport() throws Exception {
        // the signing used this step's code, and each code counts once: the next step's
        Thread.sleep(30_500 - System.currentTimeMillis() % 30_000);
        JsonNode r = ok(karaf.post("/api/v1/encounters/" + visit + "/report/addenda", doctor, "application/json",
                "{\"text\":\"HbA1c 7.4 % on 6 December: no change to the plan.\",\"code\":\""
                        + WebIT.oathtool(totpSecret, Instant.now()) + "\"}"), 201);
        JsonNode addendum = r.get("addenda").get(0);
        byte[] pdf = pdf("/api/v1/" + addendum.get("pdf").asText(), patient);
        Path file = dir.resolve("signed-addendum.pdf");
        Files.write(file, pdf);
        String sig = run("pdfsig", "-nssdir", "sql:" + trustedNss(), file.toString());
        assertTrue(sig.contains("Signature Validation: Signature is Valid."), sig);
        assertTrue(run("pdftotext", file.toString(), "-").contains("HbA1c 7.4"));
        // no addendum without a code
        problem(karaf.post("/api/v1/encounters/" + visit + "/report/addenda", doctor, "application/json",
                "{\"text\":\"more\"}"), 403, "code");
        problem(karaf.post("/api/v1/encounters/" + visit + "/report/addenda", doctor, "application/json",
                "{\"text\":\" \",\"code\":\"123456\"}"), 400, "text");
    }

    @Test
    @Order(6)
    void aCancelledVisitHasNoReport() throws Exception {
        Instant start = Scheduling.dayAfterTomorrow(10);
        String other = ok(karaf.post("/api/v1/encounters", admin, "application/json", Scheduling.visit(doctorId,
                patientId, start, 30)), 201).get("id").asText();
        problem(karaf.post("/api/v1/encounters/" + other + "/report", doctor, "application/json", ""), 422,
                "encounter");
        ok(karaf.post("/api/v1/encounters/" + other + "/cancel", doctor, "application/json",
                "{\"reason\":\"patient unwell\"}"), 200);
        JsonNode p = problem(karaf.post("/api/v1/encounters/" + other + "/report", doctor, "application/json", ""),
                422, "encounter");
        assertTrue(p.get("detail").asText().contains("cancelled"), p.toString());
    }

    // ---- helpers

    private static String content(String language, String diagnoses, String medications) {
        return "{\"language\":\"" + language + "\",\"subjective\":\"سه هفته است که خسته است و شب‌ها تشنگی دارد.\","
                + "\"objective\":\"BP 138/86 mmHg, HbA1c 7.2 %\",\"assessment\":\"دیابت نوع ۲\",\"plan\":\"شروع"
                + " متفورمین\",\"diagnoses\":" + diagnoses + ",\"medications\":" + medications + ",\"orders\":[{"
                + "\"kind\":\"lab\",\"code\":\"4548-4\",\"text\":\"HbA1c in 3 months\"}],\"followUp\":{\"days\":90,"
                + "\"note\":\"with the new HbA1c\"}}";
    }

    private static HttpResponse<String> put(int revision, String content) throws IOException {
        return karaf.put("/api/v1/encounters/" + visit + "/report", doctor, "{\"revision\":" + revision
                + ",\"content\":" + content + "}");
    }

    private static byte[] pdf(String path, String token) throws IOException {
        HttpResponse<byte[]> r = karaf.sendBytes(HttpRequest.newBuilder(URI.create(karaf.url(path))).GET(), token);
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("application/pdf", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("private, no-store", r.headers().firstValue("Cache-Control").orElse(""));
        return r.body();
    }

    /** An NSS database trusting the clinic CA the hub publishes (public: no token). */
    private static Path trustedNss() throws Exception {
        HttpResponse<String> ca = karaf.get("/api/v1/reports/signing/ca.pem", null);
        assertEquals(200, ca.statusCode(), ca.body());
        assertTrue(ca.body().startsWith("-----BEGIN CERTIFICATE-----"), ca.body());
        Path pem = dir.resolve("clinic-ca.pem");
        Files.writeString(pem, ca.body());
        Path db = dir.resolve("nss-" + System.nanoTime());
        Files.createDirectories(db);
        run("certutil", "-N", "-d", "sql:" + db, "--empty-password");
        run("certutil", "-A", "-d", "sql:" + db, "-n", "North Clinic signing CA", "-t", "CT,C,C", "-i",
                pem.toString());
        return db;
    }

    /** Within a 30-second step's last seconds, waits for the next (a code computed now stays valid on arrival). */
    private static void waitForFreshStep() throws InterruptedException {
        long into = System.currentTimeMillis() % 30_000;
        if (into > 22_000) {
            Thread.sleep(30_500 - into);
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), List.of(cmd) + ": " + out);
        return out;
    }

    private static JsonNode ok(HttpResponse<String> r, int status) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        return KarafInstance.json(r);
    }

    private static JsonNode problem(HttpResponse<String> r, int status, String field) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""), r.body());
        JsonNode p = KarafInstance.json(r);
        if (field != null) {
            assertEquals(field, p.path("field").asText(), r.body());
        }
        assertNotNull(p.get("detail"));
        return p;
    }
}
