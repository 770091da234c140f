package org.telehub.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telehub.domain.DomainException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotAuthenticatedException;
import org.telehub.domain.notify.NotificationChannel;
import org.telehub.notify.email.internal.TestEmailChannels;
import org.telehub.persistence.Database;
import org.telehub.security.AuthenticatedUser;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkState;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;

/**
 * Password reset end to end on real peers: PostgreSQL with the bundle's migrations, the real email channel of
 * bundles/notify-email sending to GreenMail over SMTP, and the mail read back over IMAP as the user's mail client would.
 * The link's secret is taken from that mail only. The work service is an in-memory stand-in ({@link QueuedWork}).
 * Before issue 15 there was no way to reset a forgotten password at all.
 */
class PasswordResetTest {
    private static final String SMTP_PASSWORD = "hub-smtp-Pa55";
    private static final String OLD = "old-password-0001";
    private static final String NEW = "brand-new-password-2";
    private static final Pattern LINK = Pattern.compile("https://hub\\.example\\.org/reset-password#token=(thr_[A-Za-z0-9_-]{43})");
    private static final AuthenticatedUser ADMIN = new AuthenticatedUser(1, "admin", "Administrator", Set.of("admin"));

    private GreenMail mail;
    private NotificationChannel channel;
    private Database db;
    private MutableClock clock;
    private Accounts accounts;
    private QueuedWork work;
    private PasswordReset reset;

    @BeforeEach
    void start() {
        mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        mail.withConfiguration(GreenMailConfiguration.aConfig().withUser("hub@clinic.test", "hub", SMTP_PASSWORD));
        mail.start();
        channel = TestEmailChannels.smtp(mail.getSmtp().getPort(), "hub", SMTP_PASSWORD, "Telehub <hub@clinic.test>");
        db = AccountsTest.database();
        clock = new MutableClock(Instant.now());
        accounts = new Accounts(db, AccountsTest.config("admin-secret-0001", 2, 4, 1), false, clock);
        work = new QueuedWork();
        reset = new PasswordReset(db, accounts, work, ReversibleBox.BOX, accounts.config(), clock);
        reset.email = channel;
    }

    @AfterEach
    void stop() {
        mail.stop();
    }

    private UserAccount user(String name, String email) {
        String mailbox = email == null ? null : email.substring(0, email.indexOf('@'));
        if (email != null) {
            mail.setUser(email, mailbox, mailbox + "-imap-pw");
        }
        return accounts.create(ADMIN, name, "Someone", Set.of("patient"), OLD.toCharArray(), email);
    }

    private int send() {
        return work.runDue(PasswordReset.TOPIC, reset, 6);
    }

    /** A message of the mailbox read over IMAP: subject, recipient and plain-text part. */
    private record Mail(String subject, String to, String text) {
        String token() {
            Matcher m = LINK.matcher(text);
            assertTrue(m.find(), text);
            return m.group(1);
        }
    }

