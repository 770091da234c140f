package org.telehub.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.telehub.persistence.Database;

/**
 * The TOTP second factor against an independent implementation: GNU {@code oathtool} (Debian's, what the RFC 6238
 * test vectors and authenticator apps agree with) computes the codes a phone would show. Enrolment, confirmation,
 * login with and without the code, replay of a used code, a code of a step too far, recovery codes once each,
 * removal; the secret is stored only sealed. Before issue 15 there was no second factor: a password alone logged in.
 */
class SecondFactorsTest {
    private static final Accounts.Source API = new Accounts.Source("api", "192.0.2.9");

    @Test
    void codesAreThoseOfAnIndependentImplementation() throws Exception {
        String secret = Totp.newSecret();
        assertEquals(32, secret.length(), "160 bits in Base32");
        Instant t = Instant.parse("2026-12-02T08:00:10Z");
        for (int i = 0; i < 5; i++) {
            Instant at = t.plusSeconds(i * 30L);
            assertEquals(oathtool(secret, at), String.format("%06d", Totp.code(secret, Totp.step(at))), "at " + at);
        }
        // RFC 6238 appendix B, SHA-1: the ASCII key "12345678901234567890" at 59 s is 94287082 (8 digits)
        String rfcKey = Totp.base32("12345678901234567890".getBytes(StandardCharsets.US_ASCII));
        assertEquals("287082", String.format("%06d", Totp.code(rfcKey, Totp.step(Instant.ofEpochSecond(59)))));
        assertEquals(Totp.step(t), Totp.matchingStep(secret, oathtool(secret, t), t));
        assertEquals(Totp.step(t) - 1, Totp.matchingStep(secret, oathtool(secret, t.minusSeconds(30)), t));
        assertEquals(-1, Totp.matchingStep(secret, oathtool(secret, t.minusSeconds(90)), t), "three steps old");
        assertEquals(-1, Totp.matchingStep(secret, "12345", t));
        assertTrue(Totp.uri("Telehub", "dr.x", secret).startsWith("otpauth://totp/Telehub:dr.x?secret=" + secret
                + "&issuer=Telehub"));
        assertTrue(Totp.qrSvg(Totp.uri("Telehub", "dr.x", secret)).startsWith("<svg "));
    }

