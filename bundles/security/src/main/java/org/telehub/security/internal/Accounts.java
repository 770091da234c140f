package org.telehub.security.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.Response;

import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.persistence.Database;
import org.telehub.domain.ConflictException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/**
 * Accounts, login and tokens: the one place that knows how a password or a token is checked. Creates the bootstrap
 * administrator on the first start against an empty database. Every password check (REST login, the JAAS realm of
 * the shell and web console, password change) goes through {@link LoginThrottle} first and then through a
 * {@link HashPool}, so guessing is limited the same way on every channel and cannot take every core.
 */
@Component(service = Accounts.class, configurationPid = "org.telehub.security")
@Designate(ocd = SecurityConfig.class)
public class Accounts {
    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{2,63}");

    private final Database database;
    private final UserStore store;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final HashPool pool;
    private final Duration lockout;
    /** Made on the first unknown-user login, not at start: a PBKDF2 hash costs about 0.3 s of CPU. */
    private volatile String dummyHash;
    private final Duration tokenTtl;
    private final TokenCache tokens;
    private final int minPasswordLength;
    private final Clock clock;
    private final Duration sessionIdle;
    private final Duration sessionLifetime;
    /** A session's last use is written at most this often: its idle end is exact to within this. */
    private final Duration touchEvery;
    /** Access tokens of an external identity provider; absent or off: only the hub's own tokens. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile OidcTokens oidc;
    /** TOTP second factors; absent (no file store key): accounts that have one cannot log in, the others can. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SecondFactors secondFactors;
    /** Base roles whose holders must have a second factor; users known to have one, until when. */
    private final Set<String> secondFactorRequiredFor;
    /** For the components that share this configuration without registering it again (password reset). */
    private final SecurityConfig config;
    private final java.util.Map<Long, Instant> enrolledUntil = new java.util.concurrent.ConcurrentHashMap<>();

    @Activate
    public Accounts(@Reference Database database, SecurityConfig config) {
        this(database, config, true);
    }

    Accounts(Database database, SecurityConfig config, boolean migrate) {
        this(database, config, migrate, Clock.systemUTC());
    }

    Accounts(Database database, SecurityConfig config, boolean migrate, Clock clock) {
        if (migrate) {
            database.migrate("security", FrameworkUtil.getBundle(Accounts.class), "db/migration/security");
        }
        this.database = database;
        this.config = config;
        this.store = new UserStore(database.jdbi());
        this.hasher = new PasswordHasher(config.pbkdf2Iterations());
        this.throttle = new LoginThrottle(clock,
                new LoginThrottle.Policy(config.accountFreeFailures(), config.accountLockoutFailures(),
                        Duration.ofMinutes(config.accountWindowMinutes())),
                new LoginThrottle.Policy(config.addressFreeFailures(), config.addressLockoutFailures(),
                        Duration.ofMinutes(config.addressWindowMinutes())),
                Duration.ofSeconds(config.failureDelaySeconds()), Duration.ofMinutes(config.lockoutMinutes()));
        this.lockout = Duration.ofMinutes(config.lockoutMinutes());
        this.pool = new HashPool(config.hashThreads() > 0 ? config.hashThreads() : HashPool.defaultThreads(),
                config.hashQueue(), Duration.ofSeconds(10));
        this.tokenTtl = Duration.ofMinutes(config.tokenTtlMinutes());
        this.tokens = new TokenCache(Duration.ofSeconds(Math.max(0, config.tokenCacheSeconds())));
        this.minPasswordLength = config.minPasswordLength();
        this.secondFactorRequiredFor = requiredFor(config.secondFactorRequiredFor());
        this.clock = clock;
        this.sessionIdle = Duration.ofMinutes(config.sessionIdleMinutes());
        this.sessionLifetime = Duration.ofMinutes(config.sessionLifetimeMinutes());
        Duration tenth = sessionIdle.dividedBy(10);
        this.touchEvery = tenth.compareTo(Duration.ofMinutes(1)) < 0 ? tenth : Duration.ofMinutes(1);
        bootstrap(config);
    }

    /** The security configuration, read by the password reset (which so does not put it in its service's properties). */
    SecurityConfig config() {
        return config;
    }

