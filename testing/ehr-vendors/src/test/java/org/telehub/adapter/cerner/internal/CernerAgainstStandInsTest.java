package org.telehub.adapter.cerner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
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
import org.telehub.testing.vendors.Configs;
import org.telehub.testing.vendors.FhirGateway;
import org.telehub.testing.vendors.Peers;

/**
 * The Oracle Health adapter against the stand-ins: HAPI FHIR behind a gateway that routes Millennium's way (the
 * tenant as the first path segment under {@code /r4}; another tenant → 403 "Tenant not valid or accessible") and
 * accepts only tokens Keycloak issued; Keycloak as the tenant's authorization server with a system account
 * (client secret).
 */
class CernerAgainstStandInsTest {
    static final String TENANT = "ec2458f2-1e24-41c8-b71b-0e701af7583d";
    static final String MRN_SYSTEM = "urn:oid:2.16.840.1.113883.3.787.0.0";
    static FhirGateway gateway;
    static String patientId;
    static String mrn;

    @BeforeAll
    static void start() throws Exception {
        Peers.keycloak();
        gateway = Peers.gateway(List.of(), request -> {
            String[] segments = request.path().split("/", 4); // "", "r4", tenant, rest
            if (segments.length < 4 || !segments[1].equals("r4")) {
                return FhirGateway.Answer.refuse(404, "no such service root");
            }
            if (!segments[2].equals(TENANT)) {
                return FhirGateway.Answer.refuse(403, "Tenant not valid or accessible");
            }
            return FhirGateway.Answer.forward("/" + segments[3]);
        });
        mrn = "C" + UUID.randomUUID().toString().substring(0, 8);
        patientId = Peers.idOf(Peers.put("Patient", null, "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":"
                + "\"" + MRN_SYSTEM + "\",\"value\":\"" + mrn + "\"}],\"name\":[{\"family\":\"Rahimi\",\"given\":"
                + "[\"Omid\"]}],\"gender\":\"male\",\"birthDate\":\"1968-03-09\"}"));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    static CernerConfig config(String tenant, String secret) throws Exception {
        Map<String, Object> v = new HashMap<>();
        v.put("id", "cerner-test");
        v.put("tenantId", tenant);
        v.put("serviceRoot", gateway.url() + "/r4");
        v.put("tokenUrl", Peers.keycloak().tokenUrl());
        v.put("clientId", Peers.CERNER_CLIENT);
        v.put("clientSecret", secret);
        v.put("patientIdentifierSystem", MRN_SYSTEM);
        return Configs.of(CernerConfig.class, v);
    }

    @Test
    void readsAndWritesUnderItsTenantWithASystemAccount() throws Exception {
        gateway.clear();
        CernerAdapter cerner = new CernerAdapter(config(TENANT, Peers.CERNER_SECRET));
        cerner.connect();
        assertEquals("UP", cerner.health().state().name());
        assertTrue(cerner.takesResults());

        List<Demographics> found = cerner.searchPatients(new PatientQuery(mrn, null, null, null, 5));
        assertEquals(List.of(patientId), found.stream().map(Demographics::systemPatientId).toList());
        assertEquals("Rahimi", cerner.patient(patientId).familyName());

        ObservationValue pulse = new ObservationValue("8867-4", "http://loinc.org", "Heart rate", 64.0, "/min", null,
                Instant.parse("2026-12-01T09:00:00Z"), "Dr Karimi", "vital-signs");
        DeliveryReceipt first = cerner.createObservation(patientId, pulse, "cerner-" + mrn + "-1");
        DeliveryReceipt again = cerner.createObservation(patientId, pulse, "cerner-" + mrn + "-1");
        assertFalse(first.duplicate());
        assertTrue(again.duplicate(), "the conditional create found the first record");
        assertEquals(first.remoteId(), again.remoteId());
        assertEquals(List.of("8867-4 vital-signs"), cerner.observations(patientId, 10).stream()
                .map(o -> o.code() + " " + o.category()).toList());

        List<FhirGateway.Seen> seen = gateway.seen();
        assertTrue(seen.size() >= 6, seen.toString());
        for (FhirGateway.Seen s : seen) {
            assertTrue(s.path().startsWith("/r4/" + TENANT + "/"), "under the tenant: " + s.path());
        }
    }

    @Test
    void anotherTenantIsRefusedInMillenniumsWords() throws Exception {
        CernerAdapter cerner = new CernerAdapter(config("0b8a0111-e8e6-4c26-a91c-5069cbc6b1ca",
                Peers.CERNER_SECRET));
        AdapterException e = assertThrows(AdapterException.class, cerner::connect);
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("403") && e.getMessage().contains("Tenant not valid"), e.getMessage());
    }

    @Test
    void aWrongSecretIsReportedAsTheSecretAndNeverShown() throws Exception {
        CernerAdapter cerner = new CernerAdapter(config(TENANT, "not-the-secret"));
        AdapterException e = assertThrows(AdapterException.class, cerner::connect);
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("client secret of client " + Peers.CERNER_CLIENT), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-secret"));
        assertFalse(cerner.health().toString().contains("not-the-secret"));
    }

    @Test
    void aBirthDateAloneIsRefusedBeforeAnythingIsSent() throws Exception {
        gateway.clear();
        CernerAdapter cerner = new CernerAdapter(config(TENANT, Peers.CERNER_SECRET));
        AdapterException e = assertThrows(AdapterException.class, () -> cerner.searchPatients(
                new PatientQuery(null, null, null, LocalDate.of(1968, 3, 9), 5)));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("identifier (MRN) or a name"), e.getMessage());
        assertTrue(gateway.seen().isEmpty());
    }
}
