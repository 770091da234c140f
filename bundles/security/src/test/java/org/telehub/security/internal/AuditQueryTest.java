package org.telehub.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;

import org.telehub.persistence.Database;

/**
 * The administrators' view of the trail: filters, paging, and the FHIR R4 AuditEvent export read back by HAPI's
 * strict R4 parser (HAPI's profile validator needs SLF4J 2, which this bundle's test class path cannot mix in).
 */
class AuditQueryTest {
    static final Instant T0 = Instant.parse("2025-03-01T08:00:00Z");

    @Test
    void byPatientUserAndTimeNewestFirstAPageAtATime() {
        Database db = seeded();
        assertEquals(List.of(2L, 1L), seqs(db, new AuditQuery.Filter("p1", null, null, null), 0, 10));
        assertEquals(List.of(3L, 2L), seqs(db, new AuditQuery.Filter(null, "nurse.joy", null, null), 0, 10));
        assertEquals(List.of(3L, 2L), seqs(db, new AuditQuery.Filter(null, null, T0.plusSeconds(60),
                T0.plusSeconds(180)), 0, 10), "from inclusive, to exclusive");
        assertEquals(List.of(2L), seqs(db, new AuditQuery.Filter("p1", "nurse.joy", null, null), 0, 10));
        assertEquals(List.of(4L, 3L), seqs(db, new AuditQuery.Filter(null, null, null, null), 0, 2));
        assertEquals(List.of(2L, 1L), seqs(db, new AuditQuery.Filter(null, null, null, null), 2, 2));
        AuditQuery.Entry e = db.jdbi().withHandle(h -> AuditQuery.find(h, new AuditQuery.Filter(null, "dr.who",
                null, T0.plusSeconds(1)), 0, 1)).get(0);
        assertEquals(List.of("pacs-a", "pacs-b"), e.systems());
    }

    @Test
    void theFhirExportIsAValidR4BundleOfAuditEvents() throws Exception {
        Database db = seeded();
        List<AuditQuery.Entry> entries = db.jdbi().withHandle(h -> AuditQuery.find(h,
                new AuditQuery.Filter(null, null, null, null), 0, 10));
        String json = new ObjectMapper().writeValueAsString(FhirAuditEvents.bundle(entries));

        // HAPI's R4 model, strictly: an unknown element, a wrong type or a code outside a required value set fails
        FhirContext fhir = FhirContext.forR4();
        Bundle bundle = fhir.newJsonParser().setParserErrorHandler(new StrictErrorHandler())
                .parseResource(Bundle.class, json);
        assertEquals(4, bundle.getEntry().size());
        AuditEvent failed = (AuditEvent) bundle.getEntry().get(0).getResource();
        assertEquals("4", failed.getIdElement().getIdPart());
        assertEquals("110114", failed.getType().getCode(), "a login: DICOM's User Authentication");
        assertEquals(AuditEvent.AuditEventAction.E, failed.getAction());
        assertEquals(AuditEvent.AuditEventOutcome._4, failed.getOutcome());
        AuditEvent read = (AuditEvent) bundle.getEntry().get(3).getResource();
        assertEquals("patient.read", read.getSubtypeFirstRep().getCode());
        assertEquals(AuditEvent.AuditEventAction.R, read.getAction());
        assertEquals(AuditEvent.AuditEventOutcome._0, read.getOutcome());
        assertEquals("dr.who", read.getAgentFirstRep().getWho().getDisplay());
        assertEquals("7", read.getAgentFirstRep().getWho().getIdentifier().getValue());
        assertEquals("p1", read.getEntity().get(0).getWhat().getIdentifier().getValue());
        assertEquals("pacs-a", read.getEntity().get(1).getWhat().getIdentifier().getValue());
        assertEquals(T0, read.getRecorded().toInstant());
    }

    private static List<Long> seqs(Database db, AuditQuery.Filter f, int offset, int limit) {
        return db.jdbi().withHandle(h -> AuditQuery.find(h, f, offset, limit)).stream().map(AuditQuery.Entry::seq)
                .toList();
    }

    /** Four rows a minute apart: two reads of p1 (one through two PACS), a patient created, a failed login. */
    private static Database seeded() {
        Database db = AccountsTest.database();
        Object[][] rows = {
            {7, "dr.who", "patient.read", "p1", "pacs-a,pacs-b", "ok"},
            {8, "nurse.joy", "encounter.read", "p1", "", "ok"},
            {8, "nurse.joy", "patient.create", "p2", "", "ok"},
            {7, "dr.who", "auth.login.failed", null, "", "api from 192.0.2.1"},
        };
        for (int i = 0; i < rows.length; i++) {
            Object[] r = rows[i];
            Timestamp at = Timestamp.from(T0.plusSeconds(60L * i));
            db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO audit_event (at, actor_id, actor, action,"
                    + " patient_id, systems, outcome) VALUES (:at, :aid, :actor, :action, :pid, :systems, :outcome)")
                    .bind("at", at).bind("aid", ((Integer) r[0]).longValue()).bind("actor", (String) r[1])
                    .bind("action", (String) r[2]).bind("pid", (String) r[3])
                    .bind("systems", (String) r[4]).bind("outcome", (String) r[5]).execute());
        }
        return db;
    }
}