    /** Base roles from a .cfg's comma-separated string or the console's list; an unknown role is an error. */
    static Set<String> requiredFor(String[] roles) {
        Set<String> out = new java.util.TreeSet<>();
        for (String r : String.join(",", roles).split(",")) {
            String role = r.strip();
            if (role.isEmpty()) {
                continue;
            }
            if (!Roles.ALL.contains(role)) {
                throw new IllegalArgumentException("secondFactorRequiredFor: '" + role + "' is none of " + Roles.ALL);
            }
            out.add(role);
        }
        return out;
    }

    /** A login that worked. */
    record Session(String token, Instant expiresAt, UserAccount user) {
    }

    /**
     * Where a password check comes from: the channel (for the audit) and the source address for the per-address
     * limit, null where the channel does not tell it (the JAAS realm).
     */
    record Source(String channel, String address) {
        static final Source REALM = new Source("console or shell", null);

        @Override
        public String toString() {
            return address == null ? channel : channel + " from " + address;
        }
    }

    /** Too many attempts or too many password checks at once: 429 with Retry-After, before any hash is computed. */
    static final class TooManyAttempts extends WebApplicationException {
        private static final long serialVersionUID = 1L;
        final long seconds;

        TooManyAttempts(long seconds, String detail) {
            super(detail, Response.status(429).header(HttpHeaders.RETRY_AFTER, Long.toString(seconds)).build());
            this.seconds = seconds;
        }
    }

    /**
     * Checks a username and password; empty for any failure, without saying which part was wrong.
     *
     * @throws TooManyAttempts when the account or the address must wait, or every hashing thread is taken
     */
    Optional<UserAccount> authenticate(String username, char[] password, Source source) {
        return authenticate(username, password, null, false, source);
    }

    /**
     * As {@link #authenticate(String, char[], Source)}; with {@code secondFactor} an account that has one also
     * needs {@code code} (a TOTP code or a recovery code), checked inside the same throttled attempt, so codes
     * cannot be guessed faster than passwords. The JAAS realm (shell, web console: administrators, loopback by
     * default) cannot ask for a code and passes false.
     *
     * @throws SecondFactorRequired when the password was right and a code is needed but none was given
     */
    Optional<UserAccount> authenticate(String username, char[] password, String code, boolean secondFactor,
            Source source) {
        String name = username == null ? "" : normalise(username);
        Optional<UserAccount> user = name.length() <= 64 ? store.byUsername(name) : Optional.empty();
        boolean ok = verify(throttleKey(name), user, password, secondFactor ? Optional.ofNullable(code) : null,
                source);
        if (ok && user.get().enabled()) {
            audit(user.get().id(), user.get().username(), "auth.login", source.toString());
            return user;
        }
        return Optional.empty();
    }

    /**
     * A second-factor code checked outside a login (removing the factor; re-confirming before a sensitive action),
     * throttled and audited like a password, so a stolen session cannot try every code.
     */
    boolean verifySecondFactor(UserAccount user, String code, Source source) {
        LoginThrottle.Attempt attempt;
        try {
            attempt = throttle.begin(throttleKey(user.username()), source.address());
        } catch (LoginThrottle.Refused r) {
            throw new TooManyAttempts(r.seconds, "Too many wrong codes; try again in " + r.seconds + " s");
        }
        SecondFactors factors = secondFactors;
        if (factors == null) {
            attempt.cancelled();
            throw new org.telehub.domain.UnavailableException("Second factors cannot be checked now; try again "
                    + "shortly");
        }
        if (factors.verify(user.id(), code, Instant.now())) {
            attempt.succeeded();
            return true;
        }
        attempt.failed();
        audit(user.id(), user.username(), "auth.totp.failed", source.toString());
        return false;
    }

    /** Whether the account has a confirmed second factor. */
    boolean hasSecondFactor(long userId) {
        return SecondFactors.enrolled(database.jdbi(), userId);
    }

