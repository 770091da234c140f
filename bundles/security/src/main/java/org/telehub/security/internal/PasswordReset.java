package org.telehub.security.internal;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.text.MessageFormat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jdbi.v3.core.Handle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotAuthenticatedException;
import org.telehub.domain.notify.Notification;
import org.telehub.domain.notify.NotificationChannel;
import org.telehub.files.SecretBox;
import org.telehub.persistence.Database;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;

/**
 * Password reset by an e-mailed single-use link (issue 15).
 *
 * <p><b>Request</b> ({@link #request}): answered alike whether or not the account exists, is enabled or has an
 * address, and each way commits one transaction (the audit event, plus for a real reset its row and its work item;
 * the mail goes out later), so the answer says nothing and the timing differs by a few SQL statements only. For an enabled account with an address: a 256-bit
 * secret ({@code thr_} and 43 Base64url characters), of which the database keeps the SHA-256 to check it and, until
 * the mail is out, a copy sealed with the hub's master key ({@link SecretBox}) for the sender; earlier unused links of
 * the account are voided; a work item on {@value #TOPIC} sends the mail through the {@code email}
 * {@link NotificationChannel}, retried by the work service when the mail server fails (30 s doubling to 5 min, 6
 * runs; then dead, shown with its reason in the work service's metrics and admin views). The request is answered only
 * after that commit, so an acknowledged request survives a crash. Limits: per client address
 * ({@code passwordResetPerAddress} per {@code passwordResetWindowMinutes}, then 429) and per account
 * ({@code passwordResetPerAccount} mails per window, then nothing more is sent, answered alike). Its settings are
 * those of {@code org.telehub.security} ({@link SecurityConfig}), read from {@link Accounts}: a change restarts both.
 *
 * <p><b>Confirm</b> ({@link #confirm}): a malformed, unknown, spent, voided or expired link, or one of a disabled
 * account, is refused with one generic reason (400 naming {@code token}), the precise one only in the audit; then the
 * password policy (400 {@code newPassword}); then, for an account with a second factor, a current TOTP or recovery code
 * (401 {@code totp} when missing, 403 when wrong, throttled like a login): a mailbox alone must not get past the
 * second factor. Then, in one transaction: the link spent by a conditional UPDATE (of two racing confirmations exactly
 * one wins), the password set, every session and token of the account ended, its other links voided, audited
 * ({@code auth.password.reset}); the login lockout of the account is lifted.
 */
