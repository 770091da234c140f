package org.telehub.security.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.files.SecretBox;
import org.telehub.persistence.Database;

/**
 * TOTP second factors and their recovery codes. A secret is sealed with the hub's master key before it is stored
 * ({@link SecretBox}), bound to its account's row, and never returned after enrolment. A code is accepted once:
 * the newest step used is kept and advanced by a conditional update, so two nodes given the same code at the same
 * moment accept it once. Ten recovery codes are shown once at confirmation; each works once.
 *
 * <p>This component needs the file store's key (the files bundle); while that is missing the accounts that have a
 * second factor cannot log in (503), the others can: fail closed, not open.
 */
@Component(service = SecondFactors.class)
public class SecondFactors {
    static final String ISSUER = "Telehub";
    private static final int RECOVERY_CODES = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final SecretBox box;

    @Activate
    public SecondFactors(@Reference Database database, @Reference SecretBox box) {
        this.jdbi = database.jdbi();
        this.box = box;
    }

    /** What an enrolment shows once: the secret for typing, the URI and its QR code for scanning. */
    record Enrolment(String secret, String otpauthUri, String qrSvg) {
    }

    /** Starts (or restarts) an enrolment: a new secret, not in force until a code from it is confirmed. */
    Enrolment begin(UserAccount user, Instant now) {
        if (enrolled(user.id())) {
            throw new org.telehub.domain.ConflictException("A second factor is already set up for " + user.username()
                    + "; remove it first (with a current code) to set up another device");
        }
        String secret = Totp.newSecret();
        String sealed = box.seal(secret, context(user.id()));
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO auth_totp (user_id, secret, confirmed_at, last_step, "
                + "created_at) VALUES (:u, :s, NULL, 0, :t) ON CONFLICT (user_id) DO UPDATE SET secret = :s, last_step = 0,"
                + " created_at = :t WHERE auth_totp.confirmed_at IS NULL").bind("u", user.id()).bind("s", sealed)
                .bind("t", at(now)).execute());
        String uri = Totp.uri(ISSUER, user.username(), secret);
        return new Enrolment(secret, uri, Totp.qrSvg(uri));
    }

    /**
     * Confirms an enrolment with a code from the device; returns the recovery codes (shown once). A wrong code
     * changes nothing.
     */
    Optional<List<String>> confirm(UserAccount user, String code, Instant now) {
        Optional<String> pending = jdbi.withHandle(h -> h.createQuery("SELECT secret FROM auth_totp WHERE user_id = :u"
                + " AND confirmed_at IS NULL").bind("u", user.id()).mapTo(String.class).findOne());
        if (pending.isEmpty()) {
            throw new org.telehub.domain.ConflictException(enrolled(user.id())
                    ? "The second factor is already confirmed" : "Start an enrolment first");
        }
        long step = Totp.matchingStep(box.open(pending.get(), context(user.id())), code, now);
        if (step < 0) {
            return Optional.empty();
        }
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < RECOVERY_CODES; i++) {
            codes.add(recoveryCode());
        }
        boolean done = jdbi.inTransaction(h -> {
            int n = h.createUpdate("UPDATE auth_totp SET confirmed_at = :t, last_step = :s WHERE user_id = :u AND "
                    + "confirmed_at IS NULL").bind("t", at(now)).bind("s", step).bind("u", user.id()).execute();
            if (n == 0) {
                return false;
            }
            h.createUpdate("DELETE FROM auth_recovery_code WHERE user_id = :u").bind("u", user.id()).execute();
            for (String c : codes) {
                h.createUpdate("INSERT INTO auth_recovery_code (user_id, code_hash) VALUES (:u, :h)")
                        .bind("u", user.id()).bind("h", hash(c)).execute();
            }
            return true;
        });
        if (!done) {
            throw new org.telehub.domain.ConflictException("The second factor was confirmed meanwhile");
        }
        return Optional.of(codes);
    }

    /** Whether the account has a confirmed second factor (then every login needs a code). */
    boolean enrolled(long userId) {
        return enrolled(jdbi, userId);
    }

    /** For {@link Accounts}, which must know it even while this component is absent (to fail closed). */
    static boolean enrolled(Jdbi jdbi, long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM auth_totp WHERE user_id = :u AND "
                + "confirmed_at IS NOT NULL").bind("u", userId).mapTo(Long.class).one()) > 0;
    }

    /**
     * Checks a code: a current TOTP code not used before, or an unused recovery code (which is used up).
     */
    boolean verify(long userId, String code, Instant now) {
        if (code == null) {
            return false;
        }
        String typed = code.strip();
        if (typed.matches("[0-9]{6}")) {
            Optional<String> sealed = jdbi.withHandle(h -> h.createQuery("SELECT secret FROM auth_totp WHERE "
                    + "user_id = :u AND confirmed_at IS NOT NULL").bind("u", userId).mapTo(String.class).findOne());
            if (sealed.isEmpty()) {
                return false;
            }
            long step = Totp.matchingStep(box.open(sealed.get(), context(userId)), typed, now);
            return step >= 0 && jdbi.withHandle(h -> h.createUpdate("UPDATE auth_totp SET last_step = :s WHERE "
                    + "user_id = :u AND last_step < :s").bind("s", step).bind("u", userId).execute()) == 1;
        }
        String normalised = typed.toUpperCase(Locale.ROOT).replace(" ", "");
        if (!normalised.matches("[A-Z2-7]{4}(-[A-Z2-7]{4}){3}")) {
            return false;
        }
        return jdbi.withHandle(h -> h.createUpdate("UPDATE auth_recovery_code SET used_at = :t WHERE user_id = :u "
                + "AND code_hash = :h AND used_at IS NULL").bind("t", at(now)).bind("u", userId)
                .bind("h", hash(normalised)).execute()) == 1;
    }

    /** How many recovery codes are left. */
    int recoveryCodesLeft(long userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM auth_recovery_code WHERE user_id = :u AND "
                + "used_at IS NULL").bind("u", userId).mapTo(Integer.class).one());
    }

    /** Removes the second factor (the caller has checked a current code, or is an administrator resetting it). */
    boolean remove(long userId) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM auth_recovery_code WHERE user_id = :u").bind("u", userId).execute();
            return h.createUpdate("DELETE FROM auth_totp WHERE user_id = :u").bind("u", userId).execute() > 0;
        });
    }

    private static String context(long userId) {
        return "auth_totp.secret:" + userId;
    }

    /** 80 random bits as four groups of four Base32 characters. */
    private static String recoveryCode() {
        byte[] b = new byte[10];
        RANDOM.nextBytes(b);
        String s = Totp.base32(b);
        return s.substring(0, 4) + "-" + s.substring(4, 8) + "-" + s.substring(8, 12) + "-" + s.substring(12, 16);
    }

    private static String hash(String code) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(code.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime at(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
