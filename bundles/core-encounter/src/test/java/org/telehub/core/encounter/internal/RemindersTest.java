package org.telehub.core.encounter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.telehub.core.encounter.EncounterService;
import org.telehub.domain.notify.Notification;
import org.telehub.domain.notify.NotificationChannel;
import org.telehub.core.encounter.PeopleService;
import org.telehub.core.encounter.internal.BookingTest.Hub;
import org.telehub.core.encounter.internal.reminder.Reminders;
import org.telehub.work.Verdict;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkState;

/**
 * What reminders do with their channels' answers, on a real PostgreSQL: a throwing channel is retried through the
 * work service (not given up at once), what went out is not sent again, the reason is on the reminder's view while
 * it waits and once it is dead; no channel configured or nobody reachable fails at once with that reason. The
 * channels here are the SPI's own shape failing on demand; the protocols are tested in notify-email (GreenMail) and
 * notify-sms (Kannel).
 */
class RemindersTest {

    /** Reaches patients with an email address; the first {@code failures} sends throw as an SMTP refusal would. */
    static final class Channel implements NotificationChannel {
        final String name;
        int failures;
        int attempts;
        final List<Notification> sent = new ArrayList<>();

        Channel(String name, int failures) {
            this.name = name;
            this.failures = failures;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean send(Notification n) throws Exception {
            if (n.email() == null) {
                return false;
            }
            attempts++;
            if (failures-- > 0) {
                throw new Exception(name + " via smtp.example:587 failed: 451 4.3.0 try again later");
            }
            sent.add(n);
            return true;
        }
    }

    private record Booked(Hub hub, String encounterId, Reminders.View first) {
    }

    /** A visit the day after tomorrow for a patient with an email address; its first reminder made due now. */
    private static Booked booked(String email) throws Exception {
        Hub h = BookingTest.hub();
        String d = BookingTest.doctor(h, "Dr Reminder");
        String p = h.people().createPatient(h.admin(), new PeopleService.NewPatient(null, "Maryam", "1980-01-01",
                email, null, "Asia/Tehran")).id();
        EncounterService.EncounterDetails e = h.encounters().book(h.admin(), BookingTest.visit(d, p,
                BookingTest.tomorrow(10)));
        h.work().drain();
        Reminders.View first = h.reminders().list(e.id()).get(0);
        h.work().makeDue(first.reminder().workId());
        return new Booked(h, e.id(), first);
    }

    private static Reminders.View view(Booked b) {
        return b.hub().reminders().list(b.encounterId()).stream()
                .filter(v -> v.reminder().id().equals(b.first().reminder().id())).findFirst().orElseThrow();
    }

    private static WorkItem item(Booked b) {
        return b.hub().work().find(b.first().reminder().workId()).orElseThrow();
    }

    /** The reminder's two notifications as a channel gets them, texts in {@code language}. */
    private static List<Notification> sentIn(Booked b, String language) throws Exception {
        Reminders r = new Reminders(new EncounterDb(b.hub().jdbi()), b.hub().links(), b.hub().work(),
                List.of(java.time.Duration.ofHours(24)), language);
        List<Notification> got = new ArrayList<>();
        r.addChannel(new NotificationChannel() {
            @Override
            public String name() {
                return "capture";
            }

            @Override
            public boolean send(Notification n) {
                got.add(n);
                return true;
            }
        });
        assertEquals(Verdict.Outcome.DONE, r.handle(item(b)).outcome());
        assertEquals(List.of("patient", "doctor"), got.stream().map(Notification::recipientRole).toList());
        return got;
    }

    @Test
    void textsInEachLanguageWithTheTimeInTheRecipientsZone() throws Exception {
        // the visit is at 10:00 UTC: 13:30 in Tehran (the patient), 10:00 in UTC (the doctor)
        Booked b = booked("maryam@example.org");
        List<Notification> en = sentIn(b, "en");
        assertTrue(en.get(0).subject().matches("Your visit with Dr Reminder at \\w{3} \\d{1,2} \\w{3} \\d{4} 13:30"
                + " \\(Asia/Tehran\\)"), en.get(0).subject());
        assertTrue(en.get(0).text().matches("Your video visit starts .* 13:30 \\(Asia/Tehran\\)\\."
                + " Join: https://hub\\.example/\\S+"), en.get(0).text());
        assertTrue(en.get(1).subject().matches("Visit with Maryam at .* 10:00 \\(UTC\\)"), en.get(1).subject());

        List<Notification> fa = sentIn(b, "fa");
        assertTrue(fa.get(0).subject().startsWith("ویزیت شما با Dr Reminder، "), fa.get(0).subject());
        assertTrue(fa.get(0).subject().contains("ساعت 13:30 (Asia/Tehran)"), fa.get(0).subject());
        assertTrue(fa.get(0).text().startsWith("ویزیت تصویری شما "), fa.get(0).text());
        assertTrue(fa.get(0).text().contains(" آغاز می‌شود. پیوند ورود: https://hub.example/"), fa.get(0).text());
        assertTrue(fa.get(1).subject().contains("ساعت 10:00 (UTC)"), fa.get(1).subject());

        List<Notification> ru = sentIn(b, "ru");
        assertTrue(ru.get(0).subject().startsWith("Ваш приём у Dr Reminder: "), ru.get(0).subject());
        assertTrue(ru.get(0).subject().endsWith(", 13:30 (Asia/Tehran)"), ru.get(0).subject());
        assertTrue(ru.get(0).text().startsWith("Ваш приём (видео) начинается "), ru.get(0).text());
        assertTrue(ru.get(0).text().contains(" Ссылка для входа: https://hub.example/"), ru.get(0).text());
    }