    private List<Mail> inbox(String email) throws Exception {
        String login = email.substring(0, email.indexOf('@'));
        Properties p = new Properties();
        Store store = Session.getInstance(p).getStore("imap");
        store.connect("127.0.0.1", mail.getImap().getPort(), login, login + "-imap-pw");
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            List<Mail> out = new ArrayList<>();
            for (Message m : inbox.getMessages()) {
                Multipart parts = (Multipart) m.getContent();
                out.add(new Mail(m.getSubject(), ((InternetAddress) m.getRecipients(Message.RecipientType.TO)[0])
                        .getAddress(), ((String) parts.getBodyPart(0).getContent()).replace("\r\n", "\n")));
            }
            inbox.close(false);
            return out;
        } finally {
            store.close();
        }
    }

    private long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private static void assertGeneric(InvalidException e) {
        assertEquals("token", e.field());
        assertEquals(PasswordReset.INVALID, e.detail());
    }

    @Test
    void theMailedLinkSetsANewPasswordOnceAndEndsEverySession() throws Exception {
        UserAccount u = user("maryam", "maryam@example.org");
        String bearer = accounts.login("maryam", OLD.toCharArray(), AccountsTest.API).orElseThrow().token();
        String session = accounts.startSession("maryam", OLD.toCharArray(), AccountsTest.API).orElseThrow().token();
        // lock the account by guessing: the reset must lift it
        for (int failures = 0, i = 0; failures < 4 && i < 20; i++) {
            try {
                accounts.login("maryam", "wrong-password-x".toCharArray(), new Accounts.Source("api", "192.0.2.77"));
                failures++;
            } catch (Accounts.TooManyAttempts waiting) {
                clock.advance(Duration.ofSeconds(waiting.seconds));
            }
        }
        assertTrue(accounts.lockedSeconds("maryam") > 0, "locked before the reset");

        reset.request("Maryam", null, "192.0.2.50");
        assertEquals(1, send());
        List<Mail> got = inbox("maryam@example.org");
        assertEquals(1, got.size());
        assertEquals("Reset your Telehub password", got.get(0).subject());
        assertTrue(got.get(0).text().contains("within 30 minutes"), got.get(0).text());
        String token = got.get(0).token();

        assertEquals(1, count("SELECT COUNT(*) FROM auth_password_reset WHERE token_hash = '" + UserStore.digest(token)
                + "' AND sent_at IS NOT NULL AND secret_sealed IS NULL"), "only the hash is kept once the mail is out");
        String dump = db.jdbi().withHandle(h -> h.createQuery("SELECT string_agg(r::text, '|') FROM (SELECT * FROM"
                + " auth_password_reset) r").mapTo(String.class).one()) + db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT string_agg(outcome, '|') FROM audit_event").mapTo(String.class).one());
        assertFalse(dump.contains(token.substring(4)), "the secret is in no row and no audit event");

        assertEquals("maryam", reset.confirm(token, NEW.toCharArray(), null, "192.0.2.51").username());
        assertEquals(0, accounts.lockedSeconds("maryam"), "the lockout is forgotten");
        assertTrue(accounts.login("maryam", NEW.toCharArray(), AccountsTest.API).isPresent(), "the new password");
        assertTrue(accounts.login("maryam", OLD.toCharArray(), AccountsTest.API).isEmpty(), "not the old one");
        assertInstanceOf(UserStore.TokenCheck.Invalid.class, accounts.check(bearer), "old bearer token ended");
        assertInstanceOf(UserStore.TokenCheck.Invalid.class, accounts.check(session, UserStore.Kind.SESSION),
                "old session ended");

        assertGeneric(assertThrows(InvalidException.class, () -> reset.confirm(token, "another-password-3"
                .toCharArray(), null, null)));
        assertTrue(accounts.login("maryam", NEW.toCharArray(), AccountsTest.API).isPresent(), "a replay sets nothing");
        assertGeneric(assertThrows(InvalidException.class, () -> reset.confirm("thr_" + "A".repeat(43),
                NEW.toCharArray(), null, null)));
        assertGeneric(assertThrows(InvalidException.class, () -> reset.confirm("not a token", NEW.toCharArray(),
                null, null)));
        assertGeneric(assertThrows(InvalidException.class, () -> reset.confirm(null, NEW.toCharArray(), null,
                null)));

        assertEquals(1, count("SELECT COUNT(*) FROM audit_event WHERE action = 'auth.password.reset.requested' AND"
                + " actor_id = " + u.id() + " AND outcome LIKE '%queued (from 192.0.2.50)'"));
        assertEquals(1, count("SELECT COUNT(*) FROM audit_event WHERE action = 'auth.password.reset' AND actor_id = "
                + u.id() + " AND outcome LIKE '%2 sessions and tokens ended%'"));
        assertEquals(4, count("SELECT COUNT(*) FROM audit_event WHERE action = 'auth.password.reset.refused'"));
        assertEquals(1, count("SELECT COUNT(*) FROM audit_event WHERE action = 'auth.password.reset.refused' AND"
                + " outcome = 'the link was used already'"));
    }

    @Test
    void unknownDisabledAndAddresslessAccountsAreAnsweredAlikeAndGetNoMail() throws Exception {
        user("kept", "kept@example.org");
        UserAccount off = user("off.user", "off@example.org");
        user("nomail", null);
        accounts.setEnabled(ADMIN, off.id(), false);
        for (String name : List.of("nobody.here", "off.user", "nomail", "x".repeat(200))) {
            reset.request(name, null, "192.0.2.60"); // returns normally, as for an account that gets a mail
        }
        assertEquals(0, send());
        assertEquals(0, mail.getReceivedMessages().length);
        assertEquals(0, count("SELECT COUNT(*) FROM auth_password_reset"));
        assertEquals(4, count("SELECT COUNT(*) FROM audit_event WHERE action = 'auth.password.reset.requested'"
                + " AND outcome LIKE 'nothing sent: %'"));
        assertEquals(1, count("SELECT COUNT(*) FROM audit_event WHERE outcome LIKE 'nothing sent: the account is"
                + " disabled%'"));

        InvalidException lang = assertThrows(InvalidException.class, () -> reset.request("kept", "de", null));
        assertEquals("language", lang.field());
        assertEquals("username", assertThrows(InvalidException.class, () -> reset.request(" ", null, null))
                .field());
    }

    @Test
    void anExpiredLinkIsRefusedAndANewerOneVoidsTheOlder() throws Exception {
        user("late", "late@example.org");
        reset.request("late", null, null);
        send();
        String first = inbox("late@example.org").get(0).token();
        clock.advance(Duration.ofMinutes(31));
        assertGeneric(assertThrows(InvalidException.class, () -> reset.confirm(first, NEW.toCharArray(), null,
                null)));
        assertTrue(accounts.login("late", OLD.toCharArray(), AccountsTest.API).isPresent(), "nothing written");
        assertEquals(1, count("SELECT COUNT(*) FROM audit_event WHERE action = 'auth.password.reset.refused' AND"
                + " outcome LIKE 'the link expired at %'"));

        reset.request("late", null, null);
        reset.request("late", null, null);
        send();
        List<Mail> got = inbox("late@example.org");
        assertEquals(2, got.size(), "the first of the two was voided before its mail went out: nothing sent for it");
        String third = got.get(1).token();
        InvalidException weak = assertThrows(InvalidException.class, () -> reset.confirm(third, "short".toCharArray(),
                null, null));
        assertEquals("newPassword", weak.field(), "the password policy applies");
        assertEquals("late", reset.confirm(third, NEW.toCharArray(), null, null).username());
        assertTrue(accounts.login("late", NEW.toCharArray(), AccountsTest.API).isPresent());
    }

    @Test
    void aSecondFactorIsNeededTooAndTheMailCanBeInPersian() throws Exception {
        UserAccount u = user("dr.two", "two@example.org");
        SecondFactors factors = new SecondFactors(db, ReversibleBox.BOX);
        accounts.secondFactors = factors;
        Instant now = Instant.now();
        SecondFactors.Enrolment e = factors.begin(u, now);
        List<String> recovery = factors.confirm(u, String.format("%06d", Totp.code(e.secret(), Totp.step(now))), now)
                .orElseThrow();

        reset.request("dr.two", "fa", "192.0.2.70");
        send();
        Mail m = inbox("two@example.org").get(0);
        assertEquals("بازنشانی گذرواژهٔ Telehub", m.subject());
        assertTrue(m.text().startsWith("درخواستی برای بازنشانی گذرواژهٔ حساب Telehub شما ثبت شد."), m.text());
        assertTrue(m.text().contains("۳۰") || m.text().contains("30"), m.text());
        String token = m.token();

        NotAuthenticatedException none = assertThrows(NotAuthenticatedException.class,
                () -> reset.confirm(token, NEW.toCharArray(), null, null));
        assertEquals("totp", none.field());
        ForbiddenException wrong = assertThrows(ForbiddenException.class,
                () -> reset.confirm(token, NEW.toCharArray(), "ZZZZ-ZZZZ-ZZZZ-ZZZZ", null));
        assertEquals("totp", wrong.field());
        assertTrue(accounts.authenticate("dr.two", OLD.toCharArray(), AccountsTest.API).isPresent(),
                "nothing written without the second factor");
        assertEquals("dr.two", reset.confirm(token, NEW.toCharArray(), recovery.get(0), null).username());
        assertTrue(accounts.authenticate("dr.two", NEW.toCharArray(), AccountsTest.API).isPresent());
        assertTrue(factors.recoveryCodesLeft(u.id()) == 9, "the factor stays; its code was used");
    }

    @Test
    void twoRacingConfirmationsSetThePasswordOnce() throws Exception {
        user("racer", "racer@example.org");
        reset.request("racer", null, null);
        send();
        String token = inbox("racer@example.org").get(0).token();
        int n = 6;
        CyclicBarrier go = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String pw = "racing-password-" + i;
                Callable<String> c = () -> {
                    go.await();
                    try {
                        reset.confirm(token, pw.toCharArray(), null, null);
                        return pw;
                    } catch (DomainException refused) {
                        assertGeneric(assertInstanceOf(InvalidException.class, refused));
                        return null;
                    }
                };
                results.add(pool.submit(c));
            }
            List<String> won = new ArrayList<>();
            for (Future<String> f : results) {
                if (f.get() != null) {
                    won.add(f.get());
                }
            }
            assertEquals(1, won.size(), "exactly one confirmation wins");
            assertTrue(accounts.authenticate("racer", won.get(0).toCharArray(), AccountsTest.API).isPresent(),
                    "and its password is the one set");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void requestsAreLimitedPerAccountAndPerAddress() throws Exception {
        user("busy", "busy@example.org");
        for (int i = 0; i < 5; i++) {
            reset.request("busy", null, "192.0.2." + (100 + i)); // five addresses, one account
        }
        assertEquals(3, count("SELECT COUNT(*) FROM auth_password_reset"), "at most 3 per account and hour");
        assertEquals(2, count("SELECT COUNT(*) FROM audit_event WHERE outcome LIKE 'nothing sent: more than 3"
                + " requests%'"));
        for (int i = 0; i < 10; i++) {
            reset.request("someone-" + i, null, "198.51.100.1");
        }
        Accounts.TooManyAttempts limited = assertThrows(Accounts.TooManyAttempts.class,
                () -> reset.request("busy", null, "198.51.100.1"));
        assertTrue(limited.seconds > 0 && limited.seconds <= 3600, "Retry-After " + limited.seconds);
        clock.advance(Duration.ofMinutes(61));
        reset.request("busy", null, "198.51.100.1"); // the window has passed
        assertEquals(4, count("SELECT COUNT(*) FROM auth_password_reset"));
    }

    @Test
    void aFailedSendIsRetriedAndTheLinkStaysSealedUntilItGoesOut() throws Exception {
        user("retry", "retry@example.org");
        int down;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            down = s.getLocalPort();
        }
        reset.email = TestEmailChannels.smtp(down, "hub", SMTP_PASSWORD, "Telehub <hub@clinic.test>");
        reset.request("retry", "ru", null);
        assertEquals(1, send());
        WorkItem item = work.list(PasswordReset.TOPIC, null, 10).get(0);
        assertEquals(WorkState.PENDING, item.state(), "to be retried");
        assertTrue(item.lastError().contains("127.0.0.1:" + down), item.lastError());
        String sealed = db.jdbi().withHandle(h -> h.createQuery("SELECT secret_sealed FROM auth_password_reset")
                .mapTo(String.class).one());
        assertNotNull(sealed);
        assertTrue(ReversibleBox.BOX.isSealed(sealed), "kept only sealed while it waits");

        reset.email = channel;
        assertEquals(1, send());
        assertEquals(WorkState.DONE, work.find(item.id()).orElseThrow().state());
        Mail m = inbox("retry@example.org").get(0);
        assertEquals("Сброс пароля Telehub", m.subject());
        assertNull(db.jdbi().withHandle(h -> h.createQuery("SELECT secret_sealed FROM auth_password_reset")
                .mapTo(String.class).one()));
        reset.confirm(m.token(), NEW.toCharArray(), null, null);
    }

    @Test
    void theEmailAddressIsValidatedAndChangedByAdminsOrWithThePassword() {
        InvalidException bad = assertThrows(InvalidException.class, () -> accounts.create(ADMIN, "bad.mail", null,
                Set.of("nurse"), OLD.toCharArray(), "not an address"));
        assertEquals("email", bad.field());
        for (String wrong : List.of("a@b", "a b@c.org", "a@@c.org", ".a@c.org", "a..b@c.org", "a@c..org",
                "Name <a@c.org>", "a@c.org\r\nBcc: x@y.org", "x".repeat(250) + "@c.org")) {
            assertEquals("email", assertThrows(InvalidException.class, () -> Accounts.email(wrong)).field(), wrong);
        }
        assertEquals("Nurse.Joy@clinic.example", Accounts.email(" Nurse.Joy@CLINIC.Example "));
        UserAccount u = accounts.create(ADMIN, "nurse.joy", null, Set.of("nurse"), OLD.toCharArray(), null);
        assertNull(u.email());
        assertEquals("joy@clinic.example", accounts.setEmail(ADMIN, u.id(), "joy@clinic.example").email());
        assertThrows(ForbiddenException.class, () -> accounts.setEmail(u.principal(), u.id(), "evil@x.org"));
        assertEquals("currentPassword", assertThrows(InvalidException.class, () -> accounts.changeOwnEmail(
                accounts.current(u.principal()), "wrong-password-9".toCharArray(), "evil@x.org")).field());
        assertEquals("joy@clinic.example", accounts.byId(u.id()).orElseThrow().email(), "unchanged");
        assertEquals("joy@home.example", accounts.changeOwnEmail(accounts.current(u.principal()), OLD.toCharArray(),
                "joy@home.example").email());
        assertNull(accounts.setEmail(ADMIN, u.id(), " ").email(), "blank removes it");
        assertEquals(3, count("SELECT COUNT(*) FROM audit_event WHERE action = 'user.email'"));
        assertEquals(0, count("SELECT COUNT(*) FROM audit_event WHERE outcome LIKE '%@%'"), "no address in the audit");
    }
}
