package org.telehub.security.internal;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.persistence.Database;
import org.telehub.rest.ProblemException;
import org.telehub.security.Roles;

/**
 * Accounts, login and tokens: the one place that knows how a password or a token is checked. Creates the bootstrap
 * administrator on the first start against an empty database.
 */
@Component(service = Accounts.class, configurationPid = "org.telehub.security")
@Designate(ocd = SecurityConfig.class)
public class Accounts {
    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{2,63}");

    private final UserStore store;
    private final PasswordHasher hasher;
    /** Made on the first unknown-user login, not at start: a PBKDF2 hash costs about 0.3 s of CPU. */
    private volatile String dummyHash;
    private final Duration tokenTtl;
    private final int minPasswordLength;

    @Activate
    public Accounts(@Reference Database database, SecurityConfig config) {
        this(database, config, true);
    }

    Accounts(Database database, SecurityConfig config, boolean migrate) {
        if (migrate) {
            database.migrate("security", FrameworkUtil.getBundle(Accounts.class), "db/migration/security");
        }
        this.store = new UserStore(database.jdbi());
        this.hasher = new PasswordHasher(config.pbkdf2Iterations());
        this.tokenTtl = Duration.ofMinutes(config.tokenTtlMinutes());
        this.minPasswordLength = config.minPasswordLength();
        bootstrap(config);
    }

    /** A login that worked. */
    record Session(String token, Instant expiresAt, UserAccount user) {
    }

    /** Checks a username and password; empty for any failure, without saying which part was wrong. */
    Optional<UserAccount> authenticate(String username, char[] password) {
        Optional<UserAccount> user = username == null ? Optional.empty() : store.byUsername(normalise(username));
        // verify against a dummy hash for unknown users, so response time does not tell who has an account
        boolean ok = hasher.verify(password, user.map(UserAccount::passwordHash).orElseGet(this::dummyHash));
        return ok && user.get().enabled() ? user : Optional.empty();
    }

    private String dummyHash() {
        String h = dummyHash;
        if (h == null) {
            h = hasher.dummy();
            dummyHash = h;
        }
        return h;
    }

    Optional<Session> login(String username, char[] password) {
        return authenticate(username, password).map(u -> {
            Instant exp = Instant.now().plus(tokenTtl);
            return new Session(store.issueToken(u.id(), exp), exp, u);
        });
    }

    UserStore.TokenCheck check(String token) {
        return store.check(token, Instant.now());
    }

    void logout(String token) {
        store.revoke(token);
    }

    UserAccount create(String username, String displayName, Collection<String> roles, char[] password) {
        String name = username == null ? null : normalise(username);
        if (name == null || !USERNAME.matcher(name).matches()) {
            throw ProblemException.invalid("username",
                    "3 to 64 characters: lower-case letters, digits and . _ @ -, starting with a letter or digit");
        }
        if (displayName != null && displayName.length() > 200) {
            throw ProblemException.invalid("displayName", "At most 200 characters");
        }
        if (roles == null || roles.isEmpty()) {
            throw ProblemException.invalid("roles", "At least one of " + Roles.ALL + " is required");
        }
        for (String r : roles) {
            if (!Roles.ALL.contains(r)) {
                throw ProblemException.invalid("roles", "Unknown role '" + r + "'; roles are " + Roles.ALL);
            }
        }
        checkPassword("password", password);
        try {
            return store.create(name, displayName, Set.copyOf(roles), hasher.hash(password));
        } catch (UserStore.DuplicateUsername e) {
            throw ProblemException.conflict(e.getMessage());
        }
    }

    void changePassword(UserAccount user, char[] current, char[] next) {
        if (current == null || !hasher.verify(current, user.passwordHash())) {
            throw ProblemException.invalid("currentPassword", "The current password is wrong");
        }
        checkPassword("newPassword", next);
        store.changePassword(user.id(), hasher.hash(next));
    }

    Optional<UserAccount> byId(long id) {
        return store.byId(id);
    }

    List<UserAccount> list(int offset, int limit) {
        return store.list(offset, limit);
    }

    private void checkPassword(String field, char[] password) {
        if (password == null || password.length < minPasswordLength) {
            throw ProblemException.invalid(field, "At least " + minPasswordLength + " characters");
        }
        if (password.length > 1024) {
            throw ProblemException.invalid(field, "At most 1024 characters");
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
        if (generated) {
            // The one time a secret is written to the log, by design: nobody could log in otherwise.
            String banner = "\n================ Telehub first start ================\n"
                    + "Administrator account created: " + config.bootstrapAdminUsername() + "\n"
                    + "Password (shown once, change it): " + new String(password) + "\n"
                    + "=====================================================";
            LOG.warn(banner);
            System.out.println(banner);
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
