package org.telehub.core.encounter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.Action;
import org.telehub.core.encounter.PeopleService;
import org.telehub.core.encounter.internal.BookingTest.Hub;
import org.telehub.core.encounter.internal.invite.Invitations;
import org.telehub.core.encounter.internal.invite.Invitations.InviteRequest;
import org.telehub.domain.ConflictException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotAuthenticatedException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnprocessableException;
import org.telehub.domain.notify.Notification;
import org.telehub.domain.notify.NotificationChannel;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.VisitIdentities;
import org.telehub.security.internal.DbVisitIdentities;

/**
 * Invitations and visit identities on a real PostgreSQL with the security bundle's real {@link DbVisitIdentities}:
 * invite (participant, access code, sends through the work service), texts per language and zone, the single-use
 * link (a race of redeems gives one identity, a replay is 401), revocation, joining by code and its throttle, expiry
 * with an injected clock, who may invite, and that refusals write nothing. The channels here are the SPI's shape
 * capturing what they are given; SMTP and Kannel are tested in notify-email, notify-sms and EncounterIT.
 */
class InvitationsTest {
    private static final Pattern LINK = Pattern.compile("https://hub\\.example/join/[0-9a-f-]+\\?invite=([A-Za-z0-9_-]{43})");
    private static final Pattern CODE = Pattern.compile("\\b([0-9]{9})\\b");

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        volatile Instant now = Instant.now();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Records what is audited: action and outcome. */
    static final class Audits implements AuditLog {
        final List<String> rows = new CopyOnWriteArrayList<>();

        @Override
        public void record(Handle tx, AuthenticatedUser actor, String action, String patientId,
                Collection<String> systems, String outcome) {
            rows.add(action + " " + outcome);
        }

        @Override
        public void record(AuthenticatedUser actor, String action, String patientId, Collection<String> systems,
                String outcome) {
            rows.add(action + " " + outcome);
        }
    }

    static final class Capture implements NotificationChannel {
        final String name;
        final List<Notification> sent = new CopyOnWriteArrayList<>();
        volatile int failures;

        Capture(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean send(Notification n) throws Exception {
            if (failures > 0) {
                failures--;
                throw new Exception(name + ": 451 try again later");
            }
            if ((name.equals("email") ? n.email() : n.phone()) == null) {
                return false;
            }
            sent.add(n);
            return true;
        }
    }

    record Fixture(Hub hub, Invitations inv, DbVisitIdentities ids, TestClock clock, Audits audits, Capture email,
            Capture sms, String encounterId, String patientId) {
    }

    static Fixture fixture() throws Exception {
        Hub h = BookingTest.hub(); // with security's visit_identity
        TestClock clock = new TestClock();
        DbVisitIdentities ids = DbVisitIdentities.over(h.jdbi(), clock);
        Audits audits = new Audits();
        Invitations inv = new Invitations(new EncounterDb(h.jdbi()), h.links(), h.work(), h.box(), audits, ids,
                h.fanOut(), h.config(), clock);
        Capture email = new Capture("email");
        Capture sms = new Capture("sms");
        inv.addChannel(email);
        inv.addChannel(sms);
        h.work().handle(Invitations.TOPIC, inv);
        String d = BookingTest.doctor(h, "Dr Invite");
        String p = h.people().createPatient(h.admin(), new PeopleService.NewPatient("maryam", "Maryam", "1980-01-01",
                "maryam@example.org", "+989121234567", "Asia/Tehran")).id();
        EncounterService.EncounterDetails e = h.encounters().book(h.admin(), BookingTest.visit(d, p,
                BookingTest.tomorrow(10)));
        h.work().drain();
        return new Fixture(h, inv, ids, clock, audits, email, sms, e.id(), p);
    }

    static InviteRequest guest(String name, String email, String phone, String language, String zone) {
        return new InviteRequest("guest", name, email, phone, null, language, zone, null);
    }

