package org.telehub.adapter.epic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.ObservationQuery;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.api.PatientQuery;
import org.telehub.testing.fhir.FhirServerProcess;
import org.telehub.testing.keycloak.Keycloak;
import org.telehub.testing.keycloak.TestKeys;

/**
 * The Epic adapter as configured for an organisation, against stand-ins: HAPI FHIR as the FHIR server, Keycloak as
 * Epic's token endpoint (SMART Backend Services). What only Epic can show is listed in the bundle's README.
 */
class EpicAdapterTest {
    static final String MRN_SYSTEM = "urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.14";
    static final TestKeys KEYS = TestKeys.rsa("epic-1");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static Keycloak keycloak;
    static FhirServerProcess fhir;
    static String patientId;
    static String mrn;

    @BeforeAll
    static void start() throws Exception {
        fhir = FhirServerProcess.shared();
        keycloak = Keycloak.start(dir.resolve("keycloak"), List.of(Keycloak.Client.of("telehub-epic", KEYS,
                "system/Patient.read", "system/Observation.read", "system/Observation.write")));
        mrn = "E" + UUID.randomUUID().toString().substring(0, 6);
        String body = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"" + MRN_SYSTEM + "\",\"value\":\""
                + mrn + "\"}],\"name\":[{\"family\":\"Karimi\",\"given\":[\"Sara\"]}],\"gender\":\"female\","
                + "\"birthDate\":\"1975-07-01\"}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fhir.baseUrl()
                + "/Patient")).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        patientId = r.body().replaceAll("(?s).*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }

    @AfterAll
    static void stop() {
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @Test
    void connectsWithSmartAndKeepsToEpicsSearchRules() throws Exception {
        EpicAdapter epic = new EpicAdapter(new Config(KEYS.privateKeyPem(), "epic-1"));
        epic.connect();
        assertEquals("UP", epic.health().state().name());
        assertTrue(epic.health().detail().contains("SMART"), epic.health().detail());
        assertEquals(patientId, epic.searchPatients(new PatientQuery(mrn, null, null, null, 5)).get(0)
                .systemPatientId(), "the MRN is searched in the organisation's MRN system");
        assertFalse(epic.searchPatients(new PatientQuery(null, "Karimi", "Sara", LocalDate.of(1975, 7, 1), 5))
                .isEmpty());
        AdapterException tooLittle = assertThrows(AdapterException.class,
                () -> epic.searchPatients(new PatientQuery(null, "Karimi", null, null, 5)));
        assertTrue(tooLittle.getMessage().contains("Epic requires"), tooLittle.getMessage());
        DeliveryReceipt r = epic.createObservation(patientId, new ObservationValue("8867-4", "http://loinc.org",
                "Heart rate", 64.0, "/min", null, Instant.parse("2026-11-21T07:00:00Z"), "nurse"), "epic-key-1");
        assertTrue(r.remoteId().startsWith("Observation/"));
        assertEquals(1, epic.observations(patientId, new ObservationQuery(null, "8867-4", "http://loinc.org", null,
                null, 10)).size());
        // Epic needs a category or code: a plain search is refused before sending...
        assertThrows(AdapterException.class, () -> epic.observations(patientId, new ObservationQuery(null, null,
                null, null, null, 10)));
        // ...so "recent observations" (all-systems) asks for vital signs and laboratory results and merges them,
        // newest first: the one without a category is in neither list, as in Epic
        assertTrue(epic.observations(patientId, 10).isEmpty(), "this one has no category: Epic would not list it");
        epic.createObservation(patientId, new ObservationValue("8867-4", "http://loinc.org", "Heart rate", 71.0,
                "/min", null, Instant.parse("2026-11-21T08:00:00Z"), "nurse", "vital-signs"), "epic-key-2");
        epic.createObservation(patientId, new ObservationValue("4548-4", "http://loinc.org", "HbA1c", 7.2, "%",
                null, Instant.parse("2026-11-21T09:00:00Z"), "lab", "laboratory"), "epic-key-3");
        epic.createObservation(patientId, new ObservationValue("8310-5", "http://loinc.org", "Body temperature",
                37.1, "Cel", null, Instant.parse("2026-11-21T07:30:00Z"), "nurse", "vital-signs"), "epic-key-4");
        List<ObservationValue> recent = epic.observations(patientId, 10);
        assertEquals(List.of("4548-4 laboratory", "8867-4 vital-signs", "8310-5 vital-signs"), recent.stream()
                .map(o -> o.code() + " " + o.category()).toList(), "both categories, merged, newest first");
        assertEquals(List.of("4548-4", "8867-4"), epic.observations(patientId, 2).stream()
                .map(ObservationValue::code).toList(), "the limit applies to the merged list");
    }

    @Test
    void aKeyEpicDoesNotKnowIsReportedAsSuch() {
        EpicAdapter epic = new EpicAdapter(new Config(TestKeys.rsa("epic-1").privateKeyPem(), "epic-1"));
        AdapterException e = assertThrows(AdapterException.class, epic::connect);
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("check the key"), e.getMessage());
        assertEquals("DOWN", epic.health().state().name());
    }

    @Test
    void configurationWithoutTheMrnSystemIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EpicAdapter(new Config(KEYS.privateKeyPem(), "epic-1") {
                    @Override
                    public String patientIdentifierSystem() {
                        return "";
                    }
                }));
        assertTrue(e.getMessage().contains("patientIdentifierSystem"), e.getMessage());
    }

    /** An organisation's configuration as an administrator would write it. */
    static class Config implements EpicConfig {
        private final String key;
        private final String kid;

        Config(String key, String kid) {
            this.key = key;
            this.kid = kid;
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return EpicConfig.class;
        }

        @Override
        public String id() {
            return "epic-test";
        }

        @Override
        public String baseUrl() {
            return fhir.baseUrl();
        }

        @Override
        public String tokenUrl() {
            return keycloak.tokenUrl();
        }

        @Override
        public String clientId() {
            return "telehub-epic";
        }

        @Override
        public String privateKey() {
            return key;
        }

        @Override
        public String keyId() {
            return kid;
        }

        @Override
        public String algorithm() {
            return "RS384";
        }

        @Override
        public String[] scopes() {
            return new String[] {"system/Patient.read system/Observation.read", "system/Observation.write"};
        }

        @Override
        public String patientIdentifierSystem() {
            return MRN_SYSTEM;
        }

        @Override
        public String resultIdentifierSystem() {
            return "urn:telehub:result";
        }

        @Override
        public int connectTimeoutMillis() {
            return 2000;
        }

        @Override
        public int readTimeoutMillis() {
            return 20000;
        }
    }
}
