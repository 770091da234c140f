package org.telehub.fhir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AnalysisResult;
import org.telehub.integration.api.ConditionEntry;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.Demographics;
import org.telehub.integration.api.MedicationOrder;
import org.telehub.integration.api.ObservationQuery;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.api.PatientQuery;
import org.telehub.integration.api.ReportDocument;
import org.telehub.testing.fhir.FhirServerProcess;

/** The FHIR client against a real HAPI FHIR JPA server (a child process on 127.0.0.1). */
class FhirRecordsTest {
    static final String MRN = "urn:oid:1.2.36.146.595.217.0.1";
    static final ObjectMapper JSON = new ObjectMapper();
    static FhirServerProcess server;
    static FhirRecords fhir;
    static String patientId;
    static String mrn;

    @BeforeAll
    static void start() throws Exception {
        server = FhirServerProcess.shared();
        fhir = records(server.baseUrl());
        mrn = "MRN-" + UUID.randomUUID().toString().substring(0, 8);
        patientId = createPatient(server.baseUrl(), mrn, "Tehrani", "Leyla", "1980-03-21");
    }

    static FhirRecords records(String base) {
        return new FhirRecords(new FhirSettings(URI.create(base), MRN, null, Duration.ofSeconds(2),
                Duration.ofSeconds(20)), FhirAuths.none(), SearchRules.ANY);
    }

    @Test
    void readsAndSearchesPatients() throws Exception {
        assertTrue(fhir.ping().contains("4.0.1"), fhir.ping());
        Demographics p = fhir.patient(patientId);
        assertEquals(new Demographics(patientId, "Tehrani", "Leyla", LocalDate.of(1980, 3, 21), "female"), p);
        assertEquals(List.of(p), fhir.searchPatients(new PatientQuery(mrn, null, null, null, 10)));
        assertTrue(fhir.searchPatients(new PatientQuery(null, "Tehrani", null, LocalDate.of(1980, 3, 21), 10))
                .contains(p));
        assertEquals(List.of(), fhir.searchPatients(new PatientQuery("no-such-mrn", null, null, null, 10)));
        AdapterException missing = assertThrows(AdapterException.class, () -> fhir.patient("does-not-exist"));
        assertFalse(missing.retryable());
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
        AdapterException bad = assertThrows(AdapterException.class, () -> fhir.patient("../Observation"));
        assertFalse(bad.retryable());
    }

