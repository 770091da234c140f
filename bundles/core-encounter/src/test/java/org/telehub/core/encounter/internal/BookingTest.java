package org.telehub.core.encounter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.Action;
import org.telehub.core.encounter.JoinTokens;
import org.telehub.core.encounter.PeopleService;
import org.telehub.core.encounter.ScheduleService;
import org.telehub.core.encounter.internal.encounter.EncounterServiceImpl;
import org.telehub.core.encounter.internal.event.EventFanOut;
import org.telehub.core.encounter.internal.event.EventPublisher;
import org.telehub.core.encounter.internal.join.JoinLinks;
import org.telehub.core.encounter.internal.access.CareRelationships;
import org.telehub.core.encounter.internal.people.PeopleServiceImpl;
import org.telehub.core.encounter.internal.portal.Webhooks;
import org.telehub.core.encounter.internal.reminder.ReminderStore;
import org.telehub.core.encounter.internal.reminder.Reminders;
import org.telehub.core.encounter.internal.schedule.Booking;
import org.telehub.core.encounter.internal.schedule.ScheduleServiceImpl;
import org.telehub.domain.ConflictException;
import org.telehub.domain.DomainException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnprocessableException;
import org.telehub.files.SecretBox;
import org.telehub.files.internal.SecretBoxService;
import org.telehub.persistence.TestDatabases;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;

import com.sun.net.httpserver.HttpServer;

/**
 * Booking, lifecycle, reminders, webhooks and join tokens on a real PostgreSQL, without the broker: what the broker
 * would trigger is called directly.
 */
class BookingTest {
    record Hub(Jdbi jdbi, EncounterService encounters, PeopleService people, ScheduleService schedule,
            Reminders reminders, Webhooks webhooks, JoinLinks links, AuthenticatedUser admin, TestWork work,
            EventFanOut fanOut, SecretBox box, EncounterConfig config, CareRelationships care, Path keys) {
    }

    static EncounterConfig config(Map<String, Object> overrides) {
        return (EncounterConfig) Proxy.newProxyInstance(EncounterConfig.class.getClassLoader(),
                new Class<?>[] {EncounterConfig.class}, (p, m, a) -> overrides.containsKey(m.getName())
                        ? overrides.get(m.getName()) : m.getDefaultValue());
    }

    static Hub hub() throws IOException {
        return hub(null);
    }

