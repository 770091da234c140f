package org.telehub.notify.email.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telehub.domain.notify.Notification;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;

/**
 * The email channel against a real SMTP server (GreenMail on 127.0.0.1, free ports), the message read back the way
 * a patient's mail client would, over IMAP: recipient, sender, a Persian subject and body byte-exact, both parts.
 * A wrong password and a server that is down each make the send throw with a reason that never holds the password.
 */
class EmailChannelTest {
    private static final String PASSWORD = "s3cret-Smtp!pw";
    private static GreenMail mail;
    private static int smtpPort;
    private static int imapPort;

    @BeforeAll
    static void start() {
        mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        mail.withConfiguration(GreenMailConfiguration.aConfig().withUser("hub@clinic.test", "hub", PASSWORD));
        mail.start();
        mail.setUser("maryam@example.org", "maryam", "maryam-pw");
        smtpPort = mail.getSmtp().getPort();
        imapPort = mail.getImap().getPort();
    }

    @AfterAll
    static void stop() {
        mail.stop();
    }

    private static EmailChannel channel(int port, String password) {
        return new EmailChannel(true, "127.0.0.1", port, "none", "hub", password, "Clinic <hub@clinic.test>", 5);
    }

    private static Notification to(String email, String subject, String text) {
        return new Notification("reminder", "e-1", "patient", "p-1", "مریم رضایی", email, null, subject, text,
                Instant.parse("2026-12-03T08:30:00Z"));
    }

    @Test
    void aPersianReminderArrivesIntactReadOverImap() throws Exception {
        String subject = "یادآوری: ویزیت شما با دکتر احمدی ساعت ۱۲:۰۰";
        String text = "ویزیت شما ساعت ۱۲:۰۰ (Asia/Tehran) شروع می‌شود.\nپیوند: https://hub.example/join?t=<x>&y";
        assertTrue(channel(smtpPort, PASSWORD).send(to("maryam@example.org", subject, text)));

        Properties p = new Properties();
        p.put("mail.imap.host", "127.0.0.1");
        p.put("mail.imap.port", String.valueOf(imapPort));
        Store store = Session.getInstance(p).getStore("imap");
        store.connect("127.0.0.1", imapPort, "maryam", "maryam-pw");
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message[] got = null;
            for (long end = System.currentTimeMillis() + 5000; System.currentTimeMillis() < end;) {
                got = inbox.getMessages();
                if (got.length > 0) {
                    break;
                }
                Thread.sleep(50);
            }
            assertEquals(1, got.length);
            Message m = got[0];
            assertEquals(subject, m.getSubject());
            assertEquals("hub@clinic.test", ((InternetAddress) m.getFrom()[0]).getAddress());
            InternetAddress rcpt = (InternetAddress) m.getRecipients(Message.RecipientType.TO)[0];
            assertEquals("maryam@example.org", rcpt.getAddress());
            assertEquals("مریم رضایی", rcpt.getPersonal());
            assertTrue(m.isMimeType("multipart/alternative"), m.getContentType());
            Multipart parts = (Multipart) m.getContent();
            assertEquals(2, parts.getCount());
            Part plain = parts.getBodyPart(0);
            assertTrue(plain.isMimeType("text/plain"), plain.getContentType());
            assertEquals(text, ((String) plain.getContent()).replace("\r\n", "\n"));
            String html = (String) parts.getBodyPart(1).getContent();
            assertTrue(html.contains("پیوند: https://hub.example/join?t=&lt;x&gt;&amp;y"), html);
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void noAddressIsCannotReachNotAFailure() throws Exception {
        assertFalse(channel(smtpPort, PASSWORD).send(to(null, "s", "t")));
        assertFalse(channel(smtpPort, PASSWORD).send(to(" ", "s", "t")));
    }

    @Test
    void aWrongPasswordThrowsWithTheServersReasonAndNoSecret() {
        String wrong = "wrong-Pa55word-xyz";
        Exception e = assertThrows(Exception.class,
                () -> channel(smtpPort, wrong).send(to("maryam@example.org", "s", "t")));
        assertTrue(e.getMessage().startsWith("email via 127.0.0.1:" + smtpPort + " failed: "), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("auth"), e.getMessage());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    }

    @Test
    void aServerThatIsDownThrowsWithTheReason() throws IOException {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        Exception e = assertThrows(Exception.class,
                () -> channel(free, PASSWORD).send(to("maryam@example.org", "s", "t")));
        assertTrue(e.getMessage().contains("127.0.0.1:" + free), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("connect"), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    }

    @Test
    void badConfigurationIsRefusedWithTheField() {
        assertEquals("org.telehub.notify.email: host is required when the channel is enabled",
                assertThrows(IllegalArgumentException.class, () -> new EmailChannel(true, " ", 25, "none", "", "",
                        "a@b.c", 5)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new EmailChannel(true, "h", 25, "ssl", "", "",
                "a@b.c", 5)).getMessage().contains("tls must be none, starttls or tls"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new EmailChannel(true, "h", 25, "none", "", "",
                "not an address", 5)).getMessage().contains("from 'not an address'"));
        // not enabled: nothing checked, nothing sent
        assertFalse(assertDoesNotThrowSend(new EmailChannel(false, "", 0, "", "", "", "", 5)));
    }

    private static boolean assertDoesNotThrowSend(EmailChannel c) {
        try {
            return c.send(to("maryam@example.org", "s", "t"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