    @Test
    void anObservationIsCreatedOnceAndFoundByCodeAndDate() throws Exception {
        String key = UUID.randomUUID().toString();
        ObservationValue hr = new ObservationValue("8867-4", "http://loinc.org", "Heart rate", 72.0, "/min", null,
                Instant.parse("2026-11-01T10:00:00Z"), "dr.house");
        DeliveryReceipt first = fhir.createObservation(patientId, hr, key);
        DeliveryReceipt again = fhir.createObservation(patientId, hr, key);
        assertFalse(first.duplicate());
        assertTrue(again.duplicate(), "a retried delivery finds its earlier record");
        assertEquals(first.remoteId(), again.remoteId());
        DeliveryReceipt other = fhir.createObservation(patientId, hr, UUID.randomUUID().toString());
        assertNotEquals(first.remoteId(), other.remoteId());

        List<ObservationValue> found = fhir.observations(patientId, new ObservationQuery(null, "8867-4",
                "http://loinc.org", LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 1), 10));
        assertEquals(2, found.size());
        ObservationValue o = found.get(0);
        assertEquals("8867-4", o.code());
        assertEquals(72.0, o.value());
        assertEquals("/min", o.unit());
        assertEquals(Instant.parse("2026-11-01T10:00:00Z"), o.effective());
        assertEquals("dr.house", o.performer());
        assertEquals(0, fhir.observations(patientId, new ObservationQuery(null, "8867-4", null,
                LocalDate.of(2026, 11, 2), null, 10)).size());
        assertTrue(fhir.observations(patientId, 10).size() >= 2);
    }

    @Test
    void aReportCarriesItsPdfAndIsCreatedOnce() throws Exception {
        byte[] pdf = "%PDF-1.4\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
        String key = UUID.randomUUID().toString();
        ReportDocument r = new ReportDocument("11488-4", "http://loinc.org", "Consult note", "Stable.", pdf,
                "application/pdf", Instant.parse("2026-11-22T10:00:00Z"), "dr.grey");
        DeliveryReceipt created = fhir.createDiagnosticReport(patientId, r, key);
        assertTrue(fhir.createDiagnosticReport(patientId, r, key).duplicate());
        JsonNode stored = get(server.baseUrl() + "/" + created.remoteId());
        assertEquals("Stable.", stored.path("conclusion").asText());
        assertEquals("Patient/" + patientId, stored.path("subject").path("reference").asText());
        assertArrayEquals(pdf, Base64.getDecoder().decode(stored.path("presentedForm").path(0).path("data").asText()));
        assertEquals(key, stored.path("identifier").path(0).path("value").asText());
    }

    /** An AI's finding on an endoscopy: a report whose result is the finding, with its confidence, each once. */
    @Test
    void anAnalysisIsFiledAsAReportOfItsFindingOnce() throws Exception {
        String key = UUID.randomUUID().toString();
        AnalysisResult polyp = new AnalysisResult("SPS-1", "Sessile polyp, 6 mm", "Paris 0-Is", "68496003", "SCT",
                "Polyp of colon", 0.934, "PolypNet", "2.1");
        List<DeliveryReceipt> filed = fhir.recordAnalysis(patientId, polyp, key);
        assertEquals(2, filed.size());
        assertTrue(filed.get(0).remoteId().startsWith("Observation/"), filed.toString());
        assertTrue(filed.get(1).remoteId().startsWith("DiagnosticReport/"), filed.toString());
        List<DeliveryReceipt> again = fhir.recordAnalysis(patientId, polyp, key);
        assertEquals(filed.stream().map(DeliveryReceipt::remoteId).toList(),
                again.stream().map(DeliveryReceipt::remoteId).toList(), "a retry finds the first records");
        assertTrue(again.stream().allMatch(DeliveryReceipt::duplicate));

        JsonNode o = get(server.baseUrl() + "/" + filed.get(0).remoteId());
        assertEquals("121071", o.path("code").path("coding").path(0).path("code").asText());
        JsonNode finding = o.path("valueCodeableConcept").path("coding").path(0);
        assertEquals("http://snomed.info/sct", finding.path("system").asText(), "SCT named as FHIR names it");
        assertEquals("68496003", finding.path("code").asText());
        assertEquals("Polyp of colon", finding.path("display").asText());
        assertEquals(93.4, o.path("component").path(0).path("valueQuantity").path("value").asDouble());
        assertEquals("%", o.path("component").path(0).path("valueQuantity").path("code").asText());
        assertEquals("PolypNet 2.1", o.path("device").path("display").asText());
        assertEquals("Paris 0-Is", o.path("note").path(0).path("text").asText());
        JsonNode r = get(server.baseUrl() + "/" + filed.get(1).remoteId());
        assertEquals("18751-8", r.path("code").path("coding").path(0).path("code").asText());
        assertEquals(filed.get(0).remoteId(), r.path("result").path(0).path("reference").asText());
        assertEquals("Sessile polyp, 6 mm", r.path("conclusion").asText());
        assertEquals("68496003", r.path("conclusionCode").path(0).path("coding").path(0).path("code").asText());
        assertEquals("Patient/" + patientId, r.path("subject").path("reference").asText());

        // in words only: the finding is its text, with no confidence
        List<DeliveryReceipt> words = fhir.recordAnalysis(patientId, new AnalysisResult("SPS-1", "No abnormality",
                null), key + "-words");
        JsonNode w = get(server.baseUrl() + "/" + words.get(0).remoteId());
        assertEquals("No abnormality", w.path("valueString").asText());
        assertTrue(w.path("component").isMissingNode());
        assertTrue(get(server.baseUrl() + "/" + words.get(1).remoteId()).path("conclusionCode").isMissingNode());
    }

    @Test
    void aDiagnosisAndAPrescriptionLineAreEachCreatedOnce() throws Exception {
        String key = UUID.randomUUID().toString();
        Instant at = Instant.parse("2026-11-22T10:00:00Z");
        ConditionEntry dx = new ConditionEntry("E11.9", "http://hl7.org/fhir/sid/icd-10",
                "Type 2 diabetes mellitus without complications", true, at, "Dr Grey");
        DeliveryReceipt condition = fhir.createCondition(patientId, dx, key + "/c0");
        assertFalse(condition.duplicate());
        assertTrue(fhir.createCondition(patientId, dx, key + "/c0").duplicate());
        JsonNode c = get(server.baseUrl() + "/" + condition.remoteId());
        assertEquals("E11.9", c.path("code").path("coding").path(0).path("code").asText());
        assertEquals("http://hl7.org/fhir/sid/icd-10", c.path("code").path("coding").path(0).path("system").asText());
        assertEquals("encounter-diagnosis", c.path("category").path(0).path("coding").path(0).path("code").asText());
        assertEquals("active", c.path("clinicalStatus").path("coding").path(0).path("code").asText());
        assertEquals("Patient/" + patientId, c.path("subject").path("reference").asText());
        assertEquals("Dr Grey", c.path("recorder").path("display").asText());

        MedicationOrder line = new MedicationOrder("A10BA02", "http://www.whocc.no/atc", "Metformin 500 mg tablet",
                "1 tablet", "oral", "twice a day with meals", "90 days", 180, 2, "Take with food", at, "Dr Grey");
        DeliveryReceipt rx = fhir.createMedicationRequest(patientId, line, key + "/m0");
        assertTrue(fhir.createMedicationRequest(patientId, line, key + "/m0").duplicate());
        JsonNode m = get(server.baseUrl() + "/" + rx.remoteId());
        assertEquals("order", m.path("intent").asText());
        assertEquals("A10BA02", m.path("medicationCodeableConcept").path("coding").path(0).path("code").asText());
        assertEquals("Metformin 500 mg tablet", m.path("medicationCodeableConcept").path("text").asText());
        assertEquals("1 tablet, oral, twice a day with meals, for 90 days",
                m.path("dosageInstruction").path(0).path("text").asText());
        assertEquals("Take with food", m.path("dosageInstruction").path(0).path("patientInstruction").asText());
        assertEquals(180, m.path("dispenseRequest").path("quantity").path("value").asInt());
        assertEquals(2, m.path("dispenseRequest").path("numberOfRepeatsAllowed").asInt());
        // a medicine written in by name: no coding, its name as text
        DeliveryReceipt byName = fhir.createMedicationRequest(patientId, new MedicationOrder(null, null,
                "Vitamin D3", "1 capsule", null, "daily", null, null, null, null, at, null), key + "/m1");
        JsonNode n = get(server.baseUrl() + "/" + byName.remoteId());
        assertTrue(n.path("medicationCodeableConcept").path("coding").isMissingNode());
        assertEquals("1 capsule, daily", n.path("dosageInstruction").path(0).path("text").asText());
        AdapterException noName = assertThrows(AdapterException.class, () -> fhir.createMedicationRequest(patientId,
                new MedicationOrder(null, null, " ", null, null, null, null, null, null, null, at, null), "k3"));
        assertTrue(noName.getMessage().startsWith("medication.name"), noName.getMessage());
    }

    @Test
    void anAddendumAmendsItsReportOnceAndTwoAtOnceAreBothKept() throws Exception {
        String document = "report:" + UUID.randomUUID();
        ReportDocument addendumFirst = addendum(document, "Potassium normal.");
        // the report's own delivery has not arrived yet: retryable, nothing written
        AdapterException early = assertThrows(AdapterException.class,
                () -> fhir.createDiagnosticReport(patientId, addendumFirst, UUID.randomUUID().toString()));
        assertTrue(early.retryable(), early.getMessage());

        byte[] pdf = "%PDF-1.4\n%report\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
        DeliveryReceipt report = fhir.createDiagnosticReport(patientId, new ReportDocument("11506-3",
                "http://loinc.org", "Visit report", "Type 2 diabetes.", pdf, "application/pdf",
                Instant.parse("2026-11-22T10:00:00Z"), "Dr Grey", document, null), UUID.randomUUID().toString());
        String key = UUID.randomUUID().toString();
        DeliveryReceipt amended = fhir.createDiagnosticReport(patientId, addendumFirst, key);
        assertEquals(new DeliveryReceipt(report.remoteId(), false), amended);
        // a retry of the same addendum changes nothing
        assertEquals(new DeliveryReceipt(report.remoteId(), true),
                fhir.createDiagnosticReport(patientId, addendumFirst, key));
        // two more addenda at once: each update names the version it read, so neither is lost
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<DeliveryReceipt>> both = pool.invokeAll(List.of(
                    () -> fhir.createDiagnosticReport(patientId, addendum(document, "Second."), "a2"),
                    () -> fhir.createDiagnosticReport(patientId, addendum(document, "Third."), "a3")));
            for (Future<DeliveryReceipt> f : both) {
                assertEquals(report.remoteId(), f.get().remoteId());
            }
        } finally {
            pool.shutdown();
        }
        JsonNode stored = get(server.baseUrl() + "/" + report.remoteId());
        assertEquals("amended", stored.path("status").asText());
        assertEquals(4, stored.path("presentedForm").size(), stored.toString());
        assertArrayEquals(pdf, Base64.getDecoder().decode(stored.path("presentedForm").path(0).path("data").asText()));
        String conclusion = stored.path("conclusion").asText();
        assertTrue(conclusion.startsWith("Type 2 diabetes.") && conclusion.contains("Potassium normal.")
                && conclusion.contains("Second.") && conclusion.contains("Third."), conclusion);
    }

    private static ReportDocument addendum(String amends, String text) {
        return new ReportDocument("11506-3", "http://loinc.org", "Addendum", text,
                ("%PDF-1.4\n%" + text + "\n%%EOF\n").getBytes(StandardCharsets.US_ASCII), "application/pdf",
                Instant.now(), "Dr Grey", null, amends);
    }

    @Test
    void refusalsAreRelayedAndInvalidInputNeverSent() throws Exception {
        ObservationValue hr = new ObservationValue("8867-4", "http://loinc.org", null, 72.0, "/min", null,
                Instant.now(), null);
        // a dangling subject: HAPI refuses with an OperationOutcome, relayed in words
        AdapterException dangling = assertThrows(AdapterException.class,
                () -> fhir.createObservation("no-such-patient", hr, UUID.randomUUID().toString()));
        assertFalse(dangling.retryable());
        assertTrue(dangling.getMessage().contains("HTTP 400") && dangling.getMessage().contains("error"),
                dangling.getMessage());
        AdapterException noCode = assertThrows(AdapterException.class, () -> fhir.createObservation(patientId,
                new ObservationValue(null, "http://loinc.org", null, 1.0, "kg", null, null, null), "k1"));
        assertTrue(noCode.getMessage().startsWith("observation.code"), noCode.getMessage());
        AdapterException noValue = assertThrows(AdapterException.class, () -> fhir.createObservation(patientId,
                new ObservationValue("8867-4", "http://loinc.org", null, null, null, null, null, null), "k2"));
        assertTrue(noValue.getMessage().startsWith("observation.value"), noValue.getMessage());
    }

    @Test
    void aServerThatIsDownIsRetryable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        FhirRecords down = records("http://127.0.0.1:" + port + "/fhir");
        AdapterException e = assertThrows(AdapterException.class, () -> down.patient("x"));
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("cannot reach"), e.getMessage());
    }

    static String createPatient(String base, String mrnValue, String family, String given, String birth)
            throws Exception {
        String body = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"" + MRN + "\",\"value\":\""
                + mrnValue + "\"}],\"name\":[{\"use\":\"official\",\"family\":\"" + family + "\",\"given\":[\""
                + given + "\"]}],\"gender\":\"female\",\"birthDate\":\"" + birth + "\"}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base
                + "/Patient")).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("id").asText();
    }

    static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }
}
