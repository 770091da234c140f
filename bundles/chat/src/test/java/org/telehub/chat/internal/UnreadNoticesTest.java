package org.telehub.chat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telehub.chat.internal.ChatFixture.AMY;
import static org.telehub.chat.internal.ChatFixture.GUEST;
import static org.telehub.chat.internal.ChatFixture.HOUSE;
import static org.telehub.chat.internal.ChatFixture.PATIENT;
import static org.telehub.chat.internal.ChatFixture.VISIT;
import static org.telehub.chat.internal.ChatFixture.config;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telehub.core.encounter.VisitContacts;
import org.telehub.core.encounter.VisitContacts.Person;
import org.telehub.core.encounter.VisitContacts.Visit;
import org.telehub.domain.notify.Notification;
import org.telehub.domain.notify.NotificationChannel;
import org.telehub.work.Verdict;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkState;

/**
 * Notices of unread messages on a real PostgreSQL (skipped without {@code -Dtelehub.test.pg.url}): one check planned
 * per burst of messages, each person told once per channel about the same messages, nothing after they read, a
 * failing channel retried without repeating what went out, no message text in the notice.
 */
class UnreadNoticesTest {
    private static final Visit PEOPLE = new Visit(VISIT, "scheduled", Instant.parse("2026-12-03T09:00:00Z"),
            "video", new Person("patient", PATIENT, "amy", "Amy Pond", "amy@example.org", "+15550100", "Europe/London"),
            new Person("doctor", "doc-1", "dr.house", "Dr House", "house@clinic.example", null, "America/New_York"),
            "https://hub.example/encounters/" + VISIT);

    private final List<Notification> mail = Collections.synchronizedList(new ArrayList<>());
    private final List<Notification> sms = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean smsDown = new AtomicBoolean();
    private ChatFixture f;
    private ConversationsImpl chat;
    private UnreadNotices notices;

    @BeforeEach
    void setUp() throws Exception {
        f = new ChatFixture();
        chat = new ConversationsImpl(new ChatSchema(f.jdbi), f.encounters, f.access, f.audit, (t, e, d) -> { },
                f.work, config(168, 4000, 25), f.clock);
        VisitContacts contacts = id -> id.equals(VISIT) ? Optional.of(PEOPLE) : Optional.empty();
        notices = new UnreadNotices(new ChatSchema(f.jdbi), contacts, "en");
        notices.addChannel(channel("email", mail, n -> n.email() != null, new AtomicBoolean()));
        notices.addChannel(channel("sms", sms, n -> n.phone() != null, smsDown));
    }