    /**
     * Whether the user's role requires a second factor they have not set up yet. A factor found in force is
     * remembered for a minute (so this costs no read per request); one removed on another node is required again
     * here within that minute.
     */
    boolean mustEnrol(AuthenticatedUser user) {
        if (secondFactorRequiredFor.isEmpty()
                || user.roles().stream().map(Roles::base).noneMatch(secondFactorRequiredFor::contains)) {
            return false;
        }
        Instant now = clock.instant();
        Instant known = enrolledUntil.get(user.id());
        if (known != null && known.isAfter(now)) {
            return false;
        }
        if (hasSecondFactor(user.id())) {
            if (enrolledUntil.size() > 10_000) {
                enrolledUntil.clear();
            }
            enrolledUntil.put(user.id(), now.plusSeconds(60));
            return false;
        }
        return true;
    }

    /** After a removal on this node: required again at once. */
    void forgetSecondFactor(long userId) {
        enrolledUntil.remove(userId);
    }

    /** The password was right, the account has a second factor, and no code came with it. */
    static final class SecondFactorRequired extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SecondFactorRequired() {
            super("a second factor is required", null, false, false);
        }
    }

    /**
     * The password check every channel shares: throttle, bounded hashing, audit of failures and lockouts; then the
     * second factor where the channel asks for one ({@code code} non-null).
     */
    private boolean verify(String key, Optional<UserAccount> user, char[] password, Optional<String> code,
            Source source) {
        LoginThrottle.Attempt attempt;
        try {
            attempt = throttle.begin(key, source.address());
        } catch (LoginThrottle.Refused r) {
            throw new TooManyAttempts(r.seconds, "Too many failed logins; try again in " + r.seconds + " s");
        }
        boolean ok;
        try {
            // verify against a dummy hash for unknown users, so response time does not tell who has an account
            ok = pool.run(() -> hasher.verify(password, user.map(UserAccount::passwordHash)
                    .orElseGet(this::dummyHash)));
        } catch (HashPool.Busy busy) {
            attempt.cancelled();
            throw new TooManyAttempts(1, "The server is busy checking other passwords; try again in 1 s");
        }
        boolean secondFactorFailed = false;
        if (ok && user.get().enabled() && code != null && SecondFactors.enrolled(database.jdbi(), user.get().id())) {
            SecondFactors factors = secondFactors;
            if (factors == null) {
                attempt.cancelled();
                throw new org.telehub.domain.UnavailableException("Second factors cannot be checked now (the file "
                        + "store's key, which seals them, is not available); try again shortly");
            }
            if (code.isEmpty() || code.get().isBlank()) {
                attempt.cancelled();
                throw new SecondFactorRequired();
            }
            secondFactorFailed = !factors.verify(user.get().id(), code.get(), Instant.now());
            ok = !secondFactorFailed;
        }
        if (ok && user.get().enabled()) {
            attempt.succeeded();
            return true;
        }
        LoginThrottle.Locked locked = attempt.failed();
        long actorId = user.map(UserAccount::id).orElse(0L);
        audit(actorId, key, "auth.login.failed", secondFactorFailed ? source + ": wrong second-factor code"
                : source.toString());
        if (locked.account()) {
            LOG.warn("Login of '{}' locked for {} after repeated failures ({})", fit(key), lockoutText(), source);
            audit(actorId, key, "auth.lockout", "locked for " + lockoutText() + " (" + source + ")");
        }
        if (locked.address()) {
            LOG.warn("Logins from {} locked for {} after repeated failures", source.address(), lockoutText());
            audit(actorId, key, "auth.lockout.address", "address " + source.address() + " locked for "
                    + lockoutText());
        }
        return false;
    }

    private String lockoutText() {
        return lockout.toMinutes() + " min";
    }

    /**
     * An administrator lifts a lockout (and any delay) of an account before its time; audited.
     *
     * @throws ForbiddenException for anyone but an administrator
     * @throws NotFoundException for an unknown username
     */
    void unlock(AuthenticatedUser actor, String username) {
        if (actor == null || !actor.hasRole(Roles.ADMIN)) {
            throw new ForbiddenException("Only administrators unlock accounts");
        }
        String name = username == null ? "" : normalise(username);
        if (name.length() > 64 || store.byUsername(name).isEmpty()) {
            throw new NotFoundException("No user '" + fit(name) + "'");
        }
        boolean had = throttle.unlock(name);
        LOG.info("Administrator '{}' unlocked the login of '{}'", actor.username(), name);
        audit(actor.id(), actor.username(), "auth.unlock", name + (had ? " unlocked" : " had no failures"));
    }

    /** Seconds until the account may try a password again; 0 if now. */
    long lockedSeconds(String username) {
        return throttle.lockedSeconds(throttleKey(normalise(username)));
    }

    /** Usernames as throttle keys; a name too long to be an account is kept as its digest, to bound memory. */
    private static String throttleKey(String name) {
        if (name.length() <= 64) {
            return name;
        }
        try {
            return "#" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A caller-supplied name as it may go into a log line or the audit's actor column. */
    static String fit(String name) {
        String clean = name.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 64 ? clean : clean.substring(0, 63) + "…";
    }

    /**
     * Writes an authentication or account event to {@code audit_event} (no password or token, ever); its own
     * transaction: a refused login has no other transaction, and a failure to audit must not fail a login.
     */
    private void audit(long actorId, String actor, String action, String outcome) {
        try {
            database.jdbi().useHandle(h -> DbAuditLog.insert(h, actorId, fit(actor), action, null, List.of(),
                    outcome));
        } catch (RuntimeException e) {
            LOG.error("Cannot write the audit event {} of '{}'", action, fit(actor), e);
        }
    }

    private String dummyHash() {
        String h = dummyHash;
        if (h == null) {
            h = hasher.dummy();
            dummyHash = h;
        }
        return h;
    }

    Optional<Session> login(String username, char[] password, Source source) {
        return login(username, password, null, source);
    }

    /** A login of a channel that asks for the second factor: {@code code} is needed if the account has one. */
    Optional<Session> login(String username, char[] password, String code, Source source) {
        return authenticate(username, password, code, true, source)
                .map(u -> issue(u, UserStore.Kind.BEARER, tokenTtl));
    }

    private Session issue(UserAccount user, UserStore.Kind kind, Duration lifetime) {
        Instant now = clock.instant();
        Instant exp = now.plus(lifetime);
        return new Session(store.issue(user.id(), kind, now, exp), exp, user);
    }

    /**
     * A browser login: a session (for the cookie) that ends after {@code sessionIdleMinutes} without use and at
     * the latest {@code sessionLifetimeMinutes} after the login, however busy.
     */
    Optional<Session> startSession(String username, char[] password, Source source) {
        return startSession(username, password, null, source);
    }

    /** A browser login; {@code code} as for {@link #login(String, char[], String, Source)}. */
    Optional<Session> startSession(String username, char[] password, String code, Source source) {
        return authenticate(username, password, code, true, source)
                .map(u -> issue(u, UserStore.Kind.SESSION, sessionLifetime));
    }

    /**
     * A browser session for an account an identity provider signed in ({@link OidcLogin}): no password and no local
     * second factor (the provider decides its factors, as for its access tokens); {@code roles} as its mapping gave
     * them (null: the account's own). Audited {@code auth.login} with the channel. The caller checked that the
     * account exists and is enabled.
     */
    Session startProviderSession(UserAccount user, Set<String> roles, Source source) {
        Instant now = clock.instant();
        Instant exp = now.plus(sessionLifetime);
        String session = store.issue(user.id(), UserStore.Kind.SESSION, now, exp, roles, "oidc");
        audit(user.id(), user.username(), "auth.login", source.toString());
        UserAccount as = roles == null ? user : new UserAccount(user.id(), user.username(), user.displayName(),
                Set.copyOf(roles), user.enabled(), user.createdAt(), null);
        return new Session(session, exp, as);
    }

    long sessionIdleMinutes() {
        return sessionIdle.toMinutes();
    }

    UserStore.TokenCheck check(String token) {
        return check(token, UserStore.Kind.BEARER);
    }

    /**
     * Checks a bearer token or a session cookie. A session found valid in the database is marked used (at most once
     * per {@link #touchEvery}); a cached one is not, which is why a cache entry ends before the idle time would.
     */
    UserStore.TokenCheck check(String token, UserStore.Kind kind) {
        Instant now = clock.instant();
        String digest = UserStore.digest(token);
        Optional<UserStore.TokenCheck.Valid> cached = tokens.get(digest, now);
        if (cached.isPresent()) {
            return cached.get().kind() == kind ? cached.get() : store.check(token, now, kind, sessionIdle);
        }
        UserStore.TokenCheck c;
        if (kind == UserStore.Kind.BEARER && OidcTokens.looksLikeJwt(token)) {
            // the hub's own tokens have no dots: a JWS is an identity provider's access token
            OidcTokens provider = oidc;
            c = provider == null ? new UserStore.TokenCheck.Invalid("sign-in through an identity provider is not "
                    + "configured") : provider.check(token, store::byUsername);
        } else {
            c = store.check(token, now, kind, sessionIdle);
        }
        if (c instanceof UserStore.TokenCheck.Valid v) {
            if (kind == UserStore.Kind.SESSION && !v.lastUsedAt().plus(touchEvery).isAfter(now)) {
                store.touch(token, now);
                Instant idleEnd = now.plus(sessionIdle);
                v = new UserStore.TokenCheck.Valid(v.user(), idleEnd.isBefore(v.endsAt()) ? idleEnd : v.endsAt(),
                        kind, now, v.endsAt(), v.byProvider());
                c = v;
            }
            tokens.put(digest, v, now);
        }
        return c;
    }

    /** Revokes the token; audited as its account's logout (a token already invalid is revoked silently). */
    void logout(String token) {
        logout(token, UserStore.Kind.BEARER);
    }

    /** Ends one bearer token or session; audited as its account's logout. */
    void logout(String token, UserStore.Kind kind) {
        UserStore.TokenCheck who = store.check(token, clock.instant(), kind, sessionIdle);
        store.revoke(token);
        tokens.remove(UserStore.digest(token));
        if (who instanceof UserStore.TokenCheck.Valid v) {
            audit(v.user().id(), v.user().username(), "auth.logout", kind == UserStore.Kind.BEARER ? "token revoked"
                    : "session ended");
        }
    }

    /**
     * Ends every session and bearer token of the caller, on every node: in the database at once, in this node's
     * token cache at once, in other nodes' caches within {@code tokenCacheSeconds}.
     */
    int logoutEverywhere(AuthenticatedUser user) {
        int n = database.jdbi().inTransaction(h -> {
            int ended = UserStore.revokeAll(h, user.id(), clock.instant());
            DbAuditLog.insert(h, user.id(), user.username(), "auth.logout.everywhere", null, List.of(),
                    ended + " sessions and tokens ended");
            return ended;
        });
        tokens.clear();
        return n;
    }

    /**
     * An administrator ends every session and bearer token of another account (a lost phone, a shared login).
     *
     * @throws ForbiddenException for anyone but an administrator, before anything about the account is read
     * @throws NotFoundException for an unknown account
     */
    int revokeSessions(AuthenticatedUser actor, long userId) {
        requireAdmin(actor, "end other users' sessions");
        int n = database.jdbi().inTransaction(h -> {
            UserAccount a = UserStore.lockById(h, userId).orElseThrow(() -> new NotFoundException("No user "
                    + userId));
            int ended = UserStore.revokeAll(h, userId, clock.instant());
            DbAuditLog.insert(h, actor.id(), actor.username(), "user.sessions.revoke", null, List.of(),
                    a.username() + " (id " + userId + "): " + ended + " sessions and tokens ended");
            return ended;
        });
        tokens.clear();
        LOG.info("Administrator '{}' ended every session of user {}", actor.username(), userId);
        return n;
    }

    /**
     * An administrator disables an account (it can no longer log in on any channel; its sessions and tokens end
     * at once) or enables it again (old sessions stay ended). Nobody disables their own account: the last
     * administrator could otherwise lock everyone out.
     *
     * @throws ForbiddenException for anyone but an administrator
     * @throws NotFoundException for an unknown account
     * @throws ConflictException for one's own account
     */
    UserAccount setEnabled(AuthenticatedUser actor, long userId, boolean enabled) {
        requireAdmin(actor, enabled ? "enable accounts" : "disable accounts");
        if (!enabled && actor.id() == userId) {
            throw new ConflictException("You cannot disable your own account");
        }
        UserAccount changed = database.jdbi().inTransaction(h -> {
            UserAccount a = UserStore.lockById(h, userId).orElseThrow(() -> new NotFoundException("No user "
                    + userId));
            if (a.enabled() == enabled) {
                return a;
            }
            UserStore.setEnabled(h, userId, enabled);
            int ended = enabled ? 0 : UserStore.revokeAll(h, userId, clock.instant());
            DbAuditLog.insert(h, actor.id(), actor.username(), enabled ? "user.enable" : "user.disable", null,
                    List.of(), a.username() + " (id " + userId + ")" + (enabled ? " enabled"
                            : " disabled, " + ended + " sessions and tokens ended"));
            return new UserAccount(a.id(), a.username(), a.displayName(), a.roles(), enabled, a.createdAt(),
                    a.passwordHash(), a.email());
        });
        tokens.clear();
        return changed;
    }

    /**
     * An administrator replaces an account's roles; audited as {@code user.roles} with before and after. Every
     * cached token check is dropped, so the new roles apply to the account's next request on this node. An
     * administrator cannot take the role from themselves (the last one would leave nobody to give it back).
     *
     * @throws ForbiddenException for anyone but an administrator
     * @throws InvalidException naming {@code roles} for an empty list or an unknown role
     * @throws NotFoundException for an unknown account
     * @throws ConflictException for removing one's own administrator role
     */
    UserAccount changeRoles(AuthenticatedUser actor, long userId, Collection<String> roles) {
        requireAdmin(actor, "change roles");
        checkRoles(roles);
        Set<String> next = Set.copyOf(roles);
        if (actor.id() == userId && !next.contains(Roles.ADMIN)) {
            throw new ConflictException("You cannot remove the role " + Roles.ADMIN + " from your own account");
        }
        if (String.join(",", next).length() > 100) {
            throw new InvalidException("roles", "At most 100 characters together");
        }
        UserAccount changed = database.jdbi().inTransaction(h -> {
            UserAccount a = UserStore.lockById(h, userId).orElseThrow(() -> new NotFoundException("No user "
                    + userId));
            UserStore.setRoles(h, userId, next);
            DbAuditLog.insert(h, actor.id(), actor.username(), "user.roles", null, List.of(),
                    a.username() + " (id " + userId + ") roles before " + new java.util.TreeSet<>(a.roles())
                            + " after " + new java.util.TreeSet<>(next));
            return new UserAccount(a.id(), a.username(), a.displayName(), next, a.enabled(), a.createdAt(),
                    a.passwordHash(), a.email());
        });
        tokens.clear();
        return changed;
    }

    /** Account administration is the system administrator's: accounts carry no clinic, so no clinic admin's. */
    private static void requireAdmin(AuthenticatedUser actor, String what) {
        if (actor == null || !actor.hasRole(Roles.ADMIN)) {
            throw new ForbiddenException("Only administrators " + what);
        }
    }

    /**
     * An administrator creates an account; audited with its username and roles (never its password).
     *
     * @throws ForbiddenException for anyone but an administrator
     */
    UserAccount create(AuthenticatedUser actor, String username, String displayName, Collection<String> roles,
            char[] password) {
        return create(actor, username, displayName, roles, password, null);
    }

    /** As above, with an e-mail address (null: none; validated, 400 naming {@code email}). */
    UserAccount create(AuthenticatedUser actor, String username, String displayName, Collection<String> roles,
            char[] password, String email) {
        if (actor == null || !actor.hasRole(Roles.ADMIN)) {
            throw new ForbiddenException("Only administrators create accounts");
        }
        UserAccount a = create(username, displayName, roles, password, email);
        audit(actor.id(), actor.username(), "user.create", a.username() + " (id " + a.id() + ") with roles "
                + new java.util.TreeSet<>(a.roles()) + (a.email() == null ? "" : " and an e-mail address"));
        return a;
    }

    UserAccount create(String username, String displayName, Collection<String> roles, char[] password) {
        return create(username, displayName, roles, password, null);
    }

    UserAccount create(String username, String displayName, Collection<String> roles, char[] password,
            String email) {
        String name = username == null ? null : normalise(username);
        if (name == null || !USERNAME.matcher(name).matches()) {
            throw new InvalidException("username",
                    "3 to 64 characters: lower-case letters, digits and . _ @ -, starting with a letter or digit");
        }
        if (displayName != null && displayName.length() > 200) {
            throw new InvalidException("displayName", "At most 200 characters");
        }
        checkRoles(roles);
        checkPassword("password", password);
        String address = email(email);
        try {
            return store.create(name, displayName, Set.copyOf(roles), hash(password), address);
        } catch (UserStore.DuplicateUsername e) {
            throw new ConflictException(e.getMessage());
        }
    }

    /** Wrong current passwords count against the account like failed logins: a stolen token cannot guess it. */
    void changePassword(UserAccount user, char[] current, char[] next) {
        if (current == null || !verify(user.username(), Optional.of(user), current, null,
                new Source("password change", null))) {
            throw new InvalidException("currentPassword", "The current password is wrong");
        }
        checkPassword("newPassword", next);
        store.changePassword(user.id(), hash(next));
        tokens.clear();
        audit(user.id(), user.username(), "user.password.change", "every session ended");
    }

    /**
     * An administrator sets or clears (null or blank) an account's e-mail address, where password-reset links go;
     * audited as {@code user.email} (that it changed, not the addresses: they are personal data).
     *
     * @throws ForbiddenException for anyone but an administrator, before anything about the account is read
     * @throws InvalidException naming {@code email}
     * @throws NotFoundException for an unknown account
     */
    UserAccount setEmail(AuthenticatedUser actor, long userId, String email) {
        requireAdmin(actor, "change e-mail addresses of accounts");
        String address = email(email);
        return database.jdbi().inTransaction(h -> {
            UserAccount a = UserStore.lockById(h, userId).orElseThrow(() -> new NotFoundException("No user "
                    + userId));
            UserStore.setEmail(h, userId, address);
            DbAuditLog.insert(h, actor.id(), actor.username(), "user.email", null, List.of(), a.username() + " (id "
                    + userId + "): e-mail address " + (address == null ? "removed" : a.email() == null ? "set"
                            : "changed"));
            return withEmail(a, address);
        });
    }

    /**
     * The user sets or clears their own e-mail address; the current password is checked first (throttled like a
     * login): a stolen session must not redirect the account's reset links to the thief's mailbox.
     */
    UserAccount changeOwnEmail(UserAccount user, char[] current, String email) {
        if (current == null || !verify(user.username(), Optional.of(user), current, null,
                new Source("e-mail change", null))) {
            throw new InvalidException("currentPassword", "The current password is wrong");
        }
        String address = email(email);
        database.jdbi().useTransaction(h -> {
            UserStore.setEmail(h, user.id(), address);
            DbAuditLog.insert(h, user.id(), user.username(), "user.email", null, List.of(), user.username()
                    + " (id " + user.id() + "): own e-mail address " + (address == null ? "removed"
                            : user.email() == null ? "set" : "changed"));
        });
        return withEmail(user, address);
    }

    private static UserAccount withEmail(UserAccount a, String email) {
        return new UserAccount(a.id(), a.username(), a.displayName(), a.roles(), a.enabled(), a.createdAt(),
                a.passwordHash(), email);
    }

    /** Local part, @, a domain of dot-separated labels with a dot; no spaces, quotes, brackets or controls. */
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}"
            + "@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    /**
     * An e-mail address as stored: trimmed, its domain in lower case; null for null or blank (no address).
     *
     * @throws InvalidException naming {@code email}
     */
    static String email(String email) {
        if (email == null || email.isBlank()) {
            return null;
        }
        String e = email.strip();
        if (e.length() > 254 || !EMAIL.matcher(e).matches() || e.startsWith(".") || e.contains("..")
                || e.indexOf('@') > 0 && e.charAt(e.indexOf('@') - 1) == '.') {
            throw new InvalidException("email", "Not an e-mail address such as name@clinic.example (at most 254"
                    + " characters, no display name)");
        }
        int at = e.lastIndexOf('@');
        return e.substring(0, at) + "@" + e.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
    }

    /** The password policy applied to a new password and its hash (bounded by the hashing pool). */
    String newPasswordHash(String field, char[] password) {
        checkPassword(field, password);
        return hash(password);
    }

    /**
     * After a password was reset: the account's failures and lockout are forgotten, and no token of it is trusted
     * from this node's cache any longer.
     */
    void afterPasswordReset(UserAccount user) {
        throttle.unlock(throttleKey(user.username()));
        tokens.clear();
    }

    /**
     * Account by (case-insensitive) username, enabled or not (a password reset, an identity provider's sign-in
     * linking to it); empty for a name that cannot be one.
     */
    Optional<UserAccount> byUsername(String username) {
        String name = username == null ? "" : normalise(username);
        return name.isEmpty() || name.length() > 64 ? Optional.empty() : store.byUsername(name);
    }

    private String hash(char[] password) {
        try {
            return pool.run(() -> hasher.hash(password));
        } catch (HashPool.Busy busy) {
            throw new TooManyAttempts(1, "The server is busy checking other passwords; try again in 1 s");
        }
    }

    Optional<UserAccount> byId(long id) {
        return store.byId(id);
    }

    /** The caller's own stored account (404 if it was deleted while their token or session lived). */
    UserAccount current(AuthenticatedUser who) {
        return store.byId(who.id()).orElseThrow(() -> new NotFoundException("Your account no longer exists"));
    }

    /** Enabled accounts with one of {@code roles} whose username or name starts with {@code prefix}. */
    List<UserAccount> search(String prefix, java.util.Set<String> roles, int limit) {
        return store.search(prefix, roles, limit);
    }

    List<UserAccount> list(int offset, int limit) {
        return store.list(offset, limit);
    }

    private static void checkRoles(Collection<String> roles) {
        if (roles == null || roles.isEmpty()) {
            throw new InvalidException("roles", "At least one of " + Roles.ALL + " is required");
        }
        for (String r : roles) {
            if (r == null || !Roles.valid(r)) {
                throw new InvalidException("roles", "Unknown role '" + r + "'; roles are " + Roles.ALL
                        + " (" + Roles.CLINIC_ADMIN + " with its clinic: " + Roles.CLINIC_ADMIN + ":<clinic>)");
            }
        }
    }

    private void checkPassword(String field, char[] password) {
        if (password == null || password.length < minPasswordLength) {
            throw new InvalidException(field, "At least " + minPasswordLength + " characters");
        }
        if (password.length > 1024) {
            throw new InvalidException(field, "At most 1024 characters");
        }
    }

    private void bootstrap(SecurityConfig config) {
        if (store.count() > 0) {
            return;
        }
        String configured = config.bootstrapAdminPassword();
        boolean generated = configured == null || configured.isEmpty();
        char[] password = generated ? generatePassword() : configured.toCharArray();
        try {
            store.create(normalise(config.bootstrapAdminUsername()), "Administrator", Set.of(Roles.ADMIN),
                    hasher.hash(password));
        } catch (UserStore.DuplicateUsername raced) {
            return; // another node bootstrapped the same database first
        }
        audit(0, "system", "user.create", normalise(config.bootstrapAdminUsername()) + " with roles [admin], the"
                + " bootstrap administrator");
        if (generated) {
            // The one time a secret is shown, by design: nobody could log in otherwise. On the console only: a log
            // file is kept, shipped and read by more people than the one who started the hub.
            String banner = "\n================ Telehub first start ================\n"
                    + "Administrator account created: " + config.bootstrapAdminUsername() + "\n"
                    + "Password (shown once, change it): " + new String(password) + "\n"
                    + "=====================================================";
            System.out.println(banner);
            LOG.warn("Administrator account '{}' created with a generated password, printed once on the console"
                    + " (standard output), not here", config.bootstrapAdminUsername());
        } else {
            LOG.info("Administrator account '{}' created with the configured password",
                    config.bootstrapAdminUsername());
        }
    }

    private static char[] generatePassword() {
        byte[] raw = new byte[18];
        new SecureRandom().nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw).toCharArray();
    }

    private static String normalise(String username) {
        return username.trim().toLowerCase(java.util.Locale.ROOT);
    }
}
