package org.telehub.integration.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnavailableException;
import org.telehub.persistence.TestDatabases;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.PatientAccess;

/**
 * The manager's gate to a patient over the real identifier cross-reference (PostgreSQL): a system's patient id is
 * reached through the local patients mapped to it; without a {@link PatientAccess} service it fails closed (503).
 */
class PatientGateTest {
    private static final AuthenticatedUser DOCTOR = new AuthenticatedUser(2, "dr.a", "Dr A", Set.of("doctor"));
    private static final AuthenticatedUser EXPORT = new AuthenticatedUser(3, "exp", "Export", Set.of("export"));

    /** dr.a reaches local patient p-a only. */
    private static final PatientAccess RULE = new PatientAccess() {
        @Override
        public boolean reaches(AuthenticatedUser user, String patientId) {
            return !reachable(user, List.of(patientId)).isEmpty();
        }

        @Override
        public Set<String> reachable(AuthenticatedUser user, Collection<String> ids) {
            return ids.stream().filter(id -> user.username().equals("dr.a") && id.equals("p-a"))
                    .collect(Collectors.toSet());
        }
    };

    /** What the gate audited: actor, action, patient, outcome, and whether in a caller's transaction. */
    private final List<String> audited = new java.util.ArrayList<>();
    private final AuditLog audit = new AuditLog() {
        @Override
        public void record(org.jdbi.v3.core.Handle tx, AuthenticatedUser actor, String action, String patientId,
                Collection<String> systems, String outcome) {
            assertEquals(true, tx.isInTransaction(), "disclosures are written in one transaction");
            audited.add("tx " + actor.username() + " " + action + " " + patientId + " " + outcome);
        }

        @Override
        public void record(AuthenticatedUser actor, String action, String patientId, Collection<String> systems,
                String outcome) {
            audited.add(actor.username() + " " + action + " " + patientId + " " + outcome);
        }
    };

    @Test
    void aSystemsPatientIdIsReachedThroughTheCrossReference() {
        PatientIdentifiers ids = identifiers();
        ids.put("p-a", "ehr", "MRN-A", "test");
        ids.put("p-b", "ehr", "MRN-B", "test");
        PatientGate gate = gate(RULE);

        gate.local(DOCTOR, "p-a");
        assertThrows(NotFoundException.class, () -> gate.local(DOCTOR, "p-b"));
        assertEquals("p-a", gate.remote(DOCTOR, "ehr", "MRN-A"));
        assertThrows(NotFoundException.class, () -> gate.remote(DOCTOR, "ehr", "MRN-B"));
        assertThrows(NotFoundException.class, () -> gate.remote(DOCTOR, "pacs", "MRN-A"), "another system's id");
        assertThrows(NotFoundException.class, () -> gate.remote(DOCTOR, "ehr", "MRN-NOBODY"));
        assertEquals(Set.of("MRN-A"), gate.visibleRemote(DOCTOR, "ehr", List.of("MRN-A", "MRN-B", "MRN-X")));
        assertEquals(Set.of("MRN-A", "MRN-B", "MRN-X"), gate.visibleRemote(EXPORT, "ehr",
                List.of("MRN-A", "MRN-B", "MRN-X")), "the export role sees every match");
    }

    /**
     * Bulk reads name each patient they disclose; refusals are audited too. Before, a query answer was one row with
     * no patient ("3 studies") and a refusal left no trace.
     */
    @Test
    void disclosuresAndRefusalsAreAuditedPatientByPatient() {
        PatientIdentifiers ids = identifiers();
        ids.put("p-a", "pacs", "PID-A", "test");
        ids.put("p-b", "pacs", "PID-B", "test");
        PatientGate gate = gate(RULE);

        java.util.Map<String, Set<String>> shown = gate.shown(DOCTOR, "pacs", List.of("PID-A", "PID-B", "PID-A"));
        assertEquals(java.util.Map.of("PID-A", Set.of("p-a")), shown);
        gate.recordDisclosed(DOCTOR, "integration.pacs.find-studies", "pacs", shown);
        assertEquals(List.of("tx dr.a integration.pacs.find-studies p-a disclosed"), audited);

        audited.clear();
        java.util.Map<String, Set<String>> all = gate.shown(EXPORT, "pacs", List.of("PID-A", "PID-B", "PID-Z"));
        gate.recordDisclosed(EXPORT, "integration.pacs.find-studies", "pacs", all);
        assertEquals(List.of("tx exp integration.pacs.find-studies p-a disclosed",
                "tx exp integration.pacs.find-studies p-b disclosed",
                "tx exp integration.pacs.find-studies null disclosed system patient PID-Z"), audited);

        audited.clear();
        gate.recordDisclosed(DOCTOR, "integration.pacs.find-studies", "pacs", java.util.Map.of());
        assertEquals(List.of("dr.a integration.pacs.find-studies null 0 patients"), audited);

        audited.clear();
        assertThrows(NotFoundException.class, () -> gate.local(DOCTOR, "p-b"));
        assertThrows(NotFoundException.class, () -> gate.remote(DOCTOR, "pacs", "PID-B"));
        assertThrows(NotFoundException.class, () -> gate.remote(DOCTOR, "pacs", "PID-NOBODY"));
        assertEquals(List.of("dr.a patient.access.denied p-b no care relationship",
                "dr.a patient.access.denied p-b no care relationship",
                "dr.a patient.access.denied null system patient id mapped to no patient"), audited);
    }

    @Test
    void withoutThePatientAccessServiceEveryPatientCallIs503() {
        PatientIdentifiers ids = identifiers();
        ids.put("p-a", "ehr", "MRN-A", "test");
        PatientGate gate = gate(null);
        assertThrows(UnavailableException.class, () -> gate.local(DOCTOR, "p-a"));
        assertThrows(UnavailableException.class, () -> gate.remote(DOCTOR, "ehr", "MRN-A"));
        assertThrows(UnavailableException.class, () -> gate.remote(DOCTOR, "ehr", "UNMAPPED"));
        assertThrows(UnavailableException.class, () -> gate.visibleRemote(EXPORT, "ehr", List.of("MRN-A")));
        assertThrows(UnavailableException.class, () -> gate.reachable(DOCTOR, List.of("p-a")));
    }

    private PatientGate gate(PatientAccess rule) {
        return new PatientGate(jdbi, audit, rule);
    }

    private Jdbi jdbi;

    private PatientIdentifiers identifiers() {
        jdbi = Jdbi.create(TestDatabases.postgres());
        try (InputStream in = PatientGateTest.class.getResourceAsStream(
                "/db/migration/integration/V1__patient_identifiers.sql")) {
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            jdbi.useHandle(h -> h.createScript(sql).execute());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new PatientIdentifiers(jdbi);
    }
}
