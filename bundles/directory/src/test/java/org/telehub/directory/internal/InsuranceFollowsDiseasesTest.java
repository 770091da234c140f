package org.telehub.directory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telehub.core.encounter.ScheduleService;
import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.event.EncounterEventType;
import org.telehub.directory.Directory;
import org.telehub.directory.Directory.Search;
import org.telehub.directory.Diseases;
import org.telehub.directory.Insurance;
import org.telehub.domain.ConflictException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnprocessableException;
import org.telehub.domain.notify.Notification;
import org.telehub.domain.notify.NotificationChannel;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.work.Verdict;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;
import org.telehub.work.WorkState;

/**
 * Insurance, follows with next free slots and their notices, and ICD-10 imports and search, on a real PostgreSQL
 * (the directory's tables and core-encounter's V1); the schedule, the work service and the channels are fakes that
 * record what they are asked.
 */
class InsuranceFollowsDiseasesTest {
    static final AuthenticatedUser ADMIN = DirectoryImplTest.ADMIN;
    static final AuthenticatedUser HOUSE = DirectoryImplTest.HOUSE;
    static final AuthenticatedUser AMY = DirectoryImplTest.AMY;
    static final AuthenticatedUser RORY = DirectoryImplTest.RORY;
    static final AuthenticatedUser NORTH_ADMIN = DirectoryImplTest.NORTH_ADMIN;

    final DirectoryImplTest base = new DirectoryImplTest();
    final List<WorkRequest> submitted = new ArrayList<>();
    /** The fake schedule's free slots per doctor. */
    final Map<String, List<Instant>> free = new java.util.HashMap<>();
    InsuranceImpl insurance;
    DirectoryImpl dir;