    @Test
    void enrolConfirmLoginReplayRecoverRemove() throws Exception {
        Database db = AccountsTest.database();
        Accounts accounts = new Accounts(db, AccountsTest.config("admin-secret-0001"), false);
        SecondFactors factors = new SecondFactors(db, ReversibleBox.BOX);
        accounts.secondFactors = factors;
        UserAccount dr = accounts.create("dr.totp", "Dr TOTP", Set.of("doctor"), "doctor-password-1".toCharArray());

        Instant now = Instant.now();
        SecondFactors.Enrolment e = factors.begin(dr, now);
        String stored = db.jdbi().withHandle(h -> h.createQuery("SELECT secret FROM auth_totp").mapTo(String.class)
                .one());
        assertTrue(stored.startsWith("sealed:") && !stored.contains(e.secret()), "the secret is stored sealed");
        assertTrue(accounts.login("dr.totp", "doctor-password-1".toCharArray(), null, API).isPresent(),
                "not in force before it is confirmed");
        assertTrue(factors.confirm(dr, "000000".equals(oathtool(e.secret(), now)) ? "111111" : "000000", now)
                .isEmpty(), "a wrong code confirms nothing");
        List<String> recovery = factors.confirm(dr, oathtool(e.secret(), now), now).orElseThrow();
        assertEquals(10, recovery.size());
        assertEquals(10, Set.copyOf(recovery).size());
        assertThrows(org.telehub.domain.ConflictException.class, () -> factors.begin(dr, now),
                "a second enrolment over a confirmed one");

        assertThrows(Accounts.SecondFactorRequired.class,
                () -> accounts.login("dr.totp", "doctor-password-1".toCharArray(), null, API), "no code");
        assertTrue(accounts.login("dr.totp", "wrong-password-9".toCharArray(), null, API).isEmpty(),
                "a wrong password still says only that");
        assertTrue(accounts.authenticate("dr.totp", "doctor-password-1".toCharArray(), API).isPresent(),
                "the console's realm asks no code");

        // the confirming code's step is used: the next login needs the next step's code
        Instant next = now.plusSeconds(30);
        assertTrue(accounts.login("dr.totp", "doctor-password-1".toCharArray(), oathtool(e.secret(), now), API)
                .isEmpty(), "the code used to confirm is not accepted again");
        assertTrue(accounts.login("dr.totp", "doctor-password-1".toCharArray(), oathtool(e.secret(), next), API)
                .isPresent());
        assertTrue(accounts.login("dr.totp", "doctor-password-1".toCharArray(), oathtool(e.secret(), next), API)
                .isEmpty(), "replayed");
        assertTrue(accounts.login("dr.totp", "doctor-password-1".toCharArray(),
                oathtool(e.secret(), now.plusSeconds(300)), API).isEmpty(), "a code of ten steps ahead");

        assertTrue(accounts.login("dr.totp", "doctor-password-1".toCharArray(), recovery.get(0).toLowerCase(), API)
                .isPresent(), "a recovery code, typed in lower case");
        assertTrue(accounts.login("dr.totp", "doctor-password-1".toCharArray(), recovery.get(0), API).isEmpty(),
                "each recovery code once");
        assertEquals(9, factors.recoveryCodesLeft(dr.id()));

        assertFalse(accounts.verifySecondFactor(dr, "123456".equals(oathtool(e.secret(), Instant.now()))
                ? "654321" : "123456", API));
        assertTrue(accounts.verifySecondFactor(dr, recovery.get(1), API));
        assertTrue(factors.remove(dr.id()));
        assertTrue(accounts.login("dr.totp", "doctor-password-1".toCharArray(), null, API).isPresent(),
                "after removal the password alone");
        long failedCodes = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM audit_event WHERE action = "
                + "'auth.login.failed' AND outcome LIKE '%second-factor%'").mapTo(Long.class).one());
        assertNotEquals(0L, failedCodes, "wrong codes are audited as failed logins");
    }

    /**
     * With {@code secondFactorRequiredFor=doctor}, a doctor without a factor must enrol (the filter then refuses
     * every other route), a patient need not, and one who has enrolled is let through; an unknown role is a
     * configuration error.
     */
    @Test
    void aRoleCanRequireTheSecondFactor() throws Exception {
        Database db = AccountsTest.database();
        Accounts accounts = new Accounts(db, AccountsTest.config("admin-secret-0001", 5, 10, 1,
                new String[] {"doctor, clinic-admin"}), false);
        SecondFactors factors = new SecondFactors(db, ReversibleBox.BOX);
        accounts.secondFactors = factors;
        UserAccount dr = accounts.create("dr.must", "Dr Must", Set.of("doctor"), "doctor-password-1".toCharArray());
        UserAccount pat = accounts.create("pat.free", "Pat", Set.of("patient"), "patient-password-1".toCharArray());
        UserAccount north = accounts.create("admin.north", "North", Set.of("clinic-admin:north"),
                "clinic-password-1".toCharArray());
        assertTrue(accounts.mustEnrol(dr.principal()));
        assertTrue(accounts.mustEnrol(north.principal()), "clinic-admin covers clinic-admin:<clinic>");
        assertFalse(accounts.mustEnrol(pat.principal()));
        Instant now = Instant.now();
        SecondFactors.Enrolment e = factors.begin(dr, now);
        factors.confirm(dr, oathtool(e.secret(), now), now).orElseThrow();
        assertFalse(accounts.mustEnrol(dr.principal()));
        factors.remove(dr.id());
        accounts.forgetSecondFactor(dr.id());
        assertTrue(accounts.mustEnrol(dr.principal()), "required again after removal");
        assertThrows(IllegalArgumentException.class, () -> Accounts.requiredFor(new String[] {"surgeon"}));
    }

    /** What a phone shows at {@code t}: GNU oathtool, an implementation that is not ours. */
    private static String oathtool(String secret, Instant t) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("oathtool", "--totp", "-b", "-N",
                DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t.atOffset(ZoneOffset.UTC)) + " UTC", secret)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
