package org.telehub.security.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Accounts and bearer tokens in the Telehub database. */
final class UserStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, username, display_name, roles, enabled, created_at, password_hash,"
            + " email";

    private final Jdbi jdbi;

    UserStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Thrown when the username is taken. */
    static final class DuplicateUsername extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DuplicateUsername(String username) {
            super("Username '" + username + "' is taken");
        }
    }

    long count() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM telehub_user").mapTo(Long.class).one());
    }

    UserAccount create(String username, String displayName, Set<String> roles, String passwordHash) {
        return create(username, displayName, roles, passwordHash, null);
    }

    /** {@code email}: already validated, or null. */
    UserAccount create(String username, String displayName, Set<String> roles, String passwordHash, String email) {
        Instant now = Instant.now();
        try {
            long id = jdbi.inTransaction(h -> h.createUpdate("INSERT INTO telehub_user (username, display_name,"
                    + " password_hash, roles, enabled, created_at, password_changed_at, email)"
                    + " VALUES (:u, :d, :p, :r, TRUE, :now, :now, :email)")
                    .bind("u", username).bind("d", displayName).bind("p", passwordHash)
                    .bind("r", String.join(",", new TreeSet<>(roles))).bind("now", Timestamp.from(now))
                    .bind("email", email)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
            return new UserAccount(id, username, displayName, Set.copyOf(roles), true, now, passwordHash, email);
        } catch (UnableToExecuteStatementException e) {
            if (byUsername(username).isPresent()) {
                throw new DuplicateUsername(username);
            }
            throw e;
        }
    }

    Optional<UserAccount> byUsername(String username) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM telehub_user WHERE username = :u")
                .bind("u", username).map((rs, ctx) -> account(rs)).findOne());
    }

    /**
     * Enabled accounts holding one of {@code roles}, whose username or display name starts with {@code prefix} (or
     * has a word starting with it), case-insensitively, by display name; at most {@code limit}.
     */
    List<UserAccount> search(String prefix, Set<String> roles, int limit) {
        String p = prefix.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                .replace("_", "\\_");
        // roles are kept as "a,b:clinic,c": one of the wanted ones, with or without its clinic
        String anyRole = ",(" + String.join("|", new TreeSet<>(roles)) + ")(:[^,]*)?,";
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM telehub_user WHERE enabled"
                + " AND (',' || roles || ',') ~ :roles"
                + " AND (lower(username) LIKE :p OR lower(display_name) LIKE :p OR lower(display_name) LIKE :w)"
                + " ORDER BY lower(COALESCE(display_name, username)), id LIMIT :n")
                .bind("roles", anyRole).bind("p", p + "%").bind("w", "% " + p + "%").bind("n", limit)
                .map((rs, ctx) -> account(rs)).list());
    }

    Optional<UserAccount> byId(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM telehub_user WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> account(rs)).findOne());
    }

    List<UserAccount> list(int offset, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS
                + " FROM telehub_user ORDER BY id LIMIT :limit OFFSET :offset")
                .bind("limit", limit).bind("offset", offset).map((rs, ctx) -> account(rs)).list());
    }

    /** Sets a new password and ends every session of the user (a changed password must lock out old tokens). */
    void changePassword(long userId, String passwordHash) {
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE telehub_user SET password_hash = :p, password_changed_at = :now WHERE id = :id")
                    .bind("p", passwordHash).bind("now", Timestamp.from(Instant.now())).bind("id", userId).execute();
            revokeAll(h, userId, Instant.now());
        });
    }

    /** What a secret is for: an API client's bearer token or a browser's session cookie. */
    enum Kind {
        BEARER("thb_"), SESSION("ths_");

        final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Issues a token; returns the token itself, which is never stored. */
    String issueToken(long userId, Instant expiresAt) {
        return issue(userId, Kind.BEARER, Instant.now(), expiresAt);
    }

    /** Issues a bearer token or a session; returns the secret itself, which is never stored. */
    String issue(long userId, Kind kind, Instant now, Instant expiresAt) {
        return issue(userId, kind, now, expiresAt, null, null);
    }

    /**
     * As {@link #issue(long, Kind, Instant, Instant)}, for a sign-in through an identity provider:
     * {@code roles} (null: the account's own, read at each check) and who authenticated it ({@code signedInBy},
     * e.g. {@code oidc}; null: the hub's own password check).
     */
    String issue(long userId, Kind kind, Instant now, Instant expiresAt, Set<String> roles, String signedInBy) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = kind.prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM auth_token WHERE expires_at < :now").bind("now", Timestamp.from(now)).execute();
            h.createUpdate("INSERT INTO auth_token (token_hash, user_id, issued_at, expires_at, kind, last_used_at,"
                    + " roles, signed_in_by) VALUES (:h, :u, :now, :exp, :kind, :now, :roles, :by)")
                    .bind("h", digest(token)).bind("u", userId).bind("now", Timestamp.from(now))
                    .bind("exp", Timestamp.from(expiresAt)).bind("kind", kind.column())
                    .bind("roles", roles == null ? null : String.join(",", new TreeSet<>(roles)))
                    .bind("by", signedInBy).execute();
        });
        return token;
    }

    /** What a presented token is: valid for a user, or why not. */
    sealed interface TokenCheck {
        /**
         * @param expiresAt when it stops being valid without further use: the absolute end, or for a session the
         *        end of its idle time if that comes first
         * @param lastUsedAt when a session was last marked used (null for bearer tokens)
         * @param endsAt the absolute end, however busy
         * @param byProvider whether an identity provider authenticated it (its access token, or a session it
         *        signed in): the provider decides its factors, the hub asks no second factor of its own
         */
        record Valid(UserAccount user, Instant expiresAt, Kind kind, Instant lastUsedAt, Instant endsAt,
                boolean byProvider) implements TokenCheck {
            Valid(UserAccount user, Instant expiresAt, Kind kind, Instant lastUsedAt, Instant endsAt) {
                this(user, expiresAt, kind, lastUsedAt, endsAt, false);
            }

            Valid(UserAccount user, Instant expiresAt) {
                this(user, expiresAt, Kind.BEARER, null, expiresAt);
            }
        }

        record Invalid(String reason) implements TokenCheck {
        }
    }

    TokenCheck check(String token, Instant now) {
        return check(token, now, Kind.BEARER, null);
    }

    /**
     * Checks a secret presented as {@code kind}: a session cookie is no bearer token and the other way round (a
     * session used as a bearer token would escape the CSRF check). {@code idle} is a session's idle timeout.
     */
    TokenCheck check(String token, Instant now, Kind kind, Duration idle) {
        return jdbi.withHandle(h -> h.createQuery("SELECT t.expires_at, t.revoked_at, t.kind, t.last_used_at,"
                + " t.second_factor_pending, t.roles AS token_roles, t.signed_in_by, " + prefixed("u")
                + " FROM auth_token t JOIN telehub_user u ON u.id = t.user_id WHERE t.token_hash = :h")
                .bind("h", digest(token))
                .map((rs, ctx) -> {
                    Instant exp = rs.getTimestamp("expires_at").toInstant();
                    UserAccount user = account(rs);
                    String tokenRoles = rs.getString("token_roles");
                    boolean byProvider = rs.getString("signed_in_by") != null;
                    if (tokenRoles != null) {
                        // the roles an identity provider's mapping gave at sign-in, not the account's stored ones
                        user = new UserAccount(user.id(), user.username(), user.displayName(),
                                Set.copyOf(Arrays.asList(tokenRoles.split(","))), user.enabled(), user.createdAt(),
                                user.passwordHash());
                    }
                    if (!kind.column().equals(rs.getString("kind"))) {
                        return (TokenCheck) new TokenCheck.Invalid(kind == Kind.BEARER
                                ? "a browser session is not a bearer token" : "a bearer token is not a session");
                    }
                    if (!user.enabled()) {
                        return new TokenCheck.Invalid("the account is disabled");
                    }
                    if (rs.getTimestamp("revoked_at") != null) {
                        return new TokenCheck.Invalid(kind == Kind.BEARER ? "the token was revoked (logged out)"
                                : "the session was ended (logged out)");
                    }
                    if (!exp.isAfter(now)) {
                        return new TokenCheck.Invalid(kind == Kind.BEARER ? "the token expired at " + exp
                                : "the session reached its maximum lifetime at " + exp);
                    }
                    if (kind == Kind.BEARER) {
                        return new TokenCheck.Valid(user, exp, kind, null, exp, byProvider);
                    }
                    Instant used = rs.getTimestamp("last_used_at").toInstant();
                    Instant idleEnd = used.plus(idle);
                    if (!idleEnd.isAfter(now)) {
                        return new TokenCheck.Invalid("the session expired after " + idle.toMinutes()
                                + " min without use");
                    }
                    if (rs.getBoolean("second_factor_pending")) {
                        return new TokenCheck.Invalid("the session still waits for its second factor");
                    }
                    return new TokenCheck.Valid(user, idleEnd.isBefore(exp) ? idleEnd : exp, kind, used, exp,
                            byProvider);
                }).findOne()
                .orElse(new TokenCheck.Invalid(kind == Kind.BEARER ? "the token is not recognised"
                        : "the session is not recognised")));
    }

    /** Marks a session used now: its idle time starts again. */
    void touch(String token, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE auth_token SET last_used_at = :now WHERE token_hash = :h")
                .bind("now", Timestamp.from(now)).bind("h", digest(token)).execute());
    }

    void revoke(String token) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE auth_token SET revoked_at = :now WHERE token_hash = :h"
                + " AND revoked_at IS NULL").bind("now", Timestamp.from(Instant.now())).bind("h", digest(token))
                .execute());
    }

    /** Ends every bearer token and session of the user, in the caller's transaction; how many were not ended before. */
    static int revokeAll(Handle h, long userId, Instant now) {
        return h.createUpdate("UPDATE auth_token SET revoked_at = :now WHERE user_id = :u AND revoked_at IS NULL")
                .bind("now", Timestamp.from(now)).bind("u", userId).execute();
    }

    /** Enables or disables an account in the caller's transaction; false if there is no such account. */
    static boolean setEnabled(Handle h, long userId, boolean enabled) {
        return h.createUpdate("UPDATE telehub_user SET enabled = :e WHERE id = :id").bind("e", enabled)
                .bind("id", userId).execute() == 1;
    }

    /** Replaces an account's roles in the caller's transaction. */
    static void setRoles(Handle h, long userId, Set<String> roles) {
        h.createUpdate("UPDATE telehub_user SET roles = :r WHERE id = :id")
                .bind("r", String.join(",", new TreeSet<>(roles))).bind("id", userId).execute();
    }

    /** Sets or clears (null) an account's e-mail address in the caller's transaction. */
    static void setEmail(Handle h, long userId, String email) {
        h.createUpdate("UPDATE telehub_user SET email = :e WHERE id = :id").bind("e", email).bind("id", userId)
                .execute();
    }

    /** Sets a new password in the caller's transaction (the caller ends the sessions). */
    static void setPassword(Handle h, long userId, String passwordHash, Instant now) {
        h.createUpdate("UPDATE telehub_user SET password_hash = :p, password_changed_at = :now WHERE id = :id")
                .bind("p", passwordHash).bind("now", Timestamp.from(now)).bind("id", userId).execute();
    }

    /** An account read in the caller's transaction and locked against concurrent changes until it ends. */
    static Optional<UserAccount> lockById(Handle h, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM telehub_user WHERE id = :id FOR UPDATE")
                .bind("id", id).map((rs, ctx) -> account(rs)).findOne();
    }

    private static String prefixed(String alias) {
        return Arrays.stream(COLUMNS.split(",\\s*")).map(c -> alias + "." + c).reduce((a, b) -> a + ", " + b)
                .orElseThrow();
    }

    static UserAccount account(ResultSet rs) throws SQLException {
        Set<String> roles = new LinkedHashSet<>(Arrays.asList(rs.getString("roles").split(",")));
        roles.remove("");
        return new UserAccount(rs.getLong("id"), rs.getString("username"), rs.getString("display_name"), roles,
                rs.getBoolean("enabled"), rs.getTimestamp("created_at").toInstant(), rs.getString("password_hash"),
                rs.getString("email"));
    }

    static String digest(String token) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
