package org.telehub.core.encounter.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.hl7.fhir.r4.model.Bundle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.PeopleService;
import org.telehub.core.encounter.ScheduleService;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.core.encounter.internal.export.EncounterContributor;
import org.telehub.core.encounter.internal.export.PatientExport;
import org.telehub.domain.patientdata.PatientDataContributor;
import org.telehub.files.FileStore;
import org.telehub.files.StoredFile;
import org.telehub.integration.manager.internal.export.IntegrationContributor;
import org.telehub.persistence.AppliedMigration;
import org.telehub.persistence.Database;
import org.telehub.persistence.PatientTables;
import org.telehub.persistence.TestDatabases;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;
import org.telehub.security.internal.AuditContributor;
import org.telehub.security.internal.DbAuditLog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;

/**
 * The patients' data export (issue 14, part 5) over every bundle's real schema on PostgreSQL, with the real
 * contributors of core-encounter, the integration manager and security, the real audit log and the file store's
 * real encrypted storage.
 */
class PatientExportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path BUNDLES = Path.of("..");

    // the seeded patient's PHI
    private static final String NAME = "Mina Karimzadeh";
    private static final String BIRTH = "1984-03-17";
    private static final String EMAIL = "mina.k@example.org";
    private static final String PHONE = "+49 30 5550123";
    private static final String MRN = "MRN-77341";
    private static final String COMPLAINT = "Mina Karimzadeh asks to be called back on 030/555 01 23 about the rash";

    /** Every migration of every bundle in bundles/pom.xml, in module order then version order, as a hub applies. */
    static Jdbi everySchema() throws IOException {
        Jdbi jdbi = Jdbi.create(TestDatabases.postgres());
        String pom = Files.readString(BUNDLES.resolve("pom.xml"));
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        Set<String> modules = new TreeSet<>();
        while (m.find()) {
            Path root = BUNDLES.resolve(m.group(1)).resolve("src/main/resources/db/migration");
            if (!Files.isDirectory(root)) {
                continue;
            }
            List<Path> dirs;
            try (var l = Files.list(root)) {
                dirs = l.filter(Files::isDirectory).sorted().toList();
            }
            for (Path dir : dirs) {
                List<Path> files;
                try (var l = Files.list(dir)) {
                    files = l.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                            .sorted(Comparator.comparingInt(f -> Integer.parseInt(f.getFileName().toString()
                                    .substring(1, f.getFileName().toString().indexOf("__"))))).toList();
                }
                for (Path f : files) {
                    String sql = Files.readString(f, StandardCharsets.UTF_8);
                    jdbi.useHandle(h -> h.createScript(sql).execute());
                    modules.add(dir.getFileName().toString());
                }
            }
        }
        assertTrue(modules.containsAll(Set.of("encounter", "files", "integration", "security", "work")),
                "found the bundles' migrations: " + modules);
        return jdbi;
    }

    /** What a coverage check reports: tables with patient data no contributor names, and names of no table. */
    static List<String> uncovered(Jdbi jdbi, Collection<PatientDataContributor> contributors) {
        Set<String> named = new HashSet<>();
        contributors.forEach(c -> named.addAll(c.tables()));
        Set<String> all = new HashSet<>(jdbi.withHandle(h -> h.createQuery("SELECT table_name FROM"
                + " information_schema.tables WHERE table_schema = 'public'").mapTo(String.class).list()));
        List<String> out = new ArrayList<>();
        // chat's, the directory's, reports' and HL7 v2's tables are covered by their own contributors, which this
        // bundle cannot build against (they depend on it): ChatContributorTest, DirectoryImplTest,
        // ReportContributorTest and InboundTest run this same check over their schemas
        PatientTables.of(jdbi).stream().filter(t -> !named.contains(t) && !t.startsWith("chat_")
                && !t.startsWith("directory_") && !t.equals("report") && !t.startsWith("report_")
                && !t.startsWith("hl7_"))
                .forEach(t -> out.add(t
                + " holds patient data but no PatientDataContributor covers it"));
        named.stream().filter(t -> !all.contains(t)).sorted().forEach(t -> out.add(t + " is no table"));
        return out;
    }

    record World(Jdbi jdbi, BookingTest.Hub hub, PatientExport export, List<PatientDataContributor> contributors,
            String patient, String doctor, Instant start, String sop, byte[] dicom) {
    }

    static World world() throws Exception {
        Jdbi jdbi = everySchema();
        BookingTest.Hub h = BookingTest.hub(jdbi, null);
        Database db = database(jdbi);
        AuditLog audit = new DbAuditLog(db, null);
        PatientExport export = new PatientExport(new EncounterDb(jdbi), audit);
        FileStore files = fileStore(jdbi, h.keys());
        List<PatientDataContributor> contributors = List.of(new EncounterContributor(new EncounterDb(jdbi)),
                new IntegrationContributor(jdbi, files), new AuditContributor(jdbi));
        contributors.forEach(export::addContributor);

        String doctor = h.people().createDoctor(h.admin(), new PeopleService.NewDoctor("dr.export", "Dr Export", null,
                null, "UTC", 30)).id();
        Map<String, List<ScheduleService.Hours>> weekly = new LinkedHashMap<>();
        for (String d : List.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")) {
            weekly.put(d, List.of(new ScheduleService.Hours("00:00", "24:00")));
        }
        h.schedule().setAvailability(h.admin(), doctor, new ScheduleService.Availability("UTC", 30, weekly,
                List.of()));
        String patient = h.people().createPatient(h.admin(), new PeopleService.NewPatient(null, NAME, BIRTH, EMAIL,
                PHONE, "Europe/Berlin")).id();
        BookingTest.patient(h, "Somebody Else");
        Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(3)).plus(Duration.ofHours(10));
        String enc = h.encounters().book(h.admin(), new EncounterService.BookingRequest("video", doctor, patient,
                start.toString(), 30, COMPLAINT, "Reach me at " + EMAIL, List.of(), false, null)).id();
        AuthenticatedUser dr = new AuthenticatedUser(2, "dr.export", "Dr Export", Set.of(Roles.DOCTOR));
        h.encounters().notes(dr, enc, new EncounterService.Notes(null, "Spoke with " + NAME + ", born " + BIRTH));
        h.care().addToCareTeam(h.admin(), patient, "nurse.n");
        h.care().breakGlass(new AuthenticatedUser(9, "dr.other", "Dr Other", Set.of(Roles.DOCTOR)), patient,
                "Night call: " + NAME + " phoned from " + PHONE);
        jdbi.useHandle(x -> {
            x.execute("INSERT INTO integration_patient_identifier VALUES (?, 'ehr-1', ?, now(), 'admin')", patient,
                    MRN);
            x.execute("INSERT INTO integration_patient_identifier VALUES (?, 'pacs-1', ?, now(), 'admin')", patient,
                    "PID-" + MRN);
            x.execute("INSERT INTO integration_delivery (id, result_id, request_key, local_patient_id, adapter_id,"
                    + " system_patient_id, payload, created_by, created_at, updated_at, delivered_at) VALUES"
                    + " ('d-1', 'r-1', 'k-1', ?, 'ehr-1', ?, ?, 'dr.export', now(), now(), now())", patient, MRN,
                    "{\"report\":\"" + NAME + " (" + MRN + ") is well\"}");
        });
        byte[] dicom = ("DICM fake instance for " + NAME + " " + MRN).getBytes(StandardCharsets.UTF_8);
        StoredFile stored = files.put(new ByteArrayInputStream(dicom), "application/dicom", "dicom");
        String sop = "1.2.826.0.1.3680043.2.1125.777.1";
        jdbi.useHandle(x -> x.execute("INSERT INTO integration_imaging_instance VALUES ('i-1', 'pacs-1', ?,"
                + " '1.2.3.4', '1.2.3.4.5', ?, '1.2.840.10008.5.1.4.1.1.7', 'OT', ?, ?, now(), 'dr.export')",
                "PID-" + MRN, sop, stored.id(), stored.size()));
        return new World(jdbi, h, export, contributors, patient, doctor, start, sop, dicom);
    }

    @Test
    void everyTableWithPatientDataIsCoveredByAContributor() throws Exception {
        World w = world();
        Set<String> tables = PatientTables.of(w.jdbi());
        assertTrue(tables.containsAll(Set.of("encounter_patient", "encounter", "encounter_participant",
                "integration_delivery", "audit_event")), "the schema query finds the patient tables: " + tables);
        assertEquals(List.of(), uncovered(w.jdbi(), w.contributors()));

        // a contributor that forgets one of its tables fails the check, naming the table
        PatientDataContributor forgetful = new EncounterContributor(new EncounterDb(w.jdbi())) {
            @Override
            public Set<String> tables() {
                Set<String> t = new HashSet<>(super.tables());
                t.remove("encounter_care_team");
                return t;
            }
        };
        assertEquals(List.of("encounter_care_team holds patient data but no PatientDataContributor covers it"),
                uncovered(w.jdbi(), List.of(forgetful, w.contributors().get(1), w.contributors().get(2))));
        // and a table added with a patient column by any bundle fails it until a contributor names it
        w.jdbi().useHandle(h -> h.execute("CREATE TABLE transcript_document (id TEXT, patient_id TEXT, body TEXT)"));
        assertEquals(List.of("transcript_document holds patient data but no PatientDataContributor covers it"),
                uncovered(w.jdbi(), w.contributors()));
    }

    @Test
    void fullExportHasEverythingAndTheAnonymisedNoneOfTheSeededPhi() throws Exception {
        World w = world();
        AuthenticatedUser admin = w.hub().admin();
        AuthenticatedUser exporter = new AuthenticatedUser(6, "exporter", "Exporter", Set.of(Roles.EXPORT));

        Map<String, byte[]> full = zip(w.export().open(admin, w.patient(), false, false));
        String fullText = new String(full.get("bundle.json"), StandardCharsets.UTF_8);
        for (String phi : List.of(NAME, BIRTH, EMAIL, PHONE, MRN, COMPLAINT, "Night call", w.patient())) {
            assertTrue(fullText.contains(phi), "the full export has " + phi);
        }
        assertArrayEquals(w.dicom(), full.get("files/dicom/" + w.sop() + ".dcm"), "the image decrypted");
        Bundle parsed = strict(fullText);
        Set<String> types = new TreeSet<>();
        parsed.getEntry().forEach(e -> types.add(e.getResource().fhirType()));
        assertEquals(Set.of("AuditEvent", "CareTeam", "Communication", "Encounter", "ImagingStudy", "Patient",
                "Provenance"), types);
        JsonNode fullBundle = JSON.readTree(fullText);
        JsonNode patient = resources(fullBundle, "Patient").get(0);
        assertEquals(1, resources(fullBundle, "Patient").size(), "the integration's identifiers merged in");
        assertEquals(Set.of(w.patient(), MRN, "PID-" + MRN), values(patient.path("identifier")));
        assertTrue(resources(fullBundle, "AuditEvent").stream().anyMatch(r -> r.path("subtype").path(0).path("code")
                .asText().equals("patient.export") && r.path("action").asText().equals("R")),
                "the export is in its own accounting of disclosures, as a read");

        List<String> forbidden = List.of(NAME, "Mina", "Karimzadeh", BIRTH, "17.03.1984", EMAIL, PHONE, "5550123",
                "555 01 23", MRN, "77341", w.patient(), w.doctor(), "dr.export", "nurse.n", "dr.other");
        for (boolean freeText : List.of(false, true)) {
            Map<String, byte[]> anon = zip(w.export().open(exporter, w.patient(), true, freeText));
            assertEquals(Set.of("bundle.json"), anon.keySet(), "no files: DICOM headers are not de-identified");
            String all = new String(anon.get("bundle.json"), StandardCharsets.UTF_8);
            for (String phi : forbidden) {
                assertFalse(all.toLowerCase().contains(phi.toLowerCase()), "freeText=" + freeText + ": " + phi
                        + " in the research export:\n" + all);
            }
            strict(all);
            JsonNode b = JSON.readTree(all);
            JsonNode p = resources(b, "Patient").get(0);
            String pseudonym = p.path("id").asText();
            // pseudonyms stable within the export: every reference to the patient is the Patient's id
            Set<String> refs = new TreeSet<>();
            for (String type : List.of("Encounter", "Communication", "CareTeam", "ImagingStudy")) {
                resources(b, type).forEach(r -> refs.add(r.path("subject").path("reference").asText()));
            }
            assertEquals(Set.of("Patient/" + pseudonym), refs);
            Set<String> audited = new TreeSet<>();
            resources(b, "AuditEvent").forEach(r -> r.path("entity").forEach(e -> {
                if (e.path("what").has("identifier")) {
                    audited.add(e.path("what").path("identifier").path("value").asText());
                }
            }));
            assertEquals(Set.of(pseudonym), audited, "audit rows name the same pseudonym");
            // one offset for every date: the birth date and the visit's start moved by the same whole days
            long birthShift = ChronoUnit.DAYS.between(LocalDate.parse(BIRTH), LocalDate.parse(p.path("birthDate")
                    .asText()));
            JsonNode encounter = resources(b, "Encounter").get(0);
            Instant shiftedStart = Instant.parse(encounter.path("period").path("start").asText());
            assertEquals(Duration.ofDays(birthShift), Duration.between(w.start(), shiftedStart));
            assertTrue(Math.abs(birthShift) >= 30 && Math.abs(birthShift) <= 730, "shifted " + birthShift);
            assertTrue(p.path("name").isMissingNode() && p.path("telecom").isMissingNode());
            String complaint = encounter.path("reasonCode").path(0).path("text").asText(null);
            if (freeText) {
                assertEquals("[redacted] asks to be called back on 030/[redacted] about the rash", complaint);
            } else {
                assertEquals(null, complaint, "free text left out unless chosen");
                assertFalse(all.contains("the rash"));
            }
        }
        // two research exports are not linkable by their pseudonyms
        String a = resources(JSON.readTree(zip(w.export().open(exporter, w.patient(), true, false))
                .get("bundle.json")), "Patient").get(0).path("id").asText();
        String b = resources(JSON.readTree(zip(w.export().open(exporter, w.patient(), true, false))
                .get("bundle.json")), "Patient").get(0).path("id").asText();
        assertNotEquals(a, b);
    }

    @Test
    void onlyAdministratorAndExportRoleExportAndEveryExportIsAudited() throws Exception {
        World w = world();
        for (String role : List.of(Roles.DOCTOR, Roles.NURSE, Roles.FRONT_DESK, Roles.PATIENT,
                Roles.clinicAdmin("North"))) {
            AuthenticatedUser u = new AuthenticatedUser(20, "u." + role, "U", Set.of(role));
            assertThrows(ForbiddenException.class, () -> w.export().open(u, w.patient(), false, false), role);
            assertThrows(ForbiddenException.class, () -> w.export().open(u, w.patient(), true, false), role);
        }
        assertEquals(List.of(), exportRows(w), "a refused export is no export");
        AuthenticatedUser exporter = new AuthenticatedUser(6, "exporter", "Exporter", Set.of(Roles.EXPORT));
        assertThrows(NotFoundException.class, () -> w.export().open(exporter, "no-such-patient", false, false));
        InvalidException bad = assertThrows(InvalidException.class,
                () -> w.export().open(exporter, w.patient(), false, true));
        assertEquals("freeText", bad.field());
        assertEquals(List.of(), exportRows(w));

        zip(w.export().open(w.hub().admin(), w.patient(), false, false));
        zip(w.export().open(exporter, w.patient(), true, true));
        assertEquals(List.of("admin patient.export " + w.patient(),
                "exporter patient.export.anonymised " + w.patient()), exportRows(w));
    }

    private static List<String> exportRows(World w) {
        return w.jdbi().withHandle(h -> h.createQuery("SELECT actor || ' ' || action || ' ' || patient_id FROM"
                + " audit_event WHERE action LIKE 'patient.export%' ORDER BY id").mapTo(String.class).list());
    }

    private static Map<String, byte[]> zip(PatientExport.Export export) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        export.writeTo(out);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null;) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static Bundle strict(String json) {
        return FhirContext.forR4().newJsonParser().setParserErrorHandler(new StrictErrorHandler())
                .parseResource(Bundle.class, json);
    }

    private static List<JsonNode> resources(JsonNode bundle, String type) {
        List<JsonNode> out = new ArrayList<>();
        bundle.path("entry").forEach(e -> {
            if (e.path("resource").path("resourceType").asText().equals(type)) {
                out.add(e.path("resource"));
            }
        });
        return out;
    }

    private static Set<String> values(JsonNode identifiers) {
        Set<String> out = new LinkedHashSet<>();
        identifiers.forEach(i -> out.add(i.path("value").asText()));
        return out;
    }

    private static Database database(Jdbi jdbi) {
        return new Database() {
            @Override
            public Jdbi jdbi() {
                return jdbi;
            }

            @Override
            public Dialect dialect() {
                return Dialect.POSTGRESQL;
            }

            @Override
            public List<AppliedMigration> migrate(String module, org.osgi.framework.Bundle bundle, String path) {
                return List.of(); // the test applied every bundle's migrations itself
            }
        };
    }

    /** The file store bundle's real encrypted store, on the hub's key (through its package-private constructor). */
    private static FileStore fileStore(Jdbi jdbi, Path dir) throws Exception {
        Constructor<?> c = Class.forName("org.telehub.files.internal.FileStoreService").getDeclaredConstructor(
                Jdbi.class, Path.class, Path.class);
        c.setAccessible(true);
        return (FileStore) c.newInstance(jdbi, dir.resolve("files"), dir.resolve("files.key"));
    }
}
