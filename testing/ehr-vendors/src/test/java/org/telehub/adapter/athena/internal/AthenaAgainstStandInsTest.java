package org.telehub.adapter.athena.internal;

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
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.Demographics;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.api.PatientQuery;
import org.telehub.integration.api.ReportDocument;
import org.telehub.testing.vendors.Configs;
import org.telehub.testing.vendors.FhirGateway;
import org.telehub.testing.vendors.Peers;

/**
 * The athenahealth adapter against the stand-ins: HAPI FHIR behind a gateway that, as athenaOne does, refuses any
 * call without the practice ({@code ah-practice}) and one naming another practice, and accepts only tokens
 * Keycloak issued to a client-secret app (2-legged OAuth).
 */
class AthenaAgainstStandInsTest {
    static final String PRACTICE = "195900";
    static final String PRACTICE_REF = "Organization/a-1.Practice-" + PRACTICE;
    static final String MRN_SYSTEM = "urn:oid:1.3.6.1.4.1.22812.2.195900";
    static FhirGateway gateway;
    static String patientId;
    static String mrn;

    @BeforeAll
    static void start() throws Exception {
        Peers.keycloak();
        gateway = Peers.gateway(List.of("ah-practice"), request -> {
            List<String> practice = request.parameters().get("ah-practice");
            if (practice == null || practice.isEmpty()) {
                return FhirGateway.Answer.refuse(400, "The ah-practice parameter is required");
            }
            if (!practice.equals(List.of(PRACTICE_REF))) {
                return FhirGateway.Answer.refuse(403, "Not authorized for practice " + practice);
            }
            if (!request.path().startsWith("/fhir/r4/")) {
                return FhirGateway.Answer.refuse(404, "no such path");
            }
            return FhirGateway.Answer.forward(request.path().substring("/fhir/r4".length()));
        });
        Peers.put("Organization", "a-1.Practice-" + PRACTICE, "{\"resourceType\":\"Organization\",\"id\":"
                + "\"a-1.Practice-" + PRACTICE + "\",\"name\":\"Practice " + PRACTICE + "\"}");
        mrn = "A" + UUID.randomUUID().toString().substring(0, 8);
        patientId = Peers.idOf(Peers.put("Patient", null, "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":"
                + "\"" + MRN_SYSTEM + "\",\"value\":\"" + mrn + "\"}],\"name\":[{\"family\":\"Moradi\",\"given\":"
                + "[\"Leila\"]}],\"gender\":\"female\",\"birthDate\":\"1990-10-02\"}"));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    static AthenaConfig config(boolean writes, String practice, String secret) throws Exception {
        Map<String, Object> v = new HashMap<>();
        v.put("id", "athena-test");
        v.put("practiceId", practice);
        v.put("baseUrl", gateway.url() + "/fhir/r4");
        v.put("tokenUrl", Peers.keycloak().tokenUrl());
        v.put("clientId", Peers.ATHENA_CLIENT);
        v.put("clientSecret", secret);
        v.put("writes", writes);
        v.put("patientIdentifierSystem", MRN_SYSTEM);
        return Configs.of(AthenaConfig.class, v);
    }

    @Test
    void everyCallNamesThePracticeAndEveryRecordCarriesIt() throws Exception {
        gateway.clear();
        AthenaAdapter athena = new AthenaAdapter(config(true, PRACTICE, Peers.ATHENA_SECRET));
        athena.connect();
        assertTrue(athena.takesResults());
        List<Demographics> found = athena.searchPatients(new PatientQuery(mrn, null, null, null, 5));
        assertEquals(List.of(patientId), found.stream().map(Demographics::systemPatientId).toList());
        assertEquals("Moradi", athena.patient(patientId).familyName());

        ObservationValue weight = new ObservationValue("29463-7", "http://loinc.org", "Body weight", 61.5, "kg", null,
                Instant.parse("2026-12-02T10:00:00Z"), "Dr Karimi", "vital-signs");
        DeliveryReceipt created = athena.createObservation(patientId, weight, "athena-" + mrn + "-1");
        assertTrue(athena.createObservation(patientId, weight, "athena-" + mrn + "-1").duplicate());
        DeliveryReceipt report = athena.createDiagnosticReport(patientId, new ReportDocument("11506-3",
                "http://loinc.org", "Visit report", "Stable.", "%PDF-1.7 test".getBytes(), "application/pdf",
                Instant.parse("2026-12-02T10:30:00Z"), "Dr Karimi"), "athena-" + mrn + "-report");
        assertEquals(List.of("29463-7"), athena.observations(patientId, 10).stream().map(ObservationValue::code)
                .toList());

        for (String record : List.of(created.remoteId(), report.remoteId())) {
            String stored = Peers.get("/" + record);
            assertTrue(stored.contains("\"url\":\"" + AthenaRules.PRACTICE_EXTENSION + "\"")
                    && stored.contains("\"reference\":\"" + PRACTICE_REF + "\""), "the practice on " + stored);
        }
        List<FhirGateway.Seen> seen = gateway.seen();
        assertTrue(seen.size() >= 7, seen.toString());
        for (FhirGateway.Seen s : seen) {
            assertEquals(List.of(PRACTICE_REF), s.parameters().get("ah-practice"), s.method() + " " + s.path());
            if (s.ifNoneExist() != null) {
                assertTrue(s.ifNoneExist().contains("ah-practice="), "the conditional create's search too");
            }
        }
    }

    @Test
    void withWritesOffNothingIsFiledAndNothingSent() throws Exception {
        gateway.clear();
        AthenaAdapter athena = new AthenaAdapter(config(false, PRACTICE, Peers.ATHENA_SECRET));
        assertFalse(athena.takesResults(), "the hub queues nothing for it");
        AdapterException e = assertThrows(AdapterException.class, () -> athena.createObservation(patientId,
                new ObservationValue("8867-4", "http://loinc.org", "Heart rate", 70.0, "/min", null, Instant.now(),
                        "Dr Karimi", "vital-signs"), "athena-off-1"));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("writes are off"), e.getMessage());
        assertTrue(gateway.seen().isEmpty());
    }

    @Test
    void anotherPracticeAndAWrongSecretAreRefused() throws Exception {
        AdapterException practice = assertThrows(AdapterException.class,
                new AthenaAdapter(config(false, "1", Peers.ATHENA_SECRET))::connect);
        assertTrue(practice.getMessage().contains("403") && practice.getMessage().contains("Not authorized"),
                practice.getMessage());
        AdapterException secret = assertThrows(AdapterException.class,
                new AthenaAdapter(config(false, PRACTICE, "wrong"))::connect);
        assertTrue(secret.getMessage().contains("client secret of client " + Peers.ATHENA_CLIENT),
                secret.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new AthenaAdapter(config(false, "a-1.Practice-1", Peers.ATHENA_SECRET)));
        assertTrue(bad.getMessage().startsWith("practiceId"), bad.getMessage());
    }
}
