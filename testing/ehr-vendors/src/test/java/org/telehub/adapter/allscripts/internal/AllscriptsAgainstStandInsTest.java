package org.telehub.adapter.allscripts.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ConditionEntry;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.api.PatientQuery;
import org.telehub.integration.api.ReportDocument;
import org.telehub.testing.vendors.Configs;
import org.telehub.testing.vendors.FhirGateway;
import org.telehub.testing.vendors.Peers;

/**
 * The Veradigm (Allscripts) adapter against the stand-ins: reads through a gateway before HAPI FHIR with a SMART
 * Backend Services token from Keycloak; every write refused before anything is sent, and no result taken.
 */
class AllscriptsAgainstStandInsTest {
    static final String MRN_SYSTEM = "urn:oid:2.16.840.1.113883.3.1.4.1";
    static FhirGateway gateway;
    static String patientId;
    static String mrn;

    @BeforeAll
    static void start() throws Exception {
        Peers.keycloak();
        gateway = Peers.gateway(List.of(), request -> request.path().startsWith("/fhirroute/fhir/")
                ? FhirGateway.Answer.forward(request.path().substring("/fhirroute/fhir".length()))
                : FhirGateway.Answer.refuse(404, "no such path"));
        mrn = "V" + UUID.randomUUID().toString().substring(0, 8);
        patientId = Peers.idOf(Peers.put("Patient", null, "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":"
                + "\"" + MRN_SYSTEM + "\",\"value\":\"" + mrn + "\"}],\"name\":[{\"family\":\"Tehrani\",\"given\":"
                + "[\"Babak\"]}],\"birthDate\":\"1955-01-20\"}"));
        Peers.put("Observation", null, "{\"resourceType\":\"Observation\",\"status\":\"final\",\"category\":[{"
                + "\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":"
                + "\"laboratory\"}]}],\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"4548-4\"}]},"
                + "\"subject\":{\"reference\":\"Patient/" + patientId + "\"},\"effectiveDateTime\":"
                + "\"2026-11-30T08:00:00Z\",\"valueQuantity\":{\"value\":6.9,\"unit\":\"%\"}}");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    static AllscriptsConfig config() throws Exception {
        Map<String, Object> v = new HashMap<>();
        v.put("id", "veradigm-test");
        v.put("baseUrl", gateway.url() + "/fhirroute/fhir/");
        v.put("tokenUrl", Peers.keycloak().tokenUrl());
        v.put("clientId", Peers.ALLSCRIPTS_CLIENT);
        v.put("privateKey", Peers.ALLSCRIPTS_KEYS.privateKeyPem());
        v.put("keyId", "veradigm-1");
        v.put("patientIdentifierSystem", MRN_SYSTEM);
        return Configs.of(AllscriptsConfig.class, v);
    }

    @Test
    void readsWithABackendTokenAndFilesNothing() throws Exception {
        gateway.clear();
        AllscriptsAdapter veradigm = new AllscriptsAdapter(config());
        veradigm.connect();
        assertFalse(veradigm.takesResults(), "read-only: the hub queues no results for it");
        assertEquals(List.of(patientId), veradigm.searchPatients(new PatientQuery(mrn, null, null, null, 5)).stream()
                .map(d -> d.systemPatientId()).toList());
        assertEquals("Tehrani", veradigm.patient(patientId).familyName());
        assertEquals(List.of("4548-4 laboratory"), veradigm.observations(patientId, 10).stream()
                .map(o -> o.code() + " " + o.category()).toList());
        int reads = gateway.seen().size();

        Instant now = Instant.now();
        List<org.junit.jupiter.api.function.Executable> writes = List.of(
                () -> veradigm.createObservation(patientId, new ObservationValue("8867-4", "http://loinc.org", "Heart"
                        + " rate", 70.0, "/min", null, now, "Dr Karimi", "vital-signs"), "v-1"),
                () -> veradigm.createDiagnosticReport(patientId, new ReportDocument("11506-3", "http://loinc.org",
                        "Visit report", "ok", "%PDF-1.7".getBytes(), "application/pdf", now, "Dr Karimi"), "v-2"),
                () -> veradigm.createCondition(patientId, new ConditionEntry("E11.9", "http://hl7.org/fhir/sid/icd-10",
                        "Type 2 diabetes", true, now, "Dr Karimi"), "v-3"));
        for (var write : writes) {
            AdapterException e = assertThrows(AdapterException.class, write);
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("read-only") && e.getMessage().contains("Unity API"), e.getMessage());
        }
        assertEquals(reads, gateway.seen().size(), "no write reached the server");
        assertTrue(gateway.seen().stream().allMatch(s -> s.method().equals("GET")));
    }
}
