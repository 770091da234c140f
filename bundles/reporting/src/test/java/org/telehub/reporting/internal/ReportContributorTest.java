package org.telehub.reporting.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.domain.patientdata.TestExports;
import org.telehub.files.FileStore;
import org.telehub.files.internal.TestFiles;
import org.telehub.persistence.PatientTables;
import org.telehub.persistence.TestDatabases;

/**
 * A patient's export holds their reports — signed ones final with their PDFs, drafts preliminary — and the research
 * export none of their words, names or files; every reporting table with patient data is named (the same rule as
 * core-encounter's PatientExportTest, which cannot see this bundle's contributor).
 */
class ReportContributorTest {
    @TempDir
    Path dir;
    private final List<String> files = new ArrayList<>();

    @Test
    void everyReportTableWithPatientDataIsNamedAndTheReportsAreExported() throws Exception {
        Jdbi jdbi = Jdbi.create(TestDatabases.postgres());
        TestFiles.migrate(jdbi);
        for (String m : List.of("V1__signing_keys.sql", "V2__reports.sql")) {
            try (InputStream in = getClass().getResourceAsStream("/db/migration/reporting/" + m)) {
                String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                jdbi.useHandle(h -> h.createScript(sql).execute());
            }
        }
        // the doctors' names come from the encounters' table (core-encounter's, here only what the export reads)
        jdbi.useHandle(h -> h.execute("CREATE TABLE encounter_doctor (id VARCHAR(36) PRIMARY KEY, display_name"
                + " VARCHAR(200) NOT NULL)"));
        Set<String> patientTables = PatientTables.of(jdbi);
        FileStore store = TestFiles.store(jdbi, dir);
        ReportContributor reports = new ReportContributor(jdbi, store);
        assertEquals(patientTables, reports.tables());

        Instant at = Instant.parse("2026-12-04T09:30:00Z");
        String pdf = store.put(new ByteArrayInputStream("%PDF-1.7 signed".getBytes(StandardCharsets.US_ASCII)),
                "application/pdf", "report").id();
        String content = ReportsImpl.json(ReportDocumentTest.content("en"));
        jdbi.useHandle(h -> {
            h.execute("INSERT INTO encounter_doctor VALUES ('d-1', 'Dr Sara Karimi')");
            h.execute("INSERT INTO report_signer (id, doctor_id, source, chain, key_sealed, subject, not_after, active,"
                    + " created_at) VALUES ('s-1', 'd-1', 'clinic-ca', 'pem', 'sealed', 'CN=Dr Sara Karimi', ?, TRUE,"
                    + " ?)", at.plusSeconds(86_400), at);
            h.execute("INSERT INTO report (id, encounter_id, doctor_id, patient_id, status, content, revision,"
                    + " created_at, updated_at, signed_at, signed_by, signer_id, pdf_file_id, pdf_sha256) VALUES ('r-1',"
                    + " 'e-1', 'd-1', 'p-1', 'signed', CAST(? AS jsonb), 3, ?, ?, ?, 'dr.karimi', 's-1', ?, 'ab')",
                    content, at, at, at, pdf);
            h.execute("INSERT INTO report (id, encounter_id, doctor_id, patient_id, status, content, revision,"
                    + " created_at, updated_at) VALUES ('r-2', 'e-2', 'd-1', 'p-1', 'draft', CAST(? AS jsonb), 1, ?, ?)",
                    content, at.plusSeconds(60), at.plusSeconds(60));
            h.execute("INSERT INTO report (id, encounter_id, doctor_id, patient_id, status, content, revision,"
                    + " created_at, updated_at) VALUES ('r-9', 'e-9', 'd-1', 'p-other', 'draft', CAST(? AS jsonb), 1,"
                    + " ?, ?)", content, at, at);
        });
        List<Map<String, Object>> full = export(reports, false);
        assertEquals(2, full.size(), "the patient's two reports, not another's: " + full);
        Map<String, Object> signed = full.get(0);
        assertEquals("DiagnosticReport", signed.get("resourceType"));
        assertEquals("final", signed.get("status"));
        assertEquals(Map.of("reference", "Patient/p-1"), signed.get("subject"));
        assertTrue(((String) signed.get("conclusion")).contains("Type 2 diabetes"), signed.toString());
        assertEquals(List.of(Map.of("coding", List.of(Map.of("system", "http://hl7.org/fhir/sid/icd-10", "code",
                "E11.9", "display", "Type 2 diabetes mellitus without complications")))), signed.get("conclusionCode"));
        assertEquals(List.of(Map.of("contentType", "application/pdf", "url", "files/reports/r-1.pdf")),
                signed.get("presentedForm"));
        assertEquals("preliminary", full.get(1).get("status"));
        assertFalse(full.get(1).containsKey("presentedForm"));
        assertEquals(List.of("reports/r-1.pdf application/pdf 15"), files);

        List<Map<String, Object>> research = export(reports, true);
        assertEquals(2, research.size());
        for (Map<String, Object> r : research) {
            assertNull(r.get("conclusion"), "no free text in the research export");
            assertFalse(r.toString().contains("Karimi"), r.toString());
            assertFalse(r.containsKey("presentedForm"));
        }
        assertEquals(List.of(), files, "no files in the research export");
    }

    private List<Map<String, Object>> export(ReportContributor reports, boolean anonymised) throws Exception {
        TestExports.Export e = TestExports.run(reports, "p-1", anonymised);
        files.clear();
        files.addAll(e.files());
        return e.resources();
    }
}