    @BeforeEach
    void setUp() throws Exception {
        base.setUp();
        dir = base.dir;
        AuditLog audit = (AuditLog) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AuditLog.class}, (p, m, args) -> {
                    base.audits.add(((AuthenticatedUser) args[1]).username() + " " + args[2] + " " + args[3]);
                    return null;
                });
        insurance = new InsuranceImpl(base.jdbi, audit, Clock.systemUTC());
        dir.search(ADMIN, DirectoryImplTest.q(null)); // every doctor has a profile
    }

    WorkService work() {
        return (WorkService) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {WorkService.class},
                (p, m, args) -> {
                    if (!m.getName().equals("submit")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    WorkRequest r = (WorkRequest) args[1];
                    if (submitted.stream().noneMatch(s -> r.idempotencyKey() != null
                            && r.idempotencyKey().equals(s.idempotencyKey()))) {
                        submitted.add(r);
                    }
                    return "item-" + submitted.size();
                });
    }

    ScheduleService schedule() {
        return (ScheduleService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ScheduleService.class}, (p, m, args) -> {
                    String doctor = (String) args[1];
                    Instant from = java.time.OffsetDateTime.parse((String) args[2]).toInstant();
                    Instant to = java.time.OffsetDateTime.parse((String) args[3]).toInstant();
                    return new ScheduleService.FreeSlots(doctor, "UTC", 30, free.getOrDefault(doctor, List.of()).stream()
                            .filter(s -> !s.isBefore(from) && s.isBefore(to))
                            .map(s -> new ScheduleService.Slot(s, s.plus(Duration.ofMinutes(30)))).toList());
                });
    }

    static DirectoryConfig config() {
        return new DirectoryConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return DirectoryConfig.class;
            }

            @Override
            public String publicBaseUrl() {
                return "https://hub.example/";
            }

            @Override
            public String noticeLanguage() {
                return "en";
            }

            @Override
            public int followNoticeHours() {
                return 12;
            }

            @Override
            public int nextSlotRefreshMinutes() {
                return 15;
            }
        };
    }

    // ---- insurance

    @Test
    void bookingSaysCoveredFromThePatientsValidCoverageAndTheDoctorsOrClinicsPlans() {
        Insurance.Insurer acme = insurance.createInsurer(ADMIN, "Acme Health");
        assertThrows(ForbiddenException.class, () -> insurance.createInsurer(HOUSE, "Mine"));
        assertThrows(ConflictException.class, () -> insurance.createInsurer(ADMIN, "Acme Health"));
        Insurance.Plan gold = insurance.addPlan(ADMIN, acme.id(), "Gold");
        Insurance.Plan basic = insurance.addPlan(ADMIN, acme.id(), "Basic");
        assertThrows(ConflictException.class, () -> insurance.addPlan(ADMIN, acme.id(), "Gold"));
        assertThrows(NotFoundException.class, () -> insurance.addPlan(ADMIN, "nope", "Gold"));
        assertEquals(List.of("Basic", "Gold"), insurance.insurers(AMY).get(0).plans().stream()
                .map(Insurance.Plan::name).toList());

        // North Clinic accepts Gold for all its doctors; Dr House accepts Basic himself
        String north = dir.clinics(ADMIN).stream().filter(c -> c.name().equals("North Clinic")).findFirst()
                .orElseThrow().id();
        assertEquals(List.of("Gold"), insurance.setClinicPlans(NORTH_ADMIN, north, List.of(gold.id())).stream()
                .map(Insurance.PlanRef::name).toList());
        String south = dir.clinics(ADMIN).stream().filter(c -> c.name().equals("South Clinic")).findFirst()
                .orElseThrow().id();
        assertThrows(ForbiddenException.class, () -> insurance.setClinicPlans(NORTH_ADMIN, south, List.of()));
        insurance.setDoctorPlans(HOUSE, "d-house", List.of(basic.id(), basic.id()));
        // his own plans; the profile's accepted plans add his clinic's
        assertEquals(List.of("Basic"), insurance.doctorPlans(AMY, "d-house").stream().map(Insurance.PlanRef::name)
                .toList());
        assertEquals(List.of("Basic", "Gold"), profile(AMY, "d-house").acceptedPlans().stream()
                .map(Insurance.PlanRef::name).toList());
        assertThrows(ForbiddenException.class, () -> insurance.setDoctorPlans(HOUSE, "d-ali", List.of()));
        UnprocessableException unknown = assertThrows(UnprocessableException.class,
                () -> insurance.setDoctorPlans(HOUSE, "d-house", List.of("no-such-plan")));
        assertEquals("planIds", unknown.field());

        assertEquals(List.of("Gregory House", "James Wilson"), names(HOUSE, gold.id()));
        assertEquals(List.of("Gregory House"), names(HOUSE, basic.id()));

        // no coverage yet: "covered" is not said
        assertNull(profile(AMY, "d-house").covered());
        LocalDate today = LocalDate.now(java.time.ZoneOffset.UTC);
        Insurance.Coverage c = insurance.addCoverage(AMY, null, new Insurance.CoverageInput(gold.id(), "M-1",
                today.minusDays(10), today.plusDays(100)));
        assertTrue(c.valid());
        assertThrows(ConflictException.class, () -> insurance.addCoverage(AMY, null, new Insurance.CoverageInput(
                gold.id(), "M-1", today, null)));
        assertEquals("validTo", assertThrows(InvalidException.class, () -> insurance.addCoverage(AMY, null,
                new Insurance.CoverageInput(gold.id(), "M-2", today, today.minusDays(1)))).field());
        assertEquals("planId", assertThrows(UnprocessableException.class, () -> insurance.addCoverage(AMY, null,
                new Insurance.CoverageInput("nope", "M-2", today, null))).field());
        assertEquals(Boolean.TRUE, profile(AMY, "d-wilson").covered()); // through his clinic
        assertEquals(Boolean.TRUE, profile(AMY, "d-house").covered());
        assertEquals(Boolean.FALSE, profile(AMY, "d-ali").covered());
        assertNull(profile(HOUSE, "d-wilson").covered()); // a doctor has no coverage

        // another patient's coverage is theirs and the administrators' only
        assertThrows(ForbiddenException.class, () -> insurance.coverage(RORY, "p-amy"));
        assertThrows(NotFoundException.class, () -> insurance.removeCoverage(RORY, c.id()));
        assertEquals(1, insurance.coverage(ADMIN, "p-amy").size());
        assertTrue(base.audits.contains("admin directory.coverage.read p-amy"));
        assertTrue(base.audits.contains("amy directory.coverage.add p-amy"));

        // an expired coverage covers nothing
        insurance.removeCoverage(AMY, c.id());
        insurance.addCoverage(AMY, null, new Insurance.CoverageInput(gold.id(), "M-1", today.minusYears(2),
                today.minusYears(1)));
        assertFalse(insurance.coverage(AMY, null).get(0).valid());
        assertNull(profile(AMY, "d-wilson").covered());
        assertEquals(List.of("Acme Health"), profile(AMY, "d-wilson").acceptedPlans().stream()
                .map(Insurance.PlanRef::insurer).toList());
    }

    List<String> names(AuthenticatedUser caller, String planId) {
        return dir.search(caller, new Search(null, null, null, null, null, null, planId, null, 0, 20)).items().stream()
                .map(Directory.Profile::displayName).toList();
    }

    Directory.Profile profile(AuthenticatedUser caller, String id) {
        return dir.profile(caller, id);
    }

    // ---- follows and the next free slot

    @Test
    void eventsKeepTheNextFreeSlotAndAFreedSlotTellsFollowersOnce() throws Exception {
        Instant soon = Instant.now().plus(Duration.ofHours(3)).truncatedTo(ChronoUnit.MINUTES);
        free.put("d-house", new ArrayList<>(List.of(soon, soon.plus(Duration.ofMinutes(30)))));
        free.put("d-wilson", new ArrayList<>(List.of(soon.plus(Duration.ofDays(9)))));
        java.util.concurrent.ScheduledExecutorService pool = Executors.newSingleThreadScheduledExecutor();
        NextSlots slots = new NextSlots(base.jdbi, schedule(), work(), config(), pool);
        try {
            assertEquals(3, slots.sweep()); // every doctor is new (Dr Ali has no schedule: none)
            assertEquals(0, slots.sweep());
            assertEquals(soon, profile(AMY, "d-house").nextFreeSlot());
            assertEquals(List.of("Gregory House"), dir.search(AMY, new Search(null, null, null, null, null, null,
                    null, Instant.now().plus(Duration.ofDays(2)), 0, 20)).items().stream()
                    .map(Directory.Profile::displayName).toList());

            // with a plan filter too: the two filters combine
            Insurance.Insurer acme = insurance.createInsurer(ADMIN, "Acme");
            Insurance.Plan gold = insurance.addPlan(ADMIN, acme.id(), "Gold");
            insurance.setDoctorPlans(ADMIN, "d-house", List.of(gold.id()));
            insurance.setDoctorPlans(ADMIN, "d-wilson", List.of(gold.id()));
            assertEquals(List.of("Gregory House"), dir.search(AMY, new Search(null, null, null, null, null, null,
                    gold.id(), Instant.now().plus(Duration.ofDays(7)), 0, 20)).items().stream()
                    .map(Directory.Profile::displayName).toList());

            dir.follow(AMY, "d-house");
            dir.follow(AMY, "d-house"); // again: no change
            assertThrows(ForbiddenException.class, () -> dir.follow(HOUSE, "d-wilson"));
            assertThrows(NotFoundException.class, () -> dir.follow(AMY, "d-nobody"));
            assertTrue(profile(AMY, "d-house").following());
            assertEquals(List.of("Gregory House"), dir.follows(AMY).stream().map(Directory.Profile::displayName)
                    .toList());

            // Rory's visit at `soon` is cancelled: the slot is free again, and Amy is told
            base.jdbi.useHandle(h -> h.createUpdate("INSERT INTO encounter (id, type, status, doctor_id, patient_id,"
                    + " scheduled_start, scheduled_end, recording_enabled, paid, access_code, revision, created_by,"
                    + " created_at, updated_at) VALUES ('e-1', 'video', 'cancelled', 'd-house', 'p-rory', :s, :e,"
                    + " false, false, 'X', 2, 'rory', now(), now())").bind("s", soon)
                    .bind("e", soon.plus(Duration.ofMinutes(30))).execute());
            EncounterEvent cancelled = new EncounterEvent(41, "e-1", EncounterEventType.CANCELLED, Instant.now(),
                    "rory", Map.of("from", "scheduled", "to", "cancelled"));
            slots.onEvent(cancelled);
            slots.onEvent(cancelled); // at least once: a repeat tells no one twice
            assertEquals(1, submitted.size());
            assertEquals(FollowNotices.TOPIC, submitted.get(0).topic());
            // another cancellation within the notice interval does not tell her again
            slots.onEvent(new EncounterEvent(42, "e-1", EncounterEventType.CANCELLED, Instant.now(), "rory",
                    Map.of()));
            assertEquals(1, submitted.size());

            // a booking takes the first slot: the next free one moves on
            free.get("d-house").remove(soon);
            slots.onEvent(new EncounterEvent(43, "e-1", EncounterEventType.BOOKED, Instant.now(), "amy", Map.of()));
            assertEquals(soon.plus(Duration.ofMinutes(30)), profile(AMY, "d-house").nextFreeSlot());

            // a doctor created since the directory last looked: the event gives them a profile and its value
            base.doctor("d-new", null, "Nina New", null, "West Clinic");
            free.put("d-new", List.of(soon));
            base.jdbi.useHandle(h -> h.createUpdate("INSERT INTO encounter (id, type, status, doctor_id, patient_id,"
                    + " scheduled_start, scheduled_end, recording_enabled, paid, access_code, revision, created_by,"
                    + " created_at, updated_at) VALUES ('e-2', 'video', 'scheduled', 'd-new', 'p-rory', :s, :e,"
                    + " false, false, 'Y', 1, 'rory', now(), now())").bind("s", soon.plus(Duration.ofDays(1)))
                    .bind("e", soon.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(30))).execute());
            slots.onEvent(new EncounterEvent(44, "e-2", EncounterEventType.BOOKED, Instant.now(), "rory", Map.of()));
            assertEquals(soon, base.jdbi.withHandle(h -> h.createQuery("SELECT next_free_slot FROM directory_profile"
                    + " WHERE doctor_id = 'd-new'").mapTo(Instant.class).one()));

            // the notice: once per channel, also when the item is run again after a failure elsewhere
            List<Notification> sent = new ArrayList<>();
            boolean[] smsFails = {true};
            FollowNotices notices = new FollowNotices(base.jdbi, config());
            base.jdbi.useHandle(h -> h.execute("UPDATE encounter_patient SET email = 'amy@example.org', phone ="
                    + " '+15550100', time_zone = 'Europe/London' WHERE id = 'p-amy'"));
            notices.addChannel(channel("email", sent, new boolean[] {false}));
            notices.addChannel(channel("sms", sent, smsFails));
            WorkItem item = new WorkItem("item-1", FollowNotices.TOPIC, "p-amy", submitted.get(0).payload(),
                    WorkState.RUNNING, 1, null, null, null, Instant.now(), Instant.now(), null);
            assertEquals(Verdict.Outcome.RETRY, notices.handle(item).outcome());
            smsFails[0] = false;
            assertEquals(Verdict.Outcome.DONE, notices.handle(item).outcome());
            assertEquals(List.of("email", "sms"), sent.stream().map(Notification::kind).toList());
            assertTrue(sent.get(0).text().contains("Gregory House"), sent.get(0).text());
            assertTrue(sent.get(0).text().contains("https://hub.example/find?doctor=d-house"), sent.get(0).text());
            assertEquals(soon, sent.get(0).startsAt());

            // unfollowed meanwhile: nothing goes out
            dir.unfollow(AMY, "d-house");
            sent.clear();
            assertEquals(Verdict.Outcome.DONE, notices.handle(new WorkItem("item-2", FollowNotices.TOPIC, "p-amy",
                    submitted.get(0).payload(), WorkState.RUNNING, 1, null, null, null, Instant.now(), Instant.now(),
                    null)).outcome());
            assertEquals(List.of(), sent);
            assertFalse(profile(AMY, "d-house").following());
        } finally {
            slots.deactivate();
            pool.shutdownNow();
        }
    }

    /** A channel that records what it sends (kind replaced by its name), failing while {@code fails[0]}. */
    static NotificationChannel channel(String name, List<Notification> sent, boolean[] fails) {
        return new NotificationChannel() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean send(Notification n) throws Exception {
                if (fails[0]) {
                    throw new java.io.IOException(name + " is down");
                }
                sent.add(new Notification(name, n.encounterId(), n.recipientRole(), n.recipientId(),
                        n.recipientName(), n.email(), n.phone(), n.subject(), n.text(), n.startsAt()));
                return true;
            }
        };
    }

    // ---- diseases

    /** Lines of the CDC's order file: order number, code, billable flag, short and long description. */
    static String orderFile(String... rows) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < rows.length; i += 3) {
            out.append(String.format("%05d %-7s %s %-60s %s%n", i / 3 + 1, rows[i], rows[i + 1], rows[i + 2]
                    .length() > 60 ? rows[i + 2].substring(0, 60) : rows[i + 2], rows[i + 2]));
        }
        return out.toString();
    }

    @Test
    void anOrderFileImportsInSlicesResumesWhereItStoppedAndIsSearchedByCodeAndWords() throws Exception {
        DiseasesImpl diseases = new DiseasesImpl(base.jdbi, work(), Clock.systemUTC());
        DiseaseImports runner = new DiseaseImports(base.jdbi);
        String file = orderFile("E11", "0", "Type 2 diabetes mellitus",
                "E119", "1", "Type 2 diabetes mellitus without complications",
                "E1165", "1", "Type 2 diabetes mellitus with hyperglycemia",
                "I10", "1", "Essential (primary) hypertension",
                "J45", "0", "Asthma",
                "J45909", "1", "Unspecified asthma, uncomplicated") + "not a line of the file\n"
                + orderFile("Q", "1", "Not a code");
        assertThrows(ForbiddenException.class, () -> diseases.startImport(HOUSE, new Diseases.ImportRequest(
                "icd10cm-order", null, file)));
        assertEquals("format", assertThrows(InvalidException.class, () -> diseases.startImport(ADMIN,
                new Diseases.ImportRequest("xml", null, file))).field());
        assertEquals("content", assertThrows(UnprocessableException.class, () -> diseases.startImport(ADMIN,
                new Diseases.ImportRequest("csv", null, "a,b\n1,2\n"))).field());

        Diseases.ImportJob job = diseases.startImport(ADMIN, new Diseases.ImportRequest("icd10cm-order", null, file));
        assertEquals("running", job.state());
        assertEquals(8, job.total());
        assertEquals(List.of("import:" + job.id()), submitted.stream().map(WorkRequest::idempotencyKey).toList());

        // a node died after the first three rows' slice committed: the run resumes at row 4
        base.jdbi.useHandle(h -> h.execute("INSERT INTO directory_disease (code, name, billable, name_text,"
                + " search_text, updated_at) VALUES ('E11', 'Type 2 diabetes mellitus', false, 'type 2 diabetes"
                + " mellitus', 'type 2 diabetes mellitus', now()), ('E11.9', 'x', true, 'x', 'x', now()),"
                + " ('E11.65', 'x', true, 'x', 'x', now())"));
        base.jdbi.useHandle(h -> h.execute("UPDATE directory_import SET done = 3, imported = 3"));
        WorkItem item = new WorkItem("w-1", DiseaseImports.TOPIC, "diseases", job.id(), WorkState.RUNNING, 2, null,
                null, null, Instant.now(), Instant.now(), null);
        assertEquals(Verdict.Outcome.DONE, runner.handle(item).outcome());
        Diseases.ImportJob finished = diseases.importJob(ADMIN, job.id());
        assertEquals("done", finished.state());
        assertEquals(8, finished.done());
        assertEquals(6, finished.imported());
        assertEquals(List.of(7, 8), finished.errors().stream().map(Diseases.ImportError::line).toList());
        assertEquals("x", diseases.search(AMY, "E11.9", null, 0, 20).get(0).name()); // rows before 4: not again
        assertEquals(Verdict.Outcome.DONE, runner.handle(item).outcome()); // a repeat finds it done
        assertNull(base.jdbi.withHandle(h -> h.createQuery("SELECT content FROM directory_import").mapTo(String.class)
                .one()));

        assertEquals(List.of("E11", "E11.65", "E11.9"), codes(diseases.search(AMY, "e11", null, 0, 20)));
        assertEquals(List.of("E11.9"), codes(diseases.search(AMY, "E119", null, 0, 20)));
        assertEquals(List.of("J45.909", "J45"), codes(diseases.search(AMY, "asthma", null, 0, 20)));
        assertEquals(List.of("I10"), codes(diseases.search(AMY, "essential hyper", null, 0, 20)));

        // a translation, searched in its own script; a row of a code not in the edition is its row's error
        Diseases.ImportJob fa = diseases.startImport(ADMIN, new Diseases.ImportRequest("csv", "fa",
                "code,name\nJ45.909,آسم نامشخص، بدون عارضه\nZ99.99,ناشناخته\nI10,فشار خون اوليه\n"));
        runner.handle(new WorkItem("w-2", DiseaseImports.TOPIC, "diseases", fa.id(), WorkState.RUNNING, 1, null,
                null, null, Instant.now(), Instant.now(), null));
        Diseases.ImportJob faDone = diseases.importJob(ADMIN, fa.id());
        assertEquals(2, faDone.imported());
        assertEquals(List.of(3), faDone.errors().stream().map(Diseases.ImportError::line).toList());
        assertEquals(List.of("J45.909"), codes(diseases.search(AMY, "آسم", "fa", 0, 20)));
        assertEquals("آسم نامشخص، بدون عارضه", diseases.search(AMY, "آسم", "fa", 0, 20).get(0).translation());
        assertEquals(List.of("I10"), codes(diseases.search(AMY, "اولیه", "fa", 0, 20))); // Arabic yeh stored
        // the edition imported again (a new year's file): a renamed code keeps its translation's words
        Diseases.ImportJob again = diseases.startImport(ADMIN, new Diseases.ImportRequest("csv", null,
                "code,name\nJ45.909,\"Asthma, unspecified, uncomplicated\"\n"));
        runner.handle(new WorkItem("w-3", DiseaseImports.TOPIC, "diseases", again.id(), WorkState.RUNNING, 1, null,
                null, null, Instant.now(), Instant.now(), null));
        assertEquals(List.of("J45.909"), codes(diseases.search(AMY, "آسم", "fa", 0, 20)));
        assertEquals("Asthma, unspecified, uncomplicated", diseases.search(AMY, "J45.909", null, 0, 20).get(0).name());
        assertEquals(3, diseases.importJobs(ADMIN).size());
        assertThrows(ForbiddenException.class, () -> diseases.importJobs(AMY));
    }

    static List<String> codes(List<Diseases.Disease> ds) {
        return ds.stream().map(Diseases.Disease::code).toList();
    }
}