    /** The module on a fresh database; {@code publisher} null: today's (reminders and webhooks). */
    static Hub hub(EventPublisher publisher) throws IOException {
        Jdbi jdbi = Jdbi.create(TestDatabases.postgres());
        // every migration of the module, in version order, as the migrator applies them
        java.nio.file.Path dir;
        try {
            dir = java.nio.file.Path.of(BookingTest.class.getResource("/db/migration/encounter").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        List<java.nio.file.Path> scripts;
        try (var files = java.nio.file.Files.list(dir)) {
            scripts = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted(java.util.Comparator.comparingInt(f -> Integer.parseInt(
                            f.getFileName().toString().substring(1, f.getFileName().toString().indexOf("__")))))
                    .toList();
        }
        for (java.nio.file.Path script : scripts) {
            String sql = java.nio.file.Files.readString(script, StandardCharsets.UTF_8);
            jdbi.useHandle(h -> h.createScript(sql).execute());
        }
        for (String script : List.of("files/V1__file_object.sql", "files/V2__key_check.sql", "files/V3__file_appending.sql",
                "security/V7__visit_identities.sql")) {
            try (InputStream in = BookingTest.class.getResourceAsStream("/db/migration/" + script)) {
                String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                jdbi.useHandle(h -> h.createScript(sql).execute());
            }
        }
        return hub(jdbi, publisher);
    }

    /** The module's services on {@code jdbi}, whose schema the caller has migrated. */
    static Hub hub(Jdbi jdbi, EventPublisher publisher) throws IOException {
        // the real secret box of the file store bundle, its key file outside the database as in the hub
        Path keys = Files.createTempDirectory("telehub-keys");
        SecretBox box = new SecretBoxService(jdbi, keys.resolve("files"), keys.resolve("files.key"));
        EncounterConfig cfg = config(Map.of("webhookTimeoutMillis", 2000L, "webhookMaxAttempts", 2));
        EncounterDb db = new EncounterDb(jdbi);
        JoinLinks links = new JoinLinks(db, box, 30, "https://hub.example");
        TestWork work = new TestWork(2);
        Reminders reminders = new Reminders(db, links, work, Reminders.offsets(new String[] {"PT24H", "PT15M"}));
        Webhooks webhooks = new Webhooks(db, box, work, cfg, null);
        EventFanOut fanOut = new EventFanOut(db, work);
        work.handle(EventFanOut.TOPIC_PREFIX + Reminders.SUBSCRIBER, fanOut.subscribe(reminders));
        work.handle(EventFanOut.TOPIC_PREFIX + Webhooks.SUBSCRIBER, fanOut.subscribe(webhooks));
        work.handle(Reminders.TOPIC, reminders);
        work.handle(Webhooks.TOPIC, webhooks::handle);
        Booking booking = new Booking(db, cfg);
        CareRelationships care = new CareRelationships(db, NO_AUDIT, SECOND_FACTORS, cfg);
        EncounterService enc = new EncounterServiceImpl(db, booking, links, reminders,
                publisher == null ? fanOut : publisher, NO_AUDIT, care,
                org.telehub.security.internal.DbVisitIdentities.over(jdbi, java.time.Clock.systemUTC()), cfg);
        PeopleService people = new PeopleServiceImpl(db, NO_AUDIT, care);
        return new Hub(jdbi, enc, people, new ScheduleServiceImpl(db, booking), reminders, webhooks, links,
                new AuthenticatedUser(1, "admin", "Admin", Set.of("admin")), work, fanOut, box, cfg, care, keys);
    }

    /** These tests are about booking; the audit trail has its own (security's AuditTrailTest). */
    /**
     * Second factors by username: the security bundle's real check (throttle, oathtool-tested codes) is tested
     * there; here only who has one and which code is current.
     */
    static final class TestSecondFactors implements org.telehub.security.SecondFactorCheck {
        private final java.util.Map<String, String> codes = new java.util.concurrent.ConcurrentHashMap<>();

        void enrol(String username, String currentCode) {
            codes.put(username, currentCode);
        }

        @Override
        public boolean enrolled(AuthenticatedUser user) {
            return codes.containsKey(user.username());
        }

        @Override
        public boolean confirm(AuthenticatedUser user, String code, String action) {
            return code != null && code.equals(codes.get(user.username()));
        }
    }

    static final TestSecondFactors SECOND_FACTORS = new TestSecondFactors();

    static final AuditLog NO_AUDIT = new AuditLog() {
        @Override
        public void record(Handle tx, AuthenticatedUser actor, String action, String patientId,
                Collection<String> systems, String outcome) {
        }

        @Override
        public void record(AuthenticatedUser actor, String action, String patientId, Collection<String> systems,
                String outcome) {
        }
    };

    /** The HTTP status ProblemMapper gives each kind of domain failure. */
    static int status(DomainException e) {
        return e instanceof InvalidException ? 400 : e instanceof ForbiddenException ? 403
                : e instanceof NotFoundException ? 404 : e instanceof ConflictException ? 409
                : e instanceof UnprocessableException ? 422
                : e instanceof org.telehub.domain.UnavailableException ? 503 : 500;
    }

    static String doctor(Hub h, String name) {
        return doctor(h, name, null);
    }

    /** A doctor working around the clock in UTC, linked to the account {@code username} (may be null). */
    static String doctor(Hub h, String name, String username) {
        String id = h.people().createDoctor(h.admin(), new PeopleService.NewDoctor(username, name, "GP", "Clinic", "UTC", 30)).id();
        Map<String, List<ScheduleService.Hours>> weekly = new java.util.LinkedHashMap<>();
        for (String d : List.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")) {
            weekly.put(d, List.of(new ScheduleService.Hours("00:00", "24:00")));
        }
        h.schedule().setAvailability(h.admin(), id, new ScheduleService.Availability("UTC", 30, weekly, List.of()));
        return id;
    }

    static String patient(Hub h, String name) {
        return h.people().createPatient(h.admin(), new PeopleService.NewPatient(null, name, "1980-01-01", null, null, null))
                .id();
    }

    static EncounterService.BookingRequest visit(String doctor, String patient, Instant start) {
        return new EncounterService.BookingRequest("video", doctor, patient, start.toString(), 30, null, null, null, false, null);
    }

    static Instant tomorrow(int hour) {
        return Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(2)).plus(Duration.ofHours(hour));
    }

    /** Runs the bookings at once; returns the HTTP-like statuses (201 or the problem's). */
    static List<Integer> race(Hub h, List<EncounterService.BookingRequest> bookings) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(bookings.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (EncounterService.BookingRequest b : bookings) {
            results.add(pool.submit(() -> {
                go.await();
                try {
                    h.encounters().book(h.admin(), b);
                    return 201;
                } catch (DomainException e) {
                    return status(e);
                }
            }));
        }
        go.countDown();
        List<Integer> out = new ArrayList<>();
        for (Future<Integer> f : results) {
            out.add(f.get());
        }
        pool.shutdown();
        return out;
    }

    @Test
    void ofSixteenSimultaneousBookingsOfOneSlotExactlyOneWins() throws Exception {
        Hub h = hub();
        String d = doctor(h, "Dr Race");
        List<EncounterService.BookingRequest> same = new ArrayList<>();
        List<EncounterService.BookingRequest> overlapping = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            same.add(visit(d, patient(h, "P" + i), tomorrow(9)));
            overlapping.add(visit(d, patient(h, "Q" + i), tomorrow(12).plus(Duration.ofMinutes(i))));
        }
        List<Integer> a = race(h, same);
        assertEquals(1, a.stream().filter(s -> s == 201).count(), a.toString());
        assertEquals(15, a.stream().filter(s -> s == 409).count(), a.toString());
        List<Integer> b = race(h, overlapping);
        assertEquals(1, b.stream().filter(s -> s == 201).count(), b.toString());
        assertEquals(15, b.stream().filter(s -> s == 409).count(), b.toString());
        // one patient, sixteen doctors, one time: one visit
        String p = patient(h, "Busy patient");
        List<EncounterService.BookingRequest> patientRace = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            patientRace.add(visit(doctor(h, "Dr " + i), p, tomorrow(15)));
        }
        List<Integer> c = race(h, patientRace);
        assertEquals(1, c.stream().filter(s -> s == 201).count(), c.toString());
        assertEquals(3, (long) h.jdbi().withHandle(x -> x.createQuery("SELECT COUNT(*) FROM encounter")
                .mapTo(Long.class).one()));
    }

    @Test
    void badBookingsSayWhy() throws Exception {
        Hub h = hub();
        String d = h.people().createDoctor(h.admin(), new PeopleService.NewDoctor(null, "Dr Hours", null, null, "Europe/Berlin", 30))
                .id();
        h.schedule().setAvailability(h.admin(), d, new ScheduleService.Availability(null, null,
                Map.of("monday", List.of(new ScheduleService.Hours("09:00", "12:00"))), List.of()));
        String p = patient(h, "Patient");
        Instant monday9 = java.time.LocalDate.now(java.time.ZoneId.of("Europe/Berlin"))
                .with(java.time.temporal.TemporalAdjusters.next(java.time.DayOfWeek.MONDAY)).atTime(9, 0)
                .atZone(java.time.ZoneId.of("Europe/Berlin")).toInstant();
        assertProblem(422, "scheduledStart", () -> h.encounters().book(h.admin(), visit(d, p, monday9.minus(
                Duration.ofHours(1)))));
        assertProblem(422, "scheduledStart", () -> h.encounters().book(h.admin(), visit(d, p,
                Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MINUTES))));
        assertProblem(422, "doctorId", () -> h.encounters().book(h.admin(), visit("nobody", p, monday9)));
        assertProblem(422, "patientId", () -> h.encounters().book(h.admin(), visit(d, "nobody", monday9)));
        assertProblem(422, "durationMinutes", () -> h.encounters().book(h.admin(), new EncounterService.BookingRequest(
                "video", d, p, monday9.toString(), 0, null, null, null, false, null)));
        assertProblem(422, "durationMinutes", () -> h.encounters().book(h.admin(), new EncounterService.BookingRequest(
                "video", d, p, monday9.toString(), 100_000, null, null, null, false, null)));
        assertProblem(400, "type", () -> h.encounters().book(h.admin(), new EncounterService.BookingRequest(
                "hologram", d, p, monday9.toString(), 30, null, null, null, false, null)));
        assertProblem(400, "scheduledStart", () -> h.encounters().book(h.admin(), new EncounterService.BookingRequest(
                "video", d, p, "next monday", 30, null, null, null, false, null)));
        assertProblem(400, "weekly.monday", () -> h.schedule().setAvailability(h.admin(), d, new ScheduleService.Availability(
                null, null, Map.of("monday", List.of(new ScheduleService.Hours("09:00", "12:00"), new ScheduleService.Hours("11:00",
                        "13:00"))), List.of())));
        EncounterService.EncounterDetails ok = h.encounters().book(h.admin(), visit(d, p, monday9));
        assertEquals(monday9, ok.scheduledStart());
        assertEquals("Europe/Berlin", ok.timeZone());
        assertEquals(9, ok.scheduledStart().atZone(java.time.ZoneId.of(ok.timeZone())).getHour());
        assertProblem(409, "scheduledStart", () -> h.encounters().book(h.admin(), visit(d, patient(h, "Other"),
                monday9.plus(Duration.ofMinutes(15)))));
        // the slot is gone from the free list, the others are there
        ScheduleService.FreeSlots slots = h.schedule().freeSlots(h.admin(), d, monday9.toString(), monday9.plus(Duration.ofHours(3)).toString());
        assertEquals(5, slots.slots().size());
        assertTrue(slots.slots().stream().noneMatch(s -> s.start().equals(monday9)));
    }

    @Test
    void transitionsAreGuardedAndRemindersAndHooksFollowThem() throws Exception {
        Hub h = hub();
        String d = doctor(h, "Dr Life");
        String p = patient(h, "Patient");
        HttpServer portal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ConcurrentLinkedQueue<String[]> received = new ConcurrentLinkedQueue<>();
        portal.createContext("/hook", x -> {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new String[] {x.getRequestHeaders().getFirst(Webhooks.SIGNATURE), body});
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        portal.start();
        try {
            Webhooks.Subscription sub = h.webhooks().create("http://127.0.0.1:" + portal.getAddress().getPort()
                    + "/hook", "s3cret-s3cret-s3cret", "portal", "admin");
            EncounterService.EncounterDetails e = h.encounters().book(h.admin(), visit(d, p, tomorrow(10)));
            assertEquals(List.of("confirm", "start", "cancel", "no-show"), e.allowedTransitions());
            h.work().drain();
            assertEquals(2, h.reminders().list(e.id()).size());
            assertTrue(h.reminders().list(e.id()).stream().allMatch(r -> r.state().equals("pending")));
            // a patient cannot end a visit before it started: 409 with what is allowed
            ConflictException illegal = assertThrows(ConflictException.class,
                    () -> h.encounters().transition(h.admin(), e.id(), Action.END, null));
                        assertEquals(List.of("confirm", "start", "cancel", "no-show"), illegal.details()
                    .get("allowedTransitions"));
            // too early to start (two days ahead)
            assertThrows(ConflictException.class, () -> h.encounters().transition(h.admin(), e.id(), Action.START,
                    null));
            h.encounters().transition(h.admin(), e.id(), Action.CONFIRM, null);
            // reschedule: old reminders replaced, new ones pending, status back to scheduled
            EncounterService.EncounterDetails moved = h.encounters().reschedule(h.admin(), e.id(),
                    new EncounterService.Reschedule(tomorrow(11).toString(), 45));
            assertEquals("scheduled", moved.status());
            assertEquals(45, moved.durationMinutes());
            h.work().drain();
            List<Reminders.View> rs = h.reminders().list(e.id());
            assertEquals(2, rs.stream().filter(r -> r.state().equals("cancelled")
                    && r.detail().equals("the visit was rescheduled")).count());
            assertEquals(2, rs.stream().filter(r -> r.state().equals("pending")).count());
            assertProblem(400, "reason", () -> h.encounters().transition(h.admin(), e.id(), Action.CANCEL, " "));
            EncounterService.EncounterDetails cancelled = h.encounters().transition(h.admin(), e.id(), Action.CANCEL, "ill");
            assertEquals(List.of(), cancelled.allowedTransitions());
            h.work().drain();
            assertTrue(h.reminders().list(e.id()).stream().noneMatch(r -> r.state().equals("pending")));
            ConflictException startCancelled = assertThrows(ConflictException.class,
                    () -> h.encounters().transition(h.admin(), e.id(), Action.START, null));
            assertEquals(List.of(), startCancelled.details().get("allowedTransitions"));
            // its time is free again
            assertNotNull(h.encounters().book(h.admin(), visit(d, patient(h, "Next"), tomorrow(11))));
            // a reminder of a cancelled visit is never sent
            String closed = rs.get(0).reminder().id();
            h.work().drain();
            assertEquals("cancelled", h.reminders().list(e.id()).stream().filter(r -> r.reminder().id().equals(closed))
                    .findFirst().orElseThrow().state());

            // webhooks: scheduled, confirmed, rescheduled, cancelled, + the next booking = 5, each signed
            List<Webhooks.Delivery> ds = h.webhooks().deliveries(sub.id(), null, 100);
            assertEquals(5, ds.size());
            assertEquals(5, received.size());
            for (String[] r : received) {
                String[] sig = r[0].split(",");
                long t = Long.parseLong(sig[0].substring(2));
                assertEquals("v1=" + Webhooks.sign("s3cret-s3cret-s3cret", t, r[1]), sig[1]);
            }
            assertTrue(received.stream().anyMatch(r -> r[1].contains("\"sessionStatus\":\"Cancelled\"")));
            assertTrue(h.webhooks().deliveries(sub.id(), "delivered", 100).size() == 5);

            // the work service prunes finished items after keepFinishedHours: the views keep their words
            ds.forEach(x -> h.work().prune(x.id()));
            h.reminders().list(e.id()).forEach(r -> h.work().prune(r.reminder().workId()));
            List<Webhooks.Delivery> kept = h.webhooks().deliveries(sub.id(), "delivered", 100);
            assertEquals(5, kept.size(), "delivered, from the row's own delivery time");
            assertTrue(kept.stream().allMatch(x -> x.deliveredAt() != null));
            assertEquals(4, h.reminders().list(e.id()).stream().filter(r -> r.state().equals("cancelled")).count());
        } finally {
            portal.stop(0);
        }
    }

    @Test
    void joinTokensAreBoundToEncounterRoleAndTime() throws Exception {
        Hub h = hub();
        String d = doctor(h, "Dr Join");
        String p = patient(h, "Patient");
        EncounterService.EncounterDetails e = h.encounters().book(h.admin(), visit(d, p, tomorrow(8)));
        String link = e.joinLinks().get("patient");
        String token = link.substring(link.indexOf("token=") + 6);
        JoinTokens.Grant g = h.links().verify(token);
        assertEquals("patient", g.role());
        assertEquals(e.id(), g.encounterId());
        assertEquals(e.scheduledEnd().plus(Duration.ofMinutes(30)), g.expiresAt());
        String doctorToken = e.joinLinks().get("doctor").substring(e.joinLinks().get("doctor").indexOf("token=") + 6);
        assertEquals("moderator", h.links().verify(doctorToken).role());
        // a role swapped in the payload breaks the signature
        String[] parts = token.split("\\.");
        String forged = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"patient\"", "\"moderator\"");
        String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(forged.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertTrue(assertThrows(JoinTokens.InvalidJoinToken.class, () -> h.links().verify(tampered)).getMessage()
                .contains("signature"));
        assertTrue(assertThrows(JoinTokens.InvalidJoinToken.class, () -> h.links().verify(token,
                g.expiresAt().plusSeconds(1))).getMessage().contains("expired"));
        h.encounters().transition(h.admin(), e.id(), Action.CANCEL, "no longer needed");
        assertTrue(assertThrows(JoinTokens.InvalidJoinToken.class, () -> h.links().verify(token)).getMessage()
                .contains("cancelled"));
    }

    /** The caller an account becomes, looked up as for a request (its doctor or patient record by username). */
    private static AuthenticatedUser as(Hub h, String username, String role) {
        return new AuthenticatedUser(username.hashCode(), username, username, Set.of(role));
    }

    private static long rows(Hub h) {
        return h.jdbi().withHandle(x -> x.createQuery("SELECT COUNT(*) FROM encounter").mapTo(Long.class).one());
    }

    @Test
    void aPatientIsNeverStaffAndAnInvitationGivesOnlyItsKindsRights() throws Exception {
        Hub h = hub();
        String d = doctor(h, "Dr Own", "dr.own");
        doctor(h, "Dr Colleague", "dr.colleague");
        String p = h.people().createPatient(h.admin(), new PeopleService.NewPatient("pat.self", "Pat Self", "1980-01-01",
                null, null, null)).id();
        h.people().createPatient(h.admin(), new PeopleService.NewPatient("pat.interpreter", "Ana", "1990-01-01", null,
                null, null));
        AuthenticatedUser patient = as(h, "pat.self", "patient");
        AuthenticatedUser doctor = as(h, "dr.own", "doctor");
        AuthenticatedUser colleague = as(h, "dr.colleague", "doctor");
        AuthenticatedUser interpreter = as(h, "pat.interpreter", "patient"); // a patient elsewhere

        // a patient can neither invite anyone (here: their own account as a guest) nor set a fee; nothing is written
        assertProblem(403, "participants", () -> h.encounters().book(patient, new EncounterService.BookingRequest("video", d,
                null, tomorrow(9).toString(), 30, null, null, List.of(new EncounterService.ParticipantRequest("guest", "me",
                        null, "pat.self")), false, null)));
        assertProblem(403, "fee", () -> h.encounters().book(patient, new EncounterService.BookingRequest("video", d, null,
                tomorrow(9).toString(), 30, null, null, null, false, new EncounterService.Fee(java.math.BigDecimal.ZERO,
                        "EUR"))));
        assertEquals(0, rows(h));

        // the doctor books, inviting a colleague, an interpreter whose account is a patient's, and the patient's own
        // account as a guest (issue 14: a clinician books only a patient in their care)
        h.care().addToCareTeam(h.admin(), p, "dr.own");
        EncounterService.EncounterDetails e = h.encounters().book(doctor, new EncounterService.BookingRequest("video", d, p,
                tomorrow(9).toString(), 30, "chest pain", "since Monday", List.of(
                        new EncounterService.ParticipantRequest("colleague", "Dr Colleague", null, "dr.colleague"),
                        new EncounterService.ParticipantRequest("interpreter", "Ana", null, "pat.interpreter"),
                        new EncounterService.ParticipantRequest("guest", "Pat on the phone", null, "pat.self")), false,
                new EncounterService.Fee(new java.math.BigDecimal("40.00"), "EUR")));
        String colleagueId = e.participants().get(0).id();
        String interpreterId = e.participants().get(1).id();
        String guestId = e.participants().get(2).id();
        assertEquals(Set.of("doctor", "patient", colleagueId, interpreterId, guestId), e.joinLinks().keySet());
        h.encounters().notes(doctor, e.id(), new EncounterService.Notes(null, "BP 150/95"));

        // each sees their own links only, and the role in each token is the invitation's, never the moderator
        Map<AuthenticatedUser, Set<String>> linksOf = Map.of(patient, Set.of("patient", guestId), colleague,
                Set.of(colleagueId), interpreter, Set.of(interpreterId));
        for (Map.Entry<AuthenticatedUser, Set<String>> x : linksOf.entrySet()) {
            EncounterService.EncounterDetails v = h.encounters().get(x.getKey(), e.id());
            assertEquals(x.getValue(), v.joinLinks().keySet(), x.getKey().username());
            for (String link : v.joinLinks().values()) {
                assertTrue(Set.of("patient", "participant").contains(h.links().verify(link.substring(
                        link.indexOf("token=") + 6)).role()), link);
            }
            // nobody but the doctor (and the admin) runs the visit or writes the doctor's notes
            AuthenticatedUser c = x.getKey();
            assertProblem(403, "doctorNotes", () -> h.encounters().notes(c, e.id(), new EncounterService.Notes(null, "fine")));
            assertEquals(403, status(assertThrows(DomainException.class, () -> h.encounters().transition(c, e.id(),
                    Action.START, null))));
            assertEquals(403, status(assertThrows(DomainException.class, () -> h.encounters().reminders(c, e.id()))));
            assertProblem(403, "paid", () -> h.encounters().setPaid(c, e.id(), true));
        }
        // the colleague reads the doctor's notes; the patient and the interpreter do not
        assertEquals("BP 150/95", h.encounters().get(colleague, e.id()).doctorNotes());
        assertEquals(null, h.encounters().get(patient, e.id()).doctorNotes());
        assertEquals(null, h.encounters().get(interpreter, e.id()).doctorNotes());
        assertEquals("BP 150/95", h.encounters().get(doctor, e.id()).doctorNotes());
        // the chief complaint and the patient's notes: the colleague and the patient read them, the interpreter not
        for (AuthenticatedUser reader : List.of(doctor, colleague, patient)) {
            assertEquals("chest pain", h.encounters().get(reader, e.id()).chiefComplaint(), reader.username());
            assertEquals("since Monday", h.encounters().get(reader, e.id()).patientNotes(), reader.username());
        }
        assertEquals(null, h.encounters().get(interpreter, e.id()).chiefComplaint());
        assertEquals(null, h.encounters().get(interpreter, e.id()).patientNotes());
        // one access code, the 9 digits guests join by: made with the visit, shown to who runs it and the patient
        assertTrue(e.accessCode().matches("[0-9]{9}"), e.accessCode());
        assertEquals(e.accessCode(), h.encounters().get(patient, e.id()).accessCode());
        assertEquals(null, h.encounters().get(colleague, e.id()).accessCode());
        assertEquals(null, h.encounters().get(interpreter, e.id()).accessCode());
        // participants neither write the patient's notes nor confirm, cancel or reschedule; the patient does
        assertProblem(403, "patientNotes", () -> h.encounters().notes(interpreter, e.id(), new EncounterService.Notes("x",
                null)));
        assertEquals(403, status(assertThrows(DomainException.class, () -> h.encounters().transition(colleague, e.id(),
                Action.CANCEL, "no"))));
        assertEquals(403, status(assertThrows(DomainException.class, () -> h.encounters().reschedule(interpreter, e.id(),
                new EncounterService.Reschedule(tomorrow(10).toString(), null)))));
        assertEquals("confirmed", h.encounters().transition(patient, e.id(), Action.CONFIRM, null).status());
        assertEquals(new java.math.BigDecimal("40.00"), h.encounters().get(patient, e.id()).fee().amount());
        assertTrue(h.encounters().setPaid(h.admin(), e.id(), true).paid());
    }

    private static void assertProblem(int status, String field, org.junit.jupiter.api.function.Executable x) {
        DomainException e = assertThrows(DomainException.class, x);
        assertEquals(status, status(e), e.detail());
        assertEquals(field, e.field(), e.detail());
    }
}
