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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.Demographics;
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
