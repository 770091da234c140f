package org.telehub.directory.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.EncounterDetails;
import org.telehub.core.encounter.PeopleService;
import org.telehub.directory.Directory;
import org.telehub.directory.Directory.ProfileInput;
import org.telehub.directory.Directory.Search;
import org.telehub.directory.Directory.VisitType;
import org.telehub.domain.ConflictException;
import org.telehub.domain.DomainException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotAuthenticatedException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnprocessableException;
import org.telehub.domain.patientdata.TestExports;
import org.telehub.persistence.PatientTables;
import org.telehub.persistence.TestDatabases;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;

/** The directory on a real PostgreSQL, with core-encounter's doctor table; visits and patients are fakes. */
class DirectoryImplTest {
    static final AuthenticatedUser ADMIN = user("admin", "admin");
    static final AuthenticatedUser HOUSE = user("dr.house", "doctor");
    static final AuthenticatedUser ALI = user("dr.ali", "doctor");
    static final AuthenticatedUser AMY = user("amy", "patient");
    static final AuthenticatedUser RORY = user("rory", "patient");
    static final AuthenticatedUser NORTH_ADMIN = user("north.admin", "clinic-admin:North Clinic");
    static final AuthenticatedUser GUEST = user("visit:x", "guest:enc-1");

    final Map<String, EncounterDetails> visits = new HashMap<>();
    final List<String> audits = new ArrayList<>();
    Jdbi jdbi;
    DirectoryImpl dir;

    static AuthenticatedUser user(String name, String role) {
        return new AuthenticatedUser(name.hashCode(), name, name, Set.of(role));
    }

    static EncounterDetails visit(String id, String doctor, String patient, String status) {
        return new EncounterDetails(id, "video", status, List.of(), doctor, null, patient, null, null, null, 30, "UTC",
                null, null, null, null, null, List.of(), false, null, null, null, false, null, null, Map.of(), null,
                1, null, null, null);
    }

