package org.telehub.notify.sms.internal.kannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telehub.domain.notify.Notification;
import org.telehub.notify.sms.internal.SmsChannelAccess;

/**
 * The Kannel provider and the SMS channel against a real Kannel (bearerbox + smsbox + the fake SMSC, all on
 * 127.0.0.1): what the SMSC receives has the right recipient, sender and text, Persian and Cyrillic byte-exact; a
 * wrong password and a Kannel that is down throw with the reason and never the password.
 */
class KannelSendSmsTest {
    private static final String PASSWORD = "kannel-Pw-93x";
    private static Kannel kannel;

    @BeforeAll
    static void start() throws Exception {
        kannel = Kannel.start(Path.of("target", "kannel-" + ProcessHandle.current().pid()).toAbsolutePath(),
                "telehub", PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (kannel != null) {
            kannel.close();
        }
    }

    private static KannelSendSms provider(int port, String password) {
        return new KannelSendSms("http://127.0.0.1:" + port + "/cgi-bin/sendsms", "telehub", password, "Clinic", "",
                "", 31, 5);
    }

    private static Kannel.Sms await(String to) throws Exception {
        for (long end = System.currentTimeMillis() + 10_000; System.currentTimeMillis() < end;) {
            List<Kannel.Sms> got = kannel.received().stream().filter(s -> s.to().equals(to)).toList();
            if (!got.isEmpty()) {
                assertEquals(1, got.size(), got.toString());
                return got.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing reached the fake SMSC for " + to + " in 10 s: " + kannel.received());
    }

    @Test
    void aPersianReminderReachesTheSmscThroughTheChannel() throws Exception {
        String text = "یادآوری: ویزیت شما ساعت ۱۲:۰۰ (Asia/Tehran) — Напоминание";
        var channel = SmsChannelAccess.channel(true, provider(kannel.sendsmsPort, PASSWORD));
        assertTrue(channel.send(new Notification("reminder", "e-1", "patient", "p-1", "Maryam", null,
                " +989121234567 ", "a subject SMS leaves out", text, Instant.now())));
        Kannel.Sms got = await("+989121234567");
        assertEquals("Clinic", got.from());
        assertEquals("ucs-2", got.coding());
        assertEquals(text, got.text());
    }

    @Test
    void plainAsciiGoesAsGsmText() throws Exception {
        provider(kannel.sendsmsPort, PASSWORD).send("+441234567890", "Your visit starts at 12:00.");
        Kannel.Sms got = await("+441234567890");
        assertEquals("text", got.coding());
        assertEquals("Your visit starts at 12:00.", got.text());
    }

    @Test
    void noPhoneOrNotEnabledIsCannotReach() throws Exception {
        KannelSendSms p = provider(kannel.sendsmsPort, PASSWORD);
        Notification noPhone = new Notification("reminder", "e", "doctor", "d", "D", null, null, "s", "t",
                Instant.now());
        assertFalse(SmsChannelAccess.channel(true, p).send(noPhone));
        Notification phone = new Notification("reminder", "e", "patient", "p", "P", null, "+31611111111", "s", "t",
                Instant.now());
        assertFalse(SmsChannelAccess.channel(false, p).send(phone));
        Thread.sleep(300);
        assertTrue(kannel.received().stream().noneMatch(s -> s.to().equals("+31611111111")));
    }

    @Test
    void aWrongPasswordIsKannelsRefusalWithoutTheSecret() {
        String wrong = "not-the-Pw-77";
        Exception e = assertThrows(Exception.class, () -> provider(kannel.sendsmsPort, wrong).send("+1555", "x"));
        assertEquals("Kannel at http://127.0.0.1:" + kannel.sendsmsPort + "/cgi-bin/sendsms refused the message"
                + " (HTTP 403): Authorization failed for sendsms", e.getMessage());
        assertFalse(e.getMessage().contains(wrong));
    }

    @Test
    void aKannelThatIsDownIsUnreachableWithoutTheSecret() throws Exception {
        int free = Kannel.freePort();
        Exception e = assertThrows(Exception.class, () -> provider(free, PASSWORD).send("+1555", "x"));
        assertTrue(e.getMessage().startsWith("Kannel at http://127.0.0.1:" + free + "/cgi-bin/sendsms unreachable"),
                e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    }

    @Test
    void aBadUrlIsRefusedWithTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new KannelSendSms("ftp://h/x", "u", "p", "",
                "", "", 0, 5)).getMessage().startsWith("org.telehub.notify.sms.kannel: url must be an http(s) URL"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new KannelSendSms("http://h/x?a=b", "u", "p",
                "", "", "", 0, 5)).getMessage().contains("without a query"));
    }
}