    private static NotificationChannel channel(String name, List<Notification> out,
            java.util.function.Predicate<Notification> reaches, AtomicBoolean down) {
        return new NotificationChannel() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean send(Notification n) throws Exception {
                if (!reaches.test(n)) {
                    return false;
                }
                if (down.get()) {
                    throw new java.io.IOException(name + " gateway refused");
                }
                out.add(n);
                return true;
            }
        };
    }

    private Verdict runCheck() {
        WorkRequest r = f.submitted.get(f.submitted.size() - 1);
        return notices.handle(new WorkItem("w", r.topic(), null, r.payload(), WorkState.RUNNING, 1, r.notBefore(),
                null, null, f.now, f.now, null));
    }

    @Test
    void oneCheckPerBurstAndEachPersonToldOnceAboutTheSameMessages() {
        chat.send(HOUSE, VISIT, "c1", "Please send a photo of the rash", null);
        chat.send(HOUSE, VISIT, "c2", "And your temperature", null);
        assertEquals(1, f.submitted.size(), "one check for the burst");
        WorkRequest check = f.submitted.get(0);
        assertEquals(UnreadNotices.TOPIC, check.topic());
        assertEquals(f.now.plus(Duration.ofMinutes(15)), check.notBefore());

        assertEquals(Verdict.done(), runCheck());
        assertEquals(1, mail.size(), "Amy by email; the doctor has nothing of others unread");
        assertEquals(1, sms.size());
        Notification n = mail.get(0);
        assertEquals("patient", n.recipientRole());
        assertEquals("amy@example.org", n.email());
        assertEquals("Unread messages about your visit with Dr House", n.subject());
        assertTrue(n.text().contains("2 messages") && n.text().contains(PEOPLE.url())
                && n.text().contains("09:00 (Europe/London)"), n.text());
        assertFalse(n.text().contains("rash") || n.text().contains("temperature"), "no message in a notice");

        // the check ran: a later message plans the next one, which tells about the new message only
        chat.send(HOUSE, VISIT, "c3", "Are you there?", null);
        assertEquals(2, f.submitted.size());
        assertEquals(Verdict.done(), runCheck());
        assertEquals(2, mail.size());
        assertTrue(mail.get(1).text().contains("3 messages"), mail.get(1).text());
        // handed twice (the work service runs at least once): nothing more
        assertEquals(Verdict.done(), runCheck());
        assertEquals(2, mail.size());
        assertEquals(2, sms.size());
    }

    @Test
    void nothingForWhatWasReadAndTheSenderIsNotToldOfTheirOwn() {
        long seq = chat.send(HOUSE, VISIT, "h1", "Please send a photo", null).message().sequence();
        chat.markRead(AMY, VISIT, seq);
        chat.send(AMY, VISIT, "a1", "Here is the photo", null);
        assertEquals(Verdict.done(), runCheck());
        assertEquals(List.of("doctor"), mail.stream().map(Notification::recipientRole).toList(),
                "the doctor has Amy's message unread; Amy read the doctor's");
        assertEquals("house@clinic.example", mail.get(0).email());
        assertTrue(mail.get(0).text().contains("one message") && mail.get(0).text().contains("04:00 (America/New_York)"),
                mail.get(0).text());
        assertTrue(sms.isEmpty(), "the doctor has no phone on file");
    }

    @Test
    void aGuestsMessageCountsForBothAndAFailingChannelIsRetriedAlone() {
        chat.send(GUEST, VISIT, "g1", "Interpreter here", null);
        smsDown.set(true);
        Verdict first = runCheck();
        assertEquals(Verdict.Outcome.RETRY, first.outcome());
        assertTrue(first.reason().contains("sms:patient: sms gateway refused"), first.reason());
        assertEquals(2, mail.size(), "patient and doctor by email");
        smsDown.set(false);
        assertEquals(Verdict.done(), runCheck());
        assertEquals(2, mail.size(), "the emails are not sent again");
        assertEquals(1, sms.size());
    }

    @Test
    void noChannelGivesUpWithTheReasonAndZeroDelayPlansNothing() {
        UnreadNotices none = new UnreadNotices(new ChatSchema(f.jdbi), id -> Optional.of(PEOPLE), "en");
        chat.send(HOUSE, VISIT, "c1", "Hello", null);
        WorkRequest r = f.submitted.get(0);
        Verdict v = none.handle(new WorkItem("w", r.topic(), null, r.payload(), WorkState.RUNNING, 1, f.now, null,
                null, f.now, f.now, null));
        assertEquals(Verdict.Outcome.GIVE_UP, v.outcome());
        assertEquals(UnreadNotices.NOT_CONFIGURED, v.reason());

        ChatFixture.noticeAfter = "PT0S";
        try {
            ConversationsImpl quiet = new ConversationsImpl(new ChatSchema(f.jdbi), f.encounters, f.access, f.audit,
                    (t, e, d) -> { }, f.work, config(168, 4000, 25), f.clock);
            quiet.send(HOUSE, VISIT, "c2", "Hello again", null);
            assertEquals(1, f.submitted.size());
        } finally {
            ChatFixture.noticeAfter = "PT15M";
        }
    }

    @Test
    void theDelayIsAnIsoDuration() {
        assertEquals(Duration.ofSeconds(90), UnreadNotices.after("PT1M30S"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> UnreadNotices.after("15"));
        assertTrue(e.getMessage().contains("unreadNoticeAfter"), e.getMessage());
    }

    @Test
    void persianNotice() {
        UnreadNotices fa = new UnreadNotices(new ChatSchema(f.jdbi), id -> Optional.of(PEOPLE), "fa");
        Notification n = fa.notification(PEOPLE, PEOPLE.patient(), PEOPLE.doctor(), 3);
        assertTrue(n.subject().contains("Dr House") && n.subject().startsWith("پیام"), n.subject());
        assertTrue(n.text().contains(PEOPLE.url()), n.text());
    }
}