    @BeforeEach
    void setUp() throws Exception {
        jdbi = Jdbi.create(TestDatabases.postgres());
        for (String m : new String[] {"/db/migration/encounter/V1__encounters.sql",
                "/db/migration/encounter/V9__clinic_hours.sql",
                "/db/migration/directory/V1__directory.sql",
                "/db/migration/directory/V2__insurance_follows_diseases.sql"}) {
            try (InputStream in = getClass().getResourceAsStream(m)) {
                String sql = new String(in.readAllBytes(), UTF_8);
                jdbi.useHandle(h -> h.createScript(sql).execute());
            }
        }
        doctor("d-house", "dr.house", "Gregory House", "Diagnostics", "North Clinic");
        doctor("d-ali", "dr.ali", "علی‌رضا کریمی", null, "South Clinic");
        doctor("d-wilson", null, "James Wilson", "Oncology", "North Clinic");
        jdbi.useHandle(h -> h.execute("INSERT INTO encounter_patient (id, username, display_name, created_at) VALUES"
                + " ('p-amy', 'amy', 'Amy Pond', now()), ('p-rory', 'rory', 'Rory Williams', now())"));
        EncounterService encounters = (EncounterService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {EncounterService.class}, (p, m, args) -> {
                    if (!m.getName().equals("get")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    EncounterDetails v = visits.get((String) args[1]);
                    AuthenticatedUser caller = (AuthenticatedUser) args[0];
                    if (v == null || !v.patientId().equals("p-" + caller.username())) {
                        throw new NotFoundException("No encounter " + args[1]);
                    }
                    return v;
                });
        PeopleService people = (PeopleService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PeopleService.class}, (p, m, args) -> {
                    String id = (String) args[1];
                    return jdbi.withHandle(h -> h.createQuery("SELECT id, username, display_name FROM"
                            + " encounter_patient WHERE id = :id").bind("id", id).map((rs, c) -> new PeopleService
                                    .Patient(rs.getString(1), rs.getString(2), rs.getString(3), null, null, null,
                                            null, null)).one());
                });
        AuditLog audit = (AuditLog) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AuditLog.class}, (p, m, args) -> {
                    audits.add(((AuthenticatedUser) args[1]).username() + " " + args[2] + " " + args[3]);
                    return null;
                });
        dir = new DirectoryImpl(jdbi, encounters, people, audit, Clock.systemUTC());
    }

    void doctor(String id, String username, String name, String speciality, String clinic) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO encounter_doctor (id, username, display_name, speciality,"
                + " clinic, time_zone, slot_minutes, created_at) VALUES (:id, :u, :n, :s, :c, 'UTC', 30, now())")
                .bind("id", id).bind("u", username).bind("n", name).bind("s", speciality).bind("c", clinic)
                .execute());
    }

    List<String> names(Search s) {
        return dir.search(HOUSE, s).items().stream().map(Directory.Profile::displayName).toList();
    }

    static Search q(String q) {
        return new Search(q, null, null, null, null, null, null, null, 0, 20);
    }

    @Test
    void everyDoctorIsFoundByNameInEitherSpellingAndByClinic() {
        assertEquals(List.of("Gregory House", "James Wilson", "علی‌رضا کریمی"), names(q(null)));
        assertEquals(List.of("علی‌رضا کریمی"), names(q("علي"))); // Arabic yeh finds Persian yeh
        assertEquals(List.of("علی‌رضا کریمی"), names(q("رضا كريمي"))); // a ZWNJ word's part; Arabic kaf
        assertEquals(List.of("علی‌رضا کریمی"), names(q("علیرضا")));
        assertEquals(List.of("Gregory House"), names(q("greg ho")));
        assertEquals(List.of("Gregory House", "James Wilson"), names(q("north")));
        assertEquals(List.of(), names(q("nobody")));
        Directory.SearchPage page = dir.search(HOUSE, new Search(null, null, null, null, null, null, null, null, 0, 2));
        assertTrue(page.more());
        assertFalse(dir.search(HOUSE, new Search(null, null, null, null, null, null, null, null, 2, 2)).more());
    }

    @Test
    void filtersCombineAndProfilesAreEditedByTheirOwners() {
        Directory.Profile p = dir.updateProfile(ALI, "d-ali", new ProfileInput(List.of("cardiology", "internal-medicine"),
                List.of("fa", "en"), "Heart doctor", "MD Tehran", "MC-1234",
                List.of(new VisitType("video", new BigDecimal("40.00"), "EUR"), new VisitType("chat", null, null)),
                null));
        assertEquals(List.of("cardiology", "internal-medicine"), p.specialities());
        assertEquals(List.of("fa", "en"), p.languages());
        assertTrue(p.editable());
        assertEquals(List.of("علی‌رضا کریمی"), names(new Search("قلب", "cardiology", null, "fa", null, "video", null, null, 0, 20)));
        assertEquals(List.of("علی‌رضا کریمی"), names(q("cardio"))); // a speciality's English name
        assertEquals(List.of(), names(new Search(null, "cardiology", null, "ru", null, null, null, null, 0, 20)));
        assertEquals(List.of(), names(new Search(null, null, null, null, null, "audio", null, null, 0, 20)));

        ProfileInput other = new ProfileInput(List.of(), List.of(), "x", null, null, List.of(), null);
        assertThrows(ForbiddenException.class, () -> dir.updateProfile(HOUSE, "d-ali", other));
        assertThrows(ForbiddenException.class, () -> dir.updateProfile(NORTH_ADMIN, "d-ali", other));
        dir.updateProfile(NORTH_ADMIN, "d-wilson", other); // a North Clinic doctor
        assertThrows(ForbiddenException.class, () -> dir.updateProfile(ALI, "d-ali",
                new ProfileInput(List.of(), List.of(), null, null, null, List.of(), List.of())));
        UnprocessableException unknown = assertThrows(UnprocessableException.class, () -> dir.updateProfile(ALI,
                "d-ali", new ProfileInput(List.of("astrology"), List.of(), null, null, null, List.of(), null)));
        assertEquals("specialities", unknown.field());
        InvalidException fee = assertThrows(InvalidException.class, () -> dir.updateProfile(ALI, "d-ali",
                new ProfileInput(List.of(), List.of(), null, null, null,
                        List.of(new VisitType("video", new BigDecimal("-1"), "EUR")), null)));
        assertEquals("visitTypes[0].fee", fee.field());
        assertThrows(ForbiddenException.class, () -> dir.search(GUEST, q(null)));
        assertThrows(NotAuthenticatedException.class, () -> dir.search(null, q(null)));
        assertThrows(NotFoundException.class, () -> dir.profile(HOUSE, "d-nobody"));
        assertEquals("d-ali", dir.ownProfile(ALI).doctorId());
        assertThrows(ForbiddenException.class, () -> dir.ownProfile(ADMIN));
        assertThrows(NotFoundException.class, () -> dir.ownProfile(user("dr.nobody", "doctor")));
    }

    @Test
    void aDoctorLeavesAClinicOnlyWithoutHoursThereAndTheSchedulingAsksWhoWorksWhere() {
        Map<String, String> ids = new HashMap<>();
        dir.clinics(ADMIN).forEach(c -> ids.put(c.name(), c.id()));
        String north = ids.get("North Clinic");
        String south = ids.get("South Clinic");
        dir.updateProfile(ADMIN, "d-house", new ProfileInput(List.of(), List.of(), null, null, null, List.of(),
                List.of(north, south)));
        DirectoryWorkplaces where = new DirectoryWorkplaces(jdbi);
        assertTrue(where.worksAt("d-house", south));
        assertFalse(where.worksAt("d-ali", north));
        assertEquals("North Clinic", where.clinicName(north).orElseThrow());
        assertTrue(where.clinicName("no-such-clinic").isEmpty());

        // core-encounter's hours at North (as its ScheduleService saves them, after asking the above)
        jdbi.useHandle(h -> h.execute("INSERT INTO encounter_doctor_hours (doctor_id, weekday, start_minute,"
                + " end_minute, clinic_id) VALUES ('d-house', 1, 540, 720, ?)", north));
        ProfileInput southOnly = new ProfileInput(List.of(), List.of(), null, null, null, List.of(), List.of(south));
        ConflictException busy = assertThrows(ConflictException.class, () -> dir.updateProfile(ADMIN, "d-house",
                southOnly));
        assertEquals("clinicIds", busy.field());
        assertTrue(busy.detail().contains("North Clinic"), busy.detail());
        assertTrue(where.worksAt("d-house", north), "nothing changed");
        jdbi.useHandle(h -> h.execute("DELETE FROM encounter_doctor_hours WHERE doctor_id = 'd-house'"));
        dir.updateProfile(ADMIN, "d-house", southOnly);
        assertFalse(where.worksAt("d-house", north));
    }

    @Test
    void thePublicSeesProfilesOnlyOfClinicsThatPublishThem() {
        dir.search(ADMIN, q(null)); // the sync
        assertThrows(NotFoundException.class, () -> dir.profile(null, "d-house"));
        Directory.Clinic north = dir.clinics(ADMIN).stream().filter(c -> c.name().equals("North Clinic")).findFirst()
                .orElseThrow();
        assertEquals(2, north.doctors());
        Directory.ClinicInput pub = new Directory.ClinicInput("North Clinic", "1 Main St", "Europe/Berlin", null,
                null, true, Map.of("monday", List.of(new Directory.Hours("08:00", "12:30"),
                        new Directory.Hours("14:00", "18:00")), "saturday", List.of(new Directory.Hours("09:00",
                                "24:00")), "sunday", List.of()));
        assertThrows(ForbiddenException.class, () -> dir.updateClinic(user("s", "clinic-admin:South Clinic"),
                north.id(), pub));
        assertThrows(ForbiddenException.class, () -> dir.updateClinic(NORTH_ADMIN, north.id(),
                new Directory.ClinicInput("Renamed", null, null, null, null, true, null)));
        Directory.Clinic opened = dir.updateClinic(NORTH_ADMIN, north.id(), pub);
        // in weekday order; a day without ranges is closed and not kept
        assertEquals(List.of("monday", "saturday"), List.copyOf(opened.openingHours().keySet()));
        assertEquals("12:30", opened.openingHours().get("monday").get(0).end());
        // an older client that sends no hours keeps them
        assertEquals(2, dir.updateClinic(NORTH_ADMIN, north.id(), new Directory.ClinicInput("North Clinic",
                "1 Main St", "Europe/Berlin", null, null, true, null)).openingHours().size());
        for (Object[] bad : new Object[][] {
            {Map.of("funday", List.of()), "openingHours.funday"},
            {Map.of("monday", List.of(new Directory.Hours("9:00", "12:00"))), "openingHours.monday[0].start"},
            {Map.of("monday", List.of(new Directory.Hours("12:00", "12:00"))), "openingHours.monday[0].end"},
            {Map.of("monday", List.of(new Directory.Hours("08:00", "12:00"), new Directory.Hours("11:00", "13:00"))),
                "openingHours.monday[1].start"}}) {
            @SuppressWarnings("unchecked")
            Map<String, List<Directory.Hours>> hours = (Map<String, List<Directory.Hours>>) bad[0];
            assertEquals(bad[1], assertThrows(InvalidException.class, () -> dir.updateClinic(ADMIN, north.id(),
                    new Directory.ClinicInput("North Clinic", null, null, null, null, true, hours))).field());
        }
        assertEquals("Gregory House", dir.profile(null, "d-house").displayName());
        assertFalse(dir.profile(null, "d-house").editable());
        assertThrows(NotFoundException.class, () -> dir.profile(null, "d-ali"));
        InvalidException tz = assertThrows(InvalidException.class, () -> dir.createClinic(ADMIN,
                new Directory.ClinicInput("East", null, "Mars/Olympus", null, null, false, null)));
        assertEquals("timeZone", tz.field());
        assertThrows(ConflictException.class, () -> dir.createClinic(ADMIN,
                new Directory.ClinicInput("North Clinic", null, null, null, null, false, null)));
    }

    @Test
    void aPatientReviewsOnceAfterACompletedVisitAndAdminsModerate() {
        visits.put("e-done", visit("e-done", "d-house", "p-amy", EncounterService.COMPLETED));
        visits.put("e-later", visit("e-later", "d-house", "p-amy", "scheduled"));
        visits.put("e-rory", visit("e-rory", "d-house", "p-rory", EncounterService.COMPLETED));
        Directory.ReviewInput good = new Directory.ReviewInput("e-done", 4, "Kind and clear");
        assertEquals("encounterId", assertThrows(UnprocessableException.class, () -> dir.review(AMY, "d-house",
                new Directory.ReviewInput("e-later", 5, null))).field());
        assertEquals("encounterId", assertThrows(UnprocessableException.class, () -> dir.review(AMY, "d-house",
                new Directory.ReviewInput("e-rory", 5, null))).field());
        assertEquals("encounterId", assertThrows(UnprocessableException.class, () -> dir.review(AMY, "d-wilson",
                good)).field());
        assertEquals("rating", assertThrows(InvalidException.class, () -> dir.review(AMY, "d-house",
                new Directory.ReviewInput("e-done", 6, null))).field());
        assertThrows(ForbiddenException.class, () -> dir.review(HOUSE, "d-house", good));
        Directory.Review r = dir.review(AMY, "d-house", good);
        assertEquals("Amy P.", r.authorName());
        assertEquals(List.of("amy directory.review p-amy"), audits);
        DomainException again = assertThrows(ConflictException.class, () -> dir.review(AMY, "d-house", good));
        assertEquals("encounterId", again.field());
        dir.review(RORY, "d-house", new Directory.ReviewInput("e-rory", 1, "Late"));
        assertEquals(2.5, dir.profile(AMY, "d-house").rating());
        assertEquals(List.of("Gregory House"), names(new Search(null, null, null, null, 2, null, null, null, 0, 20)));
        assertEquals(List.of(), names(new Search(null, null, null, null, 3, null, null, null, 0, 20)));

        String rory = dir.reviews(AMY, "d-house", 0, 20).stream().filter(x -> x.rating() == 1).findFirst()
                .orElseThrow().id();
        assertThrows(ForbiddenException.class, () -> dir.moderate(HOUSE, rory, new Directory.Moderation(true, "x")));
        assertEquals("reason", assertThrows(InvalidException.class, () -> dir.moderate(ADMIN, rory,
                new Directory.Moderation(true, " "))).field());
        dir.moderate(ADMIN, rory, new Directory.Moderation(true, "Names a member of staff"));
        assertEquals("admin directory.review.moderate p-rory", audits.get(audits.size() - 1));
        assertEquals(4.0, dir.profile(AMY, "d-house").rating());
        assertEquals(1, dir.reviews(AMY, "d-house", 0, 20).size());
        List<Directory.Review> all = dir.reviews(ADMIN, "d-house", 0, 20);
        assertEquals(2, all.size());
        assertTrue(all.stream().anyMatch(x -> "Names a member of staff".equals(x.hiddenReason())));
        dir.moderate(ADMIN, rory, new Directory.Moderation(false, null));
        assertEquals(2.5, dir.profile(AMY, "d-house").rating());
        assertThrows(NotFoundException.class, () -> dir.moderate(ADMIN, "nope", new Directory.Moderation(false,
                null)));
    }

    @Test
    void formularyImportReportsEveryBadRowAndImportsAllOrTheGoodOnes() {
        String csv = "name,strength,form,route,atc\n"
                + "Paracetamol,500 mg,tablet,oral,N02BE01\n"
                + ",10 mg,tablet,oral,\n"
                + "Amoxicillin,500 mg,capsule,oral,J01CA04\n"
                + "Ibuprofen,400 mg,tablet,oral,NOT-ATC\n"
                + "\"Insulin, human\",100 IU/ml,solution,subcutaneous,A10AB01\n";
        UnprocessableException none = assertThrows(UnprocessableException.class, () -> dir.importMedicines(ADMIN,
                csv, true));
        assertEquals("name", none.field());
        assertTrue(none.getMessage().contains("line 3"), none.getMessage());
        assertEquals(List.of(), dir.medicines(AMY, null, 0, 20));

        Directory.ImportResult some = dir.importMedicines(ADMIN, csv, false);
        assertEquals(3, some.imported());
        assertEquals(List.of(new Directory.RowError(3, "name", "Required"),
                new Directory.RowError(5, "atc", "Not an ATC code: 'NOT-ATC' (e.g. N02BE01)")), some.errors());
        Directory.ImportResult again = dir.importMedicines(ADMIN, "name,strength,form,route\nParacetamol,500 mg,"
                + "tablet,oral\n", true);
        assertEquals(0, again.imported());
        assertEquals(1, again.unchanged());
        assertEquals(List.of("Paracetamol"), dir.medicines(HOUSE, "para", 0, 20).stream()
                .map(Directory.Medicine::name).toList());
        assertEquals(List.of("Insulin, human"), dir.medicines(HOUSE, "ins hum", 0, 20).stream()
                .map(Directory.Medicine::name).toList());
        assertEquals(List.of("Amoxicillin"), dir.medicines(HOUSE, "J01", 0, 20).stream()
                .map(Directory.Medicine::name).toList());
        assertThrows(ForbiddenException.class, () -> dir.importMedicines(HOUSE, csv, false));
        assertEquals("colour", assertThrows(UnprocessableException.class, () -> dir.importMedicines(ADMIN,
                "name,colour\nX,red\n", false)).field());
    }

    @Test
    void aPatientsExportHoldsTheirReviewsAndEveryDirectoryTableWithPatientDataIsNamed() throws Exception {
        Set<String> patientTables = PatientTables.of(jdbi);
        DirectoryContributor contributor = new DirectoryContributor(jdbi);
        assertEquals(patientTables.stream().filter(t -> t.startsWith("directory_")).collect(
                java.util.stream.Collectors.toSet()), contributor.tables());

        visits.put("e-done", visit("e-done", "d-house", "p-amy", EncounterService.COMPLETED));
        visits.put("e-rory", visit("e-rory", "d-house", "p-rory", EncounterService.COMPLETED));
        Directory.Review r = dir.review(AMY, "d-house", new Directory.ReviewInput("e-done", 5, "Dr House was kind"));
        dir.review(RORY, "d-house", new Directory.ReviewInput("e-rory", 2, "Rory's words"));
        dir.moderate(ADMIN, r.id(), new Directory.Moderation(true, "Quotes a diagnosis"));
        TestExports.Export fullExport = TestExports.run(contributor, "p-amy", false);
        assertEquals(List.of(), fullExport.files(), "the directory exports no files");
        List<Map<String, Object>> full = fullExport.resources();
        assertEquals(1, full.size());
        Map<String, Object> c = full.get(0);
        assertEquals("Communication", c.get("resourceType"));
        assertEquals(Map.of("reference", "Patient/p-amy"), c.get("sender"));
        assertEquals(List.of(Map.of("reference", "Practitioner/d-house")), c.get("recipient"));
        assertEquals(List.of(Map.of("contentString", "rating 5 of 5"), Map.of("contentString", "Dr House was kind")),
                c.get("payload"));
        assertTrue(c.get("note").toString().contains("Quotes a diagnosis"), c.toString());
        TestExports.Export researchExport = TestExports.run(contributor, "p-amy", true);
        assertEquals(List.of(), researchExport.files(), "the directory exports no files");
        List<Map<String, Object>> research = researchExport.resources();
        assertEquals(1, research.size());
        assertFalse(research.toString().contains("kind") || research.toString().contains("p-amy")
                || research.toString().contains("Quotes"), research.toString());
    }
}