    @Test
    void aDoctorIsRemindedAtTheAddressOfTheirAccount() throws Exception {
        Booked b = booked("maryam@example.org");
        Reminders r = new Reminders(new EncounterDb(b.hub().jdbi()), b.hub().links(), b.hub().work(),
                List.of(java.time.Duration.ofHours(24)), "en");
        Channel email = new Channel("email", 0);
        r.addChannel(email);
        // a doctor record linked to no account has no address: the patient alone is reached
        assertEquals(Verdict.Outcome.DONE, r.handle(item(b)).outcome());
        assertEquals(List.of("patient"), email.sent.stream().map(Notification::recipientRole).toList());
        // linked to an account with an address (the security bundle's AccountContacts): the doctor too
        b.hub().jdbi().useHandle(h -> h.execute("UPDATE encounter_doctor SET username = 'dr.reminder'"));
        r.setContacts(new org.telehub.security.AccountContacts() {
            @Override
            public java.util.Optional<String> email(String u) {
                return u.equals("dr.reminder") ? java.util.Optional.of("dr.reminder@clinic.example")
                        : java.util.Optional.empty();
            }

            @Override
            public java.util.Map<String, String> emailsWithRole(String role) {
                return java.util.Map.of();
            }
        });
        email.sent.clear();
        assertEquals(Verdict.Outcome.DONE, r.handle(item(b)).outcome());
        assertEquals(List.of("maryam@example.org", "dr.reminder@clinic.example"),
                email.sent.stream().map(Notification::email).toList());
    }

    @Test
    void anUnknownLanguageIsRefusedNamingTheSetting() throws Exception {
        Hub h = BookingTest.hub();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Reminders(new EncounterDb(h.jdbi()), h.links(), h.work(), List.of(), "de"));
        assertEquals("reminderLanguage: 'de' is not one of [en, fa, ru]", e.getMessage());
    }

    @Test
    void aFailedSendIsRetriedAndWhatWentOutIsNotSentTwice() throws Exception {
        Booked b = booked("maryam@example.org");
        Channel email = new Channel("email", 1);
        Channel sms = new Channel("sms", 0);
        b.hub().reminders().addChannel(email);
        b.hub().reminders().addChannel(sms);
        b.hub().work().drain();
        assertEquals(WorkState.DONE, item(b).state());
        assertEquals(2, item(b).attempts(), "the first run failed on email and was retried");
        assertEquals(1, email.sent.size());
        assertEquals(1, sms.sent.size(), "sms went out on the first run and not again on the retry");
        Reminders.View v = view(b);
        assertEquals("sent", v.state());
        assertEquals("sms:patient, email:patient", v.detail());
    }

    @Test
    void aFailureWaitsForItsRetryWithTheReasonShownAndDiesWithIt() throws Exception {
        Booked b = booked("maryam@example.org");
        Channel email = new Channel("email", 99);
        b.hub().reminders().addChannel(email);
        // one run by hand: a retry, not giving up
        Verdict first = b.hub().reminders().handle(item(b));
        assertEquals(Verdict.Outcome.RETRY, first.outcome());
        assertEquals("email:patient: email via smtp.example:587 failed: 451 4.3.0 try again later", first.reason());
        // through the work service (2 attempts in the test's): dead, the reason on the view
        b.hub().work().drain();
        assertEquals(WorkState.DEAD, item(b).state());
        assertEquals(2, item(b).attempts());
        Reminders.View v = view(b);
        assertEquals("failed", v.state());
        assertEquals(first.reason(), v.detail());
        assertTrue(email.sent.isEmpty());
    }

    @Test
    void noChannelConfiguredFailsAtOnceSayingSo() throws Exception {
        Booked b = booked("maryam@example.org");
        b.hub().work().drain();
        assertEquals(WorkState.DEAD, item(b).state());
        assertEquals(1, item(b).attempts(), "retrying cannot configure a channel");
        assertEquals("failed", view(b).state());
        assertTrue(view(b).detail().startsWith("no notification channel is configured: enable email"),
                view(b).detail());
    }

    @Test
    void nobodyReachableFailsAtOnceSayingWhy() throws Exception {
        Booked b = booked(null);
        Channel email = new Channel("email", 0);
        b.hub().reminders().addChannel(email);
        b.hub().work().drain();
        assertEquals(WorkState.DEAD, item(b).state());
        assertEquals(1, item(b).attempts());
        assertEquals(0, email.attempts);
        assertEquals("no channel could reach the patient or the doctor (no email or phone on file for [email])",
                view(b).detail());
    }
}