    static String secret(Notification n) {
        Matcher m = LINK.matcher(n.text());
        assertTrue(m.find(), n.text());
        return m.group(1);
    }

    static String code(Notification n) {
        Matcher m = CODE.matcher(n.text().replaceAll("https://\\S+", ""));
        assertTrue(m.find(), n.text());
        return m.group(1);
    }

    private static long count(Fixture f, String table) {
        return f.hub().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
    }

    @Test
    void anInvitationIsSentByEachChannelInTheRecipientsLanguageAndZone() throws Exception {
        Fixture f = fixture();
        // the visit is at 10:00 UTC: 13:30 in Tehran, 11:00 in Berlin (winter) or 12:00 (summer)
        Invitations.InvitationView fa = f.inv().invite(f.hub().admin(), f.encounterId(),
                guest("Reza", "reza@example.org", "+98 912 765 4321", "fa", "Asia/Tehran"));
        f.inv().invite(f.hub().admin(), f.encounterId(), guest("Olga", "olga@example.org", null, "ru", "Asia/Tehran"));
        f.inv().invite(f.hub().admin(), f.encounterId(), new InviteRequest("patient", null, null, null,
                List.of("email"), "en", null, null));
        assertNotNull(fa.participantId());
        assertEquals(List.of("email", "sms"), fa.sends().stream().map(Invitations.SendView::channel).toList());
        assertEquals(List.of("pending", "pending"), fa.sends().stream().map(Invitations.SendView::state).toList());
        f.hub().work().drain();

        assertEquals(3, f.email().sent.size());
        assertEquals(1, f.sms().sent.size());
        Notification faMail = f.email().sent.stream().filter(n -> n.recipientName().equals("Reza")).findFirst()
                .orElseThrow();
        assertTrue(faMail.subject().startsWith("دعوت: ویزیت تصویری با Dr Invite، "), faMail.subject());
        assertTrue(faMail.text().contains("ساعت 13:30 (Asia/Tehran)"), faMail.text());
        assertEquals("+989127654321", f.sms().sent.get(0).phone());
        assertNull(f.sms().sent.get(0).email(), "a channel gets only its own address");
        assertEquals(secret(faMail), secret(f.sms().sent.get(0)), "one link per invitation, on every channel");
        Notification ru = f.email().sent.stream().filter(n -> n.recipientName().equals("Olga")).findFirst()
                .orElseThrow();
        assertTrue(ru.text().startsWith("Вас пригласили на приём (видео) у Dr Invite, "), ru.text());
        assertTrue(ru.text().contains("13:30 (Asia/Tehran)"), ru.text());
        Notification en = f.email().sent.stream().filter(n -> n.recipientRole().equals("patient")).findFirst()
                .orElseThrow();
        assertEquals("maryam@example.org", en.email(), "the patient's address on file");
        assertTrue(en.subject().matches("Invitation: video visit with Dr Invite at \\w{3} \\d{1,2} \\w{3} \\d{4}"
                + " 13:30 \\(Asia/Tehran\\)"), en.subject());
        assertTrue(!en.text().contains("Maryam"), "no patient's name in the message");

        Invitations.Listing l = f.inv().list(f.hub().admin(), f.encounterId());
        assertTrue(l.accessCode().matches("[0-9]{9}"), l.accessCode());
        assertEquals(l.accessCode(), code(faMail), "the visit's code is in the message");
        assertEquals(l.accessCode(), code(en));
        assertEquals(3, l.invitations().size());
        assertTrue(l.invitations().stream().flatMap(i -> i.sends().stream()).allMatch(s -> s.state().equals("sent")
                && s.sentAt() != null));
        // the code is kept only sealed and as a keyed hash; the link's secret neither once everything is sent
        String stored = f.hub().jdbi().withHandle(h -> h.createQuery("SELECT code_hash || code_sealed FROM"
                + " encounter_access_code").mapTo(String.class).one());
        assertTrue(!stored.contains(l.accessCode()));
        assertEquals(0L, (long) f.hub().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM"
                + " encounter_invitation WHERE secret_sealed IS NOT NULL").mapTo(Long.class).one()));
        assertTrue(f.audits().rows.stream().filter(r -> r.startsWith("encounter.invitation.create ok: guest"))
                .count() == 2, f.audits().rows.toString());
    }

    /**
     * The SMS invitation through the real SMS channel and Kannel provider to a real Kannel (bearerbox, smsbox, the
     * fake SMSC of Debian's kannel-extras on 127.0.0.1): what the SMSC got is the short Persian text, UCS-2 in
     * concatenated parts, with the single-use link (which then redeems) and the access code. In-container this would add a Kannel to EncounterIT
     * for what this shows.
     */
    @Test
    void anSmsInvitationReachesKannelsFakeSmsc() throws Exception {
        Fixture f = fixture();
        try (org.telehub.notify.sms.internal.kannel.Kannel kannel = org.telehub.notify.sms.internal.kannel.Kannel
                .start(java.nio.file.Path.of("target", "kannel-invitations-" + ProcessHandle.current().pid())
                        .toAbsolutePath(), "telehub", "kannel-Pw-31x")) {
            Invitations inv = new Invitations(new EncounterDb(f.hub().jdbi()), f.hub().links(), f.hub().work(),
                    f.hub().box(), f.audits(), f.ids(), f.hub().fanOut(), f.hub().config(), f.clock());
            inv.addChannel(kannel.channel("telehub", "kannel-Pw-31x", "Clinic"));
            f.hub().work().handle(Invitations.TOPIC, inv);
            Invitations.InvitationView v = inv.invite(f.hub().admin(), f.encounterId(), new InviteRequest(
                    "interpreter", "Reza", null, "+98 912 765 4321", List.of("sms"), "fa", "Asia/Tehran", null));
            f.hub().work().drain();
            assertEquals("sent", inv.list(f.hub().admin(), f.encounterId()).invitations().get(0).sends().get(0)
                    .state());
            org.telehub.notify.sms.internal.kannel.Kannel.Sms got = null;
            for (long end = System.currentTimeMillis() + 10_000; got == null && System.currentTimeMillis() < end;) {
                got = kannel.received().stream().filter(m -> m.to().equals("+989127654321")).findFirst()
                        .orElse(null);
                Thread.sleep(50);
            }
            assertNotNull(got, "nothing reached the fake SMSC");
            assertEquals("Clinic", got.from());
            assertEquals("ucs-2", got.coding());
            assertTrue(got.text().startsWith("ویزیت تصویری با Dr Invite، "), got.text());
            assertTrue(got.parts() <= 4, "the short SMS text: " + got.parts() + " parts");
            assertTrue(got.text().contains("ساعت 13:30 (Asia/Tehran)"), got.text());
            String code = inv.list(f.hub().admin(), f.encounterId()).accessCode();
            assertTrue(got.text().contains(code), got.text());
            Matcher m = LINK.matcher(got.text());
            assertTrue(m.find(), got.text());
            Invitations.Redeemed r = inv.redeem(m.group(1), "192.0.2.9");
            assertEquals("interpreter", r.kind());
            assertEquals(v.participantId(), r.participantId());
            assertEquals(Set.of("interpreter:" + f.encounterId()), f.ids().check(r.token()).orElseThrow().roles());
        }
    }

    @Test
    void aFailedSendIsRetriedAndVisiblePerChannel() throws Exception {
        Fixture f = fixture();
        f.email().failures = 99;
        Invitations.InvitationView v = f.inv().invite(f.hub().admin(), f.encounterId(),
                guest("Reza", "reza@example.org", "+989127654321", "en", null));
        f.hub().work().drain();
        Invitations.InvitationView after = f.inv().list(f.hub().admin(), f.encounterId()).invitations().get(0);
        assertEquals(v.id(), after.id());
        Invitations.SendView email = after.sends().get(0);
        Invitations.SendView sms = after.sends().get(1);
        assertEquals("failed", email.state(), "dead after the test work service's 2 attempts");
        assertEquals("email: email: 451 try again later", email.detail());
        assertEquals("sent", sms.state());
        assertEquals(1, f.sms().sent.size());
    }

    @Test
    void aLinkWorksOnceEvenWhenRacedAndTheIdentityReachesOnlyItsVisit() throws Exception {
        Fixture f = fixture();
        f.inv().invite(f.hub().admin(), f.encounterId(), guest("Reza", "reza@example.org", null, "en", null));
        f.hub().work().drain();
        String secret = secret(f.email().sent.get(0));
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Invitations.Redeemed>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return f.inv().redeem(secret, "192.0.2.7");
            }));
        }
        go.countDown();
        List<Invitations.Redeemed> won = new ArrayList<>();
        int refused = 0;
        for (Future<Invitations.Redeemed> r : results) {
            try {
                won.add(r.get());
            } catch (java.util.concurrent.ExecutionException x) {
                NotAuthenticatedException na = (NotAuthenticatedException) x.getCause();
                assertEquals("This invitation link does not work: already used", na.getMessage());
                refused++;
            }
        }
        pool.shutdown();
        assertEquals(1, won.size());
        assertEquals(n - 1, refused);
        assertEquals(1L, count(f, "visit_identity"));
        Invitations.Redeemed r = won.get(0);
        assertEquals("guest", r.kind());
        assertTrue(r.token().startsWith(VisitIdentities.PREFIX));
        assertTrue(r.joinUrl().contains("?token="), r.joinUrl());

        AuthenticatedUser guest = f.ids().check(r.token()).orElseThrow();
        assertEquals(Set.of("guest:" + f.encounterId()), guest.roles());
        EncounterService.EncounterDetails seen = f.hub().encounters().get(guest, f.encounterId());
        assertEquals(Set.of(r.participantId()), seen.joinLinks().keySet(), "its own link only");
        assertNull(seen.doctorNotes());
        assertTrue(seen.participants().stream().allMatch(p -> p.email() == null), "no one's address");
        // another visit, the list, a change: nothing
        String other = f.hub().encounters().book(f.hub().admin(), BookingTest.visit(BookingTest.doctor(f.hub(),
                "Dr Other"), f.patientId(), BookingTest.tomorrow(14))).id();
        assertThrows(NotFoundException.class, () -> f.hub().encounters().get(guest, other));
        assertEquals(0, f.hub().encounters().list(guest, new EncounterService.Query(null, null, null, null, null, 0,
                50)).total());
        assertThrows(ForbiddenException.class, () -> f.hub().encounters().transition(guest, f.encounterId(),
                Action.CANCEL, "no"));
        // a replay later: 401, audited, nothing written
        long identities = count(f, "visit_identity");
        NotAuthenticatedException replay = assertThrows(NotAuthenticatedException.class,
                () -> f.inv().redeem(secret, "192.0.2.8"));
        assertEquals("invite", replay.field());
        assertEquals(identities, count(f, "visit_identity"));
        assertTrue(f.audits().rows.contains("encounter.invitation.redeem denied: already used (from 192.0.2.8)"),
                f.audits().rows.toString());
        assertThrows(NotAuthenticatedException.class, () -> f.inv().redeem("x".repeat(43), "192.0.2.8"));
        // the visit cancelled: the identity is revoked, and would reach nothing anyway
        f.hub().encounters().transition(f.hub().admin(), f.encounterId(), Action.CANCEL, "ill");
        assertTrue(f.ids().check(r.token()).isEmpty());
        assertThrows(NotFoundException.class, () -> f.hub().encounters().get(guest, f.encounterId()));
    }

    @Test
    void aPatientsLinkGivesTheRoomAndAsksThemToSignIn() throws Exception {
        Fixture f = fixture();
        f.inv().invite(f.hub().admin(), f.encounterId(), new InviteRequest("patient", null, null, null, null, null,
                null, null));
        f.hub().work().drain();
        assertEquals(2, f.email().sent.size() + f.sms().sent.size(), "email and SMS from the patient's record");
        Invitations.Redeemed r = f.inv().redeem(secret(f.email().sent.get(0)), "192.0.2.7");
        assertTrue(r.signIn());
        assertNull(r.token(), "no visit identity: the patient has an account");
        assertTrue(r.joinUrl().contains("?token="));
        assertEquals(0L, count(f, "visit_identity"));
    }

    @Test
    void revokingStopsTheLinkTheIdentityAndTheParticipant() throws Exception {
        Fixture f = fixture();
        Invitations.InvitationView v = f.inv().invite(f.hub().admin(), f.encounterId(),
                guest("Reza", "reza@example.org", null, "en", null));
        Invitations.InvitationView v2 = f.inv().invite(f.hub().admin(), f.encounterId(),
                new InviteRequest("interpreter", "Ana", "ana@example.org", null, null, "en", null, null));
        f.hub().work().drain();
        String first = secret(f.email().sent.get(0));
        String second = secret(f.email().sent.get(1));
        Invitations.Redeemed r = f.inv().redeem(first, "192.0.2.7");
        AuthenticatedUser guest = f.ids().check(r.token()).orElseThrow();
        f.hub().encounters().get(guest, f.encounterId());
        Invitations.InvitationView revoked = f.inv().revoke(f.hub().admin(), f.encounterId(), v.id());
        assertNotNull(revoked.revokedAt());
        assertTrue(f.ids().check(r.token()).isEmpty(), "the identity it gave ended");
        assertTrue(f.hub().encounters().get(f.hub().admin(), f.encounterId()).participants().stream()
                .noneMatch(p -> p.id().equals(v.participantId())));
        assertThrows(ConflictException.class, () -> f.inv().revoke(f.hub().admin(), f.encounterId(), v.id()));
        // revoked before use: its link is refused
        f.inv().revoke(f.hub().admin(), f.encounterId(), v2.id());
        NotAuthenticatedException x = assertThrows(NotAuthenticatedException.class,
                () -> f.inv().redeem(second, "192.0.2.7"));
        assertEquals("This invitation link does not work: the invitation was revoked", x.getMessage());
        assertThrows(NotFoundException.class, () -> f.inv().revoke(f.hub().admin(), f.encounterId(), "nope"));
    }

    @Test
    void joiningByCodeIsThrottledAndAWrongCodeLooksLikeAVisitThatIsOver() throws Exception {
        Fixture f = fixture();
        f.inv().invite(f.hub().admin(), f.encounterId(), guest("Reza", "reza@example.org", null, "en", null));
        String code = f.inv().list(f.hub().admin(), f.encounterId()).accessCode();
        Invitations.Redeemed g = f.inv().joinByCode(code.substring(0, 3) + " " + code.substring(3), "Walk-in",
                "192.0.2.1");
        assertEquals("guest", g.kind());
        AuthenticatedUser walkIn = f.ids().check(g.token()).orElseThrow();
        assertEquals(Set.of(g.participantId()), f.hub().encounters().get(walkIn, f.encounterId()).joinLinks()
                .keySet());
        assertEquals("code", f.hub().jdbi().withHandle(h -> h.createQuery("SELECT joined_by FROM"
                + " encounter_participant WHERE id = :p").bind("p", g.participantId()).mapTo(String.class).one()));

        String wrong = code.equals("000000000") ? "000000001" : "000000000";
        long participants = count(f, "encounter_participant");
        for (int i = 0; i < 10; i++) {
            NotAuthenticatedException x = assertThrows(NotAuthenticatedException.class,
                    () -> f.inv().joinByCode(wrong, "Guesser", "192.0.2.66"));
            assertEquals("This code does not open a visit now", x.getMessage());
            assertEquals("code", x.field());
        }
        // the 11th, even with the right code: refused before the code is looked at
        Invitations.Throttled t = assertThrows(Invitations.Throttled.class,
                () -> f.inv().joinByCode(code, "Guesser", "192.0.2.66"));
        assertTrue(t.seconds > 0 && t.seconds <= 15 * 60, String.valueOf(t.seconds));
        assertEquals(participants, count(f, "encounter_participant"), "nothing written on refusals");
        assertEquals(10, f.audits().rows.stream().filter(r -> r.equals(
                "encounter.join.code denied: wrong code (from 192.0.2.66)")).count());
        // another address is not held back; after the window the guesser may try again
        f.inv().joinByCode(code, "Second", "192.0.2.2");
        f.clock().now = f.clock().now.plus(Duration.ofMinutes(16));
        f.inv().joinByCode(code, "Guesser, later", "192.0.2.66");

        // the visit cancelled: its code gets the answer of a wrong code
        f.hub().encounters().transition(f.hub().admin(), f.encounterId(), Action.CANCEL, "ill");
        NotAuthenticatedException over = assertThrows(NotAuthenticatedException.class,
                () -> f.inv().joinByCode(code, "Late", "192.0.2.3"));
        assertEquals("This code does not open a visit now", over.getMessage());
        assertTrue(f.hub().encounters().get(f.hub().admin(), f.encounterId()).participants().stream()
                .noneMatch(p -> p.displayName().equals("Late")));
    }

    @Test
    void linksAndIdentitiesExpireAtTheVisitsEndPlusGrace() throws Exception {
        Fixture f = fixture();
        f.inv().invite(f.hub().admin(), f.encounterId(), guest("Reza", "reza@example.org", null, "en", null));
        f.inv().invite(f.hub().admin(), f.encounterId(), guest("Late", "late@example.org", null, "en", null));
        f.hub().work().drain();
        Invitations.Redeemed r = f.inv().redeem(secret(f.email().sent.get(0)), "192.0.2.7");
        EncounterService.EncounterDetails e = f.hub().encounters().get(f.hub().admin(), f.encounterId());
        assertEquals(e.scheduledEnd().plus(Duration.ofMinutes(30)), r.expiresAt());
        f.clock().now = r.expiresAt().minusSeconds(1);
        assertTrue(f.ids().check(r.token()).isPresent());
        f.clock().now = r.expiresAt();
        assertTrue(f.ids().check(r.token()).isEmpty());
        NotAuthenticatedException x = assertThrows(NotAuthenticatedException.class,
                () -> f.inv().redeem(secret(f.email().sent.get(1)), "192.0.2.7"));
        assertEquals("This invitation link does not work: expired", x.getMessage());
        String code = f.inv().list(f.hub().admin(), f.encounterId()).accessCode();
        assertThrows(NotAuthenticatedException.class, () -> f.inv().joinByCode(code, "Late", "192.0.2.3"));
        ConflictException over = assertThrows(ConflictException.class, () -> f.inv().invite(f.hub().admin(),
                f.encounterId(), guest("Too late", "x@example.org", null, "en", null)));
        assertEquals("Visit over", over.title());
    }

    @Test
    void linksAndIdentitiesFollowARescheduledVisit() throws Exception {
        Fixture f = fixture();
        f.inv().invite(f.hub().admin(), f.encounterId(), guest("Reza", "reza@example.org", null, "en", null));
        f.inv().invite(f.hub().admin(), f.encounterId(), guest("Ana", "ana@example.org", null, "en", null));
        f.hub().work().drain();
        Invitations.Redeemed r = f.inv().redeem(secret(f.email().sent.get(0)), "192.0.2.7");
        Instant later = BookingTest.tomorrow(10).plus(Duration.ofDays(1));
        f.hub().encounters().reschedule(f.hub().admin(), f.encounterId(), new EncounterService.Reschedule(
                later.toString(), null));
        Instant until = later.plus(Duration.ofMinutes(30 + 30));
        f.clock().now = r.expiresAt().plusSeconds(60); // past the old end + grace
        assertTrue(f.ids().check(r.token()).isPresent(), "the identity follows the visit");
        f.inv().redeem(secret(f.email().sent.get(1)), "192.0.2.7");
        assertEquals(until, f.inv().list(f.hub().admin(), f.encounterId()).invitations().stream()
                .filter(i -> i.displayName().equals("Ana")).findFirst().orElseThrow().expiresAt());
    }

    @Test
    void whoMayInviteAndRefusalsWriteNothing() throws Exception {
        Fixture f = fixture();
        AuthenticatedUser frontDesk = new AuthenticatedUser(7, "desk", "Desk", Set.of("front-desk"));
        AuthenticatedUser nurse = new AuthenticatedUser(8, "nurse", "Nurse", Set.of("nurse"));
        AuthenticatedUser patient = new AuthenticatedUser(9, "maryam", "Maryam", Set.of("patient"));
        assertEquals("guest", f.inv().invite(frontDesk, f.encounterId(), guest("Reza", "reza@example.org", null,
                "en", null)).kind());
        long inv = count(f, "encounter_invitation");
        long part = count(f, "encounter_participant");
        InviteRequest ok = guest("Ana", "ana@example.org", null, "en", null);
        assertThrows(NotFoundException.class, () -> f.inv().invite(nurse, f.encounterId(), ok));
        assertThrows(ForbiddenException.class, () -> f.inv().invite(patient, f.encounterId(), ok));
        assertThrows(ForbiddenException.class, () -> f.inv().list(patient, f.encounterId()));
        Map<String, InviteRequest> bad = Map.of(
                "kind", new InviteRequest("doctor", "X", "x@example.org", null, null, null, null, null),
                "displayName", guest(" ", "x@example.org", null, null, null),
                "email", guest("X", "not-an-address", null, null, null),
                "phone", guest("X", null, "call me", null, null),
                "language", guest("X", "x@example.org", null, "de", null),
                "timeZone", guest("X", "x@example.org", null, null, "Mars/Base"),
                "username", new InviteRequest("guest", "X", "x@example.org", null, null, null, null, "bob"),
                "channels", new InviteRequest("guest", "X", "x@example.org", null, List.of("pigeon"), null, null,
                        null));
        bad.forEach((field, r) -> assertEquals(field, assertThrows(InvalidException.class,
                () -> f.inv().invite(f.hub().admin(), f.encounterId(), r)).field()));
        InvalidException noAddress = assertThrows(InvalidException.class, () -> f.inv().invite(f.hub().admin(),
                f.encounterId(), guest("X", null, null, null, null)));
        assertEquals("email", noAddress.field());
        // an in-person visit has no room: 422
        String inPerson = f.hub().encounters().book(f.hub().admin(), new EncounterService.BookingRequest("in_person",
                BookingTest.doctor(f.hub(), "Dr Room"), f.patientId(), BookingTest.tomorrow(16).toString(), 30, null,
                null, null, false, null)).id();
        assertThrows(UnprocessableException.class, () -> f.inv().invite(f.hub().admin(), inPerson, ok));
        // a cancelled visit: 409
        f.hub().encounters().transition(f.hub().admin(), f.encounterId(), Action.CANCEL, "ill");
        assertThrows(ConflictException.class, () -> f.inv().invite(f.hub().admin(), f.encounterId(), ok));
        assertEquals(inv, count(f, "encounter_invitation"));
        assertEquals(part, count(f, "encounter_participant"));
    }
}