@Component(service = PasswordReset.class)
public class PasswordReset implements WorkHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PasswordReset.class);
    static final String TOPIC = "security.password-reset";
    /** Languages of the reset e-mail (reset*.properties beside this class). */
    static final List<String> LANGUAGES = List.of("en", "fa", "ru");
    /** The one reason given for every link that does not work. */
    static final String INVALID = "This link is invalid or has expired; ask for a new one";
    static final String PREFIX = "thr_";
    private static final Pattern TOKEN = Pattern.compile("thr_[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database database;
    private final Accounts accounts;
    private final WorkService work;
    private final SecretBox box;
    private final Clock clock;
    private final Duration lifetime;
    private final String defaultLanguage;
    private final String origin;
    private final int perAccountMax;
    private final PasswordResetLimit perAddress;
    private final PasswordResetLimit perAccount;

    /** The e-mail channel, when one is configured and enabled. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(&(channel=email)(!(enabled=false)))")
    volatile NotificationChannel email;

    /** Its work handler, registered by hand once it exists (see the constructor). */
    private org.osgi.framework.ServiceRegistration<WorkHandler> handler;

    @Activate
    public PasswordReset(@Reference Database database, @Reference Accounts accounts, @Reference WorkService work,
            @Reference SecretBox box, org.osgi.framework.BundleContext context) {
        this(database, accounts, work, box, accounts.config(), Clock.systemUTC());
        // registered by hand, not as this component's service: the work service binds every handler while it is
        // itself being created, and a handler component that needs the work service then makes a cycle that Felix
        // refuses ("ServiceFactory.getService() resulted in a cycle"), leaving the reset routes down (seen in ClusterIT)
        this.handler = context.registerService(WorkHandler.class, this, new java.util.Hashtable<>(Map.of(
                WorkHandler.TOPIC, TOPIC, WorkHandler.MAX_ATTEMPTS, 6, WorkHandler.BACKOFF_INITIAL_MILLIS, 30_000L,
                WorkHandler.BACKOFF_MAX_MILLIS, 300_000L)));
    }

    @org.osgi.service.component.annotations.Deactivate
    void close() {
        if (handler != null) {
            try {
                handler.unregister();
            } catch (IllegalStateException gone) {
                // the bundle is stopping
            }
        }
    }

    PasswordReset(Database database, Accounts accounts, WorkService work, SecretBox box, SecurityConfig config,
            Clock clock) {
        this.database = database;
        this.accounts = accounts;
        this.work = work;
        this.box = box;
        this.clock = clock;
        this.lifetime = Duration.ofMinutes(config.passwordResetMinutes());
        if (!LANGUAGES.contains(config.passwordResetLanguage())) {
            throw new IllegalArgumentException("passwordResetLanguage: '" + config.passwordResetLanguage()
                    + "' is not one of " + LANGUAGES);
        }
        this.defaultLanguage = config.passwordResetLanguage();
        String o = config.publicOrigin() == null ? "" : config.publicOrigin().strip();
        this.origin = o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
        Duration window = Duration.ofMinutes(config.passwordResetWindowMinutes());
        this.perAccountMax = config.passwordResetPerAccount();
        this.perAddress = new PasswordResetLimit(clock, config.passwordResetPerAddress(), window);
        this.perAccount = new PasswordResetLimit(clock, perAccountMax, window);
    }

    /**
     * A request for a reset link; returns normally in every case an outsider may not tell apart.
     *
     * @param language en, fa or ru; null for the hub's default
     * @param address the client's address, for its limit (null: not limited by address)
     * @throws InvalidException naming {@code username} or {@code language}
     * @throws Accounts.TooManyAttempts (429) when the address asked too often
     */
    void request(String username, String language, String address) {
        if (username == null || username.isBlank()) {
            throw new InvalidException("username", "Required");
        }
        if (username.length() > 254) {
            throw new InvalidException("username", "At most 254 characters");
        }
        String lang = language == null || language.isBlank() ? defaultLanguage : language.strip();
        if (!LANGUAGES.contains(lang)) {
            throw new InvalidException("language", "One of " + LANGUAGES);
        }
        String from = address == null ? "" : " (from " + address + ")";
        if (address != null) {
            long wait = perAddress.take(address);
            if (wait > 0) {
                throw new Accounts.TooManyAttempts(wait, "Too many password-reset requests from this address; try "
                        + "again in " + wait + " s");
            }
        }
        Optional<UserAccount> found = accounts.byUsername(username);
        String notSent = null;
        if (found.isEmpty()) {
            notSent = "no such account";
        } else if (!found.get().enabled()) {
            notSent = "the account is disabled";
        } else if (found.get().email() == null) {
            notSent = "the account has no e-mail address";
        } else if (email == null) {
            notSent = "no e-mail channel is enabled (etc/org.telehub.notify.email.cfg)";
            LOG.warn("A password reset of an account was asked for, but no e-mail channel is enabled to send it");
        } else if (perAccount.take(Long.toString(found.get().id())) > 0) {
            notSent = "more than " + perAccountMax + " requests for the account within the window";
        }
        Instant now = clock.instant();
        if (notSent != null) {
            String why = notSent;
            long actorId = found.map(UserAccount::id).orElse(0L);
            String actor = found.map(UserAccount::username).orElse(Accounts.fit(username.strip()));
            database.jdbi().useTransaction(h -> DbAuditLog.insert(h, actorId, actor,
                    "auth.password.reset.requested", null, List.of(), "nothing sent: " + why + from));
            return;
        }
        UserAccount user = found.get();
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String id = UUID.randomUUID().toString();
        Instant expires = now.plus(lifetime);
        database.jdbi().useTransaction(h -> {
            h.createUpdate("DELETE FROM auth_password_reset WHERE expires_at < :old")
                    .bind("old", Timestamp.from(now.minus(Duration.ofDays(1)))).execute();
            int voided = voidOpen(h, user.id(), now);
            h.createUpdate("INSERT INTO auth_password_reset (id, user_id, token_hash, language, created_at, expires_at,"
                    + " secret_sealed) VALUES (:id, :u, :hash, :lang, :now, :exp, :sealed)")
                    .bind("id", id).bind("u", user.id()).bind("hash", UserStore.digest(secret)).bind("lang", lang)
                    .bind("now", Timestamp.from(now)).bind("exp", Timestamp.from(expires))
                    .bind("sealed", box.seal(secret, context(id))).execute();
            String workId = work.submit(h, WorkRequest.of(TOPIC, id).withIdempotencyKey(id));
            h.createUpdate("UPDATE auth_password_reset SET work_id = :w WHERE id = :id").bind("w", workId)
                    .bind("id", id).execute();
            DbAuditLog.insert(h, user.id(), user.username(), "auth.password.reset.requested", null, List.of(),
                    "link " + id + " valid until " + expires + ", e-mail in " + lang + " queued"
                            + (voided > 0 ? ", " + voided + " earlier link(s) voided" : "") + from);
        });
    }

    /** Voids every open link of the account and forgets their sealed secrets; how many. */
    private static int voidOpen(Handle h, long userId, Instant now) {
        return h.createUpdate("UPDATE auth_password_reset SET voided_at = :now, secret_sealed = NULL"
                + " WHERE user_id = :u AND used_at IS NULL AND voided_at IS NULL")
                .bind("now", Timestamp.from(now)).bind("u", userId).execute();
    }

    /** The SecretBox context: a sealed secret opens only for its own row. */
    private static String context(String id) {
        return "auth_password_reset.secret:" + id;
    }

    /** A reset row with its account. */
    private record Row(String id, UserAccount user, String language, Instant expiresAt, Instant usedAt,
            Instant voidedAt, String sealed) {
        /** Why the link does not work now, or null. */
        String refused(Instant now) {
            if (usedAt != null) {
                return "the link was used already";
            }
            if (voidedAt != null) {
                return "the link was replaced by a newer one or another link was used";
            }
            if (!expiresAt.isAfter(now)) {
                return "the link expired at " + expiresAt;
            }
            if (!user.enabled()) {
                return "the account is disabled";
            }
            return null;
        }
    }

    private Optional<Row> row(String where, String value) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT r.id AS reset_id, r.language, r.expires_at,"
                + " r.used_at, r.voided_at, r.secret_sealed, u.id, u.username, u.display_name, u.roles, u.enabled,"
                + " u.created_at, u.password_hash, u.email FROM auth_password_reset r JOIN telehub_user u"
                + " ON u.id = r.user_id WHERE r." + where + " = :v").bind("v", value)
                .map((rs, ctx) -> new Row(rs.getString("reset_id"), UserStore.account(rs), rs.getString("language"),
                        rs.getTimestamp("expires_at").toInstant(), instant(rs.getTimestamp("used_at")),
                        instant(rs.getTimestamp("voided_at")), rs.getString("secret_sealed"))).findOne());
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /**
     * Sets a new password with a link's secret; see the class comment for the order of the checks.
     *
     * @return the account whose password was set
     * @throws InvalidException naming {@code token} (any link that does not work) or {@code newPassword}
     * @throws NotAuthenticatedException naming {@code totp} when the account has a second factor and no code came
     * @throws ForbiddenException naming {@code totp} for a wrong code
     */
    UserAccount confirm(String token, char[] newPassword, String totp, String address) {
        Accounts.Source source = new Accounts.Source("password reset", address);
        String from = address == null ? "" : " (from " + address + ")";
        if (token == null || !TOKEN.matcher(token).matches()) {
            throw refuse(0, "anonymous", "malformed link" + from);
        }
        Optional<Row> found = row("token_hash", UserStore.digest(token));
        if (found.isEmpty()) {
            throw refuse(0, "anonymous", "unknown link" + from);
        }
        Row r = found.get();
        Instant now = clock.instant();
        String why = r.refused(now);
        if (why != null) {
            throw refuse(r.user().id(), r.user().username(), why + from);
        }
        String hash = accounts.newPasswordHash("newPassword", newPassword);
        if (accounts.hasSecondFactor(r.user().id())) {
            if (totp == null || totp.isBlank()) {
                throw new NotAuthenticatedException("Unauthorized", "This account has a second factor: send the "
                        + "6-digit code of the authenticator app (or a recovery code) as totp", "totp",
                        Map.of("secondFactor", "totp"));
            }
            if (!accounts.verifySecondFactor(r.user(), totp.strip(), source)) {
                throw new ForbiddenException("Forbidden", "The code is wrong or was used already", "totp",
                        Map.of("secondFactor", "totp"));
            }
        }
        Instant at = clock.instant();
        Integer ended = database.jdbi().inTransaction(h -> {
            int spent = h.createUpdate("UPDATE auth_password_reset SET used_at = :now, secret_sealed = NULL"
                    + " WHERE id = :id AND used_at IS NULL AND voided_at IS NULL AND expires_at > :now")
                    .bind("now", Timestamp.from(at)).bind("id", r.id()).execute();
            if (spent != 1) {
                return null; // a racing confirmation won, or it expired meanwhile: nothing written
            }
            UserStore.setPassword(h, r.user().id(), hash, at);
            int n = UserStore.revokeAll(h, r.user().id(), at);
            voidOpen(h, r.user().id(), at);
            DbAuditLog.insert(h, r.user().id(), r.user().username(), "auth.password.reset", null, List.of(),
                    "password set by e-mailed link " + r.id() + ", " + n + " sessions and tokens ended, login "
                            + "lockout lifted" + from);
            return n;
        });
        if (ended == null) {
            throw refuse(r.user().id(), r.user().username(), "the link was used by a concurrent confirmation or expired"
                    + from);
        }
        accounts.afterPasswordReset(r.user());
        LOG.info("Password of user {} reset by an e-mailed link", r.user().id());
        return r.user();
    }

    /** Audits a refused link (its own transaction: nothing else is written) and throws the one generic answer. */
    private InvalidException refuse(long actorId, String actor, String why) {
        try {
            database.jdbi().useHandle(h -> DbAuditLog.insert(h, actorId, actor, "auth.password.reset.refused", null,
                    List.of(), why));
        } catch (RuntimeException e) {
            LOG.error("Cannot write the audit event of a refused password-reset link", e);
        }
        return new InvalidException("token", INVALID);
    }

    /** Sends one reset e-mail; see the class comment for what is retried. */
    @Override
    public Verdict handle(WorkItem item) throws Exception {
        Optional<Row> found = row("id", item.payload());
        if (found.isEmpty()) {
            return Verdict.done(); // its account was deleted
        }
        Row r = found.get();
        if (r.sealed() == null) {
            return Verdict.done(); // sent, spent or voided meanwhile
        }
        String why = r.refused(clock.instant());
        if (why != null) {
            forget(r.id());
            // a newer link replaced it: nothing lost; otherwise the mail never went out, which an admin should see
            return r.voidedAt() != null ? Verdict.done() : Verdict.giveUp("not sent: " + why);
        }
        if (r.user().email() == null) {
            forget(r.id());
            return Verdict.giveUp("not sent: the account no longer has an e-mail address");
        }
        NotificationChannel channel = email;
        if (channel == null) {
            return Verdict.retry("no e-mail channel is enabled (etc/org.telehub.notify.email.cfg)");
        }
        String secret = box.open(r.sealed(), context(r.id()));
        Notification n = message(r.user(), r.language(), link(secret));
        if (!channel.send(n)) {
            return Verdict.giveUp("the e-mail channel could not reach the account's address");
        }
        database.jdbi().useHandle(h -> h.createUpdate("UPDATE auth_password_reset SET secret_sealed = NULL,"
                + " sent_at = :now WHERE id = :id").bind("now", Timestamp.from(clock.instant())).bind("id", r.id())
                .execute());
        return Verdict.done();
    }

    private void forget(String id) {
        database.jdbi().useHandle(h -> h.createUpdate("UPDATE auth_password_reset SET secret_sealed = NULL"
                + " WHERE id = :id").bind("id", id).execute());
    }

    /** The link: the secret in the fragment, which browsers send to no server (no access log, no Referer). */
    String link(String secret) {
        return origin + "/reset-password#token=" + secret;
    }

    /** The e-mail in {@code language}: the link and how long it works; nothing else about the account. */
    Notification message(UserAccount user, String language, String link) {
        Locale locale = Locale.forLanguageTag(language);
        ResourceBundle texts = ResourceBundle.getBundle(PasswordReset.class.getPackageName() + ".reset", locale,
                PasswordReset.class.getClassLoader(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        String text = new MessageFormat(texts.getString("text"), locale).format(new Object[] {link,
            Long.toString(lifetime.toMinutes())});
        return new Notification("password-reset", null, "account", Long.toString(user.id()),
                user.displayName() == null ? user.username() : user.displayName(), user.email(), null,
                texts.getString("subject"), text, null);
    }
}
