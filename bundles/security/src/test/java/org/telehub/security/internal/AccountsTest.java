package org.telehub.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;

import javax.sql.DataSource;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.telehub.persistence.AppliedMigration;
import org.telehub.security.Colleagues;
import org.telehub.persistence.Database;
import org.telehub.persistence.TestDatabases;
import org.telehub.domain.ConflictException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;

/** Accounts and tokens on a real PostgreSQL, with the bundle's own migration script. */
class AccountsTest {
    static final Accounts.Source API = new Accounts.Source("api", "192.0.2.1");

    @Test
    void bootstrapCreatesOneAdministratorWithTheConfiguredPassword() {
        Database db = database();
        Accounts accounts = new Accounts(db, config("configured-secret-1"), false);
        assertTrue(accounts.authenticate("admin", "configured-secret-1".toCharArray(), API).isPresent());
        assertTrue(accounts.authenticate("ADMIN ", "configured-secret-1".toCharArray(), API).isPresent(),
                "usernames are case-insensitive");
        new Accounts(db, config("another-secret-2"), false); // a second start or a second node
        assertEquals(1, accounts.list(0, 10).size());
        assertFalse(accounts.authenticate("admin", "another-secret-2".toCharArray(), API).isPresent());
    }

    @Test
    void aLoginIssuesATokenThatLogoutAndPasswordChangeRevoke() {
        Accounts accounts = new Accounts(database(), config("configured-secret-1"), false);
        accounts.create("dr.who", "The Doctor", Set.of("doctor"), "bigger-on-the-inside".toCharArray());
        assertTrue(accounts.login("dr.who", "wrong-password-here".toCharArray(), API).isEmpty());
        assertTrue(accounts.login("nobody", "wrong-password-here".toCharArray(), API).isEmpty());

        Accounts.Session s = accounts.login("dr.who", "bigger-on-the-inside".toCharArray(), API).orElseThrow();
        assertTrue(s.token().startsWith("thb_"));
        UserStore.TokenCheck ok = accounts.check(s.token());
        UserStore.TokenCheck.Valid valid = assertInstanceOf(UserStore.TokenCheck.Valid.class, ok);
        assertEquals(Set.of("doctor"), valid.user().roles());

        accounts.logout(s.token());
        assertEquals("the token was revoked (logged out)", reason(accounts.check(s.token())));

        Accounts.Session s2 = accounts.login("dr.who", "bigger-on-the-inside".toCharArray(), API).orElseThrow();
        assertInstanceOf(UserStore.TokenCheck.Valid.class, accounts.check(s2.token())); // now in the token cache
        UserAccount who = valid.user();
        InvalidException wrong = assertThrows(InvalidException.class,
                () -> accounts.changePassword(who, "not-my-password".toCharArray(), "new-password-123".toCharArray()));
        assertEquals("currentPassword", wrong.field());
        accounts.changePassword(who, "bigger-on-the-inside".toCharArray(), "new-password-123".toCharArray());
        assertEquals("the token was revoked (logged out)", reason(accounts.check(s2.token())),
                "a password change ends every session");
        assertTrue(accounts.login("dr.who", "new-password-123".toCharArray(), API).isPresent());
        assertEquals("the token is not recognised", reason(accounts.check("thb_made_up")));
    }

    @Test
    void theTokenCacheNeverOutlivesItsTimeOrTheToken() {
        Database db = database();
        Accounts accounts = new Accounts(db, config("configured-secret-1"), false);
        Accounts.Session s = accounts.login("admin", "configured-secret-1".toCharArray(), API).orElseThrow();
        assertInstanceOf(UserStore.TokenCheck.Valid.class, accounts.check(s.token()));
        // revoked by another node: this node trusts its cached check for at most tokenCacheSeconds
        new UserStore(db.jdbi()).revoke(s.token());
        assertInstanceOf(UserStore.TokenCheck.Valid.class, accounts.check(s.token()), "served from the cache");

        TokenCache cache = new TokenCache(java.time.Duration.ofSeconds(5));
        Instant now = Instant.now();
        UserStore.TokenCheck.Valid v = (UserStore.TokenCheck.Valid) new UserStore(db.jdbi()).check(
                accounts.login("admin", "configured-secret-1".toCharArray(), API).orElseThrow().token(), now);
        cache.put("d1", v, now);
        assertTrue(cache.get("d1", now.plusSeconds(4)).isPresent());
        assertTrue(cache.get("d1", now.plusSeconds(5)).isEmpty(), "gone after the cache time");
        UserStore.TokenCheck.Valid soon = new UserStore.TokenCheck.Valid(v.user(), now.plusSeconds(2));
        cache.put("d2", soon, now);
        assertTrue(cache.get("d2", now.plusSeconds(2)).isEmpty(), "never past the token's own expiry");
        TokenCache off = new TokenCache(java.time.Duration.ZERO);
        off.put("d3", v, now);
        assertTrue(off.get("d3", now).isEmpty(), "0 seconds: no cache");
        for (int i = 0; i <= TokenCache.MAX; i++) {
            cache.put("k" + i, v, now);
        }
        assertTrue(cache.size() <= TokenCache.MAX, "bounded");
    }

    @Test
    void loginsLogoutsPasswordChangesAndAccountsAreAuditedWithoutSecrets() {
        Database db = database();
        Accounts accounts = new Accounts(db, config("configured-secret-1"), false);
        UserAccount admin = accounts.list(0, 10).get(0);
        UserAccount nurse = accounts.create(admin.principal(), "nurse.joy", null, Set.of("nurse"),
                "pokemon-center-1".toCharArray());
        assertThrows(ForbiddenException.class, () -> accounts.create(nurse.principal(), "nurse.two", null,
                Set.of("admin"), "pokemon-center-2".toCharArray()), "only administrators create accounts");
        Accounts.Session s = accounts.login("nurse.joy", "pokemon-center-1".toCharArray(), API).orElseThrow();
        assertTrue(accounts.login("nurse.joy", "not-her-password".toCharArray(), API).isEmpty());
        accounts.changePassword(nurse, "pokemon-center-1".toCharArray(), "pokemon-center-9".toCharArray());
        Accounts.Session s2 = accounts.login("nurse.joy", "pokemon-center-9".toCharArray(), API).orElseThrow();
        accounts.logout(s2.token());
        accounts.logout(s.token()); // already ended by the password change: nobody logs out twice

        List<String> audit = db.jdbi().withHandle(h -> h.createQuery("SELECT actor_id || ' ' || actor || ' '"
                + " || action || ' ' || outcome FROM audit_event ORDER BY id").mapTo(String.class).list());
        long n = nurse.id();
        assertEquals(List.of("0 system user.create admin with roles [admin], the bootstrap administrator",
                admin.id() + " admin user.create nurse.joy (id " + n + ") with roles [nurse]",
                n + " nurse.joy auth.login api from 192.0.2.1",
                n + " nurse.joy auth.login.failed api from 192.0.2.1",
                n + " nurse.joy user.password.change every session ended",
                n + " nurse.joy auth.login api from 192.0.2.1",
                n + " nurse.joy auth.logout token revoked"), audit);
        String all = audit.toString();
        for (String secret : List.of("pokemon", "not-her", "configured-secret", s.token(), s2.token())) {
            assertFalse(all.contains(secret), "no password or token in the audit: " + secret);
        }
    }

    @Test
    void tokensExpire() {
        Database db = database();
        Accounts accounts = new Accounts(db, config("configured-secret-1"), false);
        Accounts.Session s = accounts.login("admin", "configured-secret-1".toCharArray(), API).orElseThrow();
        UserStore store = new UserStore(db.jdbi());
        assertInstanceOf(UserStore.TokenCheck.Valid.class, store.check(s.token(), Instant.now()));
        String reason = reason(store.check(s.token(), s.expiresAt().plusSeconds(1)));
        assertTrue(reason.startsWith("the token expired at "), reason);
    }

    @Test
    void invalidAccountsAreRefusedWithTheFieldAndNothingIsStored() {
        Accounts accounts = new Accounts(database(), config("configured-secret-1"), false);
        assertField("username", () -> accounts.create("x", null, Set.of("nurse"), "long-enough-pw".toCharArray()));
        assertField("username", () -> accounts.create("bad name", null, Set.of("nurse"), "long-enough-pw".toCharArray()));
        assertField("roles", () -> accounts.create("nurse1", null, Set.of(), "long-enough-pw".toCharArray()));
        assertField("roles", () -> accounts.create("nurse1", null, Set.of("janitor"), "long-enough-pw".toCharArray()));
        assertField("password", () -> accounts.create("nurse1", null, Set.of("nurse"), "short".toCharArray()));
        assertField("displayName", () -> accounts.create("nurse1", "n".repeat(201), Set.of("nurse"),
                "long-enough-pw".toCharArray()));
        assertThrows(ConflictException.class,
                () -> accounts.create("Admin", null, Set.of("nurse"), "long-enough-pw".toCharArray()));
        assertEquals(1, accounts.list(0, 10).size());
    }

    @Test
    void colleaguesAreEnabledCliniciansFoundByTheStartOfTheirNameOrUsername() {
        Accounts accounts = new Accounts(database(), config("configured-secret-1"), false);
        Contacts contacts = new Contacts(accounts);
        UserAccount house = accounts.create("dr.house", "Gregory House", Set.of("doctor"), "long-enough-pw".toCharArray());
        accounts.create("n.hall", "Nora Hall", Set.of("nurse", "clinic-admin:north"), "long-enough-pw".toCharArray());
        accounts.create("p.harris", "Hannah Harris", Set.of("patient"), "long-enough-pw".toCharArray());
        accounts.create("desk.h", "Hugo Desk", Set.of("front-desk"), "long-enough-pw".toCharArray());
        accounts.create("dr.h_x", "Gone Doctor", Set.of("doctor"), "long-enough-pw".toCharArray());

        // a word of the name, any case; patients and the front desk are not colleagues; roles shown are clinical only
        assertEquals(List.of(new Colleagues.Colleague("dr.house", "Gregory House", Set.of("doctor"))),
                contacts.colleagues("HO", 10));
        assertEquals(List.of(new Colleagues.Colleague("n.hall", "Nora Hall", Set.of("nurse"))),
                contacts.colleagues("ha", 10));
        assertEquals(List.of("n.hall"), contacts.colleagues("hal", 10).stream()
                .map(Colleagues.Colleague::username).toList());
        assertEquals(List.of("dr.house"), contacts.colleagues("dr.ho", 10).stream()
                .map(Colleagues.Colleague::username).toList());
        // LIKE's wildcards are the user's text, not patterns
        assertEquals(List.of("dr.h_x"), contacts.colleagues("dr.h_", 10).stream()
                .map(Colleagues.Colleague::username).toList());
        assertEquals(List.of(), contacts.colleagues("h", 10), "one letter finds nobody");
        assertTrue(contacts.colleague("dr.house").isPresent());
        assertTrue(contacts.colleague("DR.HOUSE").isPresent(), "usernames are case-insensitive");
        assertTrue(contacts.colleague("p.harris").isEmpty());
        assertTrue(contacts.colleague("desk.h").isEmpty());
        assertTrue(contacts.colleague("nobody").isEmpty());
        accounts.setEnabled(new org.telehub.security.AuthenticatedUser(1, "admin", "Administrator", Set.of("admin")),
                house.id(), false);
        assertTrue(contacts.colleague("dr.house").isEmpty(), "a disabled account is nobody's colleague");
        assertEquals(List.of(), contacts.colleagues("ho", 10));
    }

    @Test
    void guessingLocksTheAccountOnEveryChannelUntilAnAdministratorUnlocksItAndIsAudited()
            throws Exception {
        Database db = database();
        MutableClock clock = new MutableClock(Instant.parse("2025-03-01T08:00:00Z"));
        Accounts accounts = new Accounts(db, config("configured-secret-1", 2, 4, 1), false, clock);
        UserAccount doctor = accounts.create("dr.who", null, Set.of("doctor"), "bigger-on-the-inside".toCharArray());
        char[] right = "bigger-on-the-inside".toCharArray();

        assertTrue(accounts.login("dr.who", "wrong-guess-1".toCharArray(), API).isEmpty());
        assertTrue(accounts.login("dr.who", "wrong-guess-2".toCharArray(), API).isEmpty());
        assertEquals(1, tooMany(() -> accounts.login("dr.who", right, API)), "even the right password waits");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(accounts.login("dr.who", "wrong-guess-3".toCharArray(), API).isEmpty());
        assertEquals(2, tooMany(() -> accounts.login("dr.who", right, API)));
        clock.advance(Duration.ofSeconds(2));
        assertTrue(accounts.login("dr.who", "wrong-guess-4".toCharArray(), API).isEmpty()); // locks it
        assertEquals(900, tooMany(() -> accounts.login("DR.WHO", right, new Accounts.Source("api", "198.51.100.7"))),
                "locked for 15 minutes, from any address");
        // the shell and the web console log in through the JAAS realm: the same lock
        assertTrue(assertThrows(FailedLoginException.class, () -> jaasLogin(accounts, "dr.who", "bigger-on-the-inside"))
                .getMessage().startsWith("Too many failed logins; try again in 9"));
        // so is a password change with a stolen token
        assertEquals(900, tooMany(() -> accounts.changePassword(doctor, right, "new-password-123".toCharArray())));

        // an unknown username is throttled the same way: no answer tells whether an account exists
        assertTrue(accounts.login("no.such.user", "wrong-guess-1".toCharArray(), API).isEmpty());
        assertTrue(accounts.login("no.such.user", "wrong-guess-2".toCharArray(), API).isEmpty());
        assertEquals(1, tooMany(() -> accounts.login("no.such.user", right, API)));

        UserAccount admin = accounts.list(0, 10).stream().filter(u -> u.username().equals("admin")).findFirst()
                .orElseThrow();
        assertThrows(ForbiddenException.class, () -> accounts.unlock(doctor.principal(), "dr.who"));
        assertThrows(NotFoundException.class, () -> accounts.unlock(admin.principal(), "no.such.user"));
        accounts.unlock(admin.principal(), "Dr.Who");
        assertEquals(0, accounts.lockedSeconds("dr.who"));
        assertTrue(jaasLogin(accounts, "dr.who", "bigger-on-the-inside"));
        assertTrue(accounts.login("dr.who", right, API).isPresent());

        List<String> audit = db.jdbi().withHandle(h -> h.createQuery("SELECT actor_id || ' ' || actor || ' '"
                + " || action || ' ' || outcome FROM audit_event WHERE action <> 'user.create' ORDER BY id")
                .mapTo(String.class).list());
        long id = doctor.id();
        assertEquals(List.of(id + " dr.who auth.login.failed api from 192.0.2.1",
                id + " dr.who auth.login.failed api from 192.0.2.1",
                id + " dr.who auth.login.failed api from 192.0.2.1",
                id + " dr.who auth.login.failed api from 192.0.2.1",
                id + " dr.who auth.lockout locked for 15 min (api from 192.0.2.1)",
                "0 no.such.user auth.login.failed api from 192.0.2.1",
                "0 no.such.user auth.login.failed api from 192.0.2.1",
                admin.id() + " admin auth.unlock dr.who unlocked", id + " dr.who auth.login console or shell",
                id + " dr.who auth.login api from 192.0.2.1"), audit,
                "each failure that reached the password check, the lockout, the unlock and the logins that worked;"
                        + " refusals cost nothing");
        assertTrue(audit.stream().noneMatch(a -> a.contains("wrong-guess") || a.contains("bigger")), "no password");
    }

    @Test
    void oneAddressGuessingManyUsernamesIsThrottledToo() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2025-03-01T08:00:00Z"));
        Accounts accounts = new Accounts(database(), config("configured-secret-1"), false, clock);
        Accounts.Source attacker = new Accounts.Source("api", "203.0.113.66");
        for (int i = 0; i < 20; i++) {
            assertTrue(accounts.login("user" + i, "wrong-guess".toCharArray(), attacker).isEmpty());
        }
        assertEquals(1, tooMany(() -> accounts.login("admin", "configured-secret-1".toCharArray(), attacker)));
        assertTrue(accounts.login("admin", "configured-secret-1".toCharArray(), API).isPresent(),
                "other addresses are not affected");
    }

    private static long tooMany(org.junit.jupiter.api.function.Executable call) {
        Accounts.TooManyAttempts e = assertThrows(Accounts.TooManyAttempts.class, call);
        assertEquals(429, e.getResponse().getStatus());
        assertEquals(Long.toString(e.seconds), e.getResponse().getHeaderString("Retry-After"));
        return e.seconds;
    }

    /** Logs in through the login module as Karaf's shell and web console do. */
    private static boolean jaasLogin(Accounts accounts, String user, String password) throws LoginException {
        TelehubLoginModule module = new TelehubLoginModule();
        module.initialize(new Subject(), callbacks -> {
            for (Callback c : callbacks) {
                if (c instanceof NameCallback n) {
                    n.setName(user);
                } else if (c instanceof PasswordCallback p) {
                    p.setPassword(password.toCharArray());
                }
            }
        }, Map.of(), Map.of(TelehubLoginModule.ACCOUNTS, accounts));
        return module.login();
    }

    private static void assertField(String field, org.junit.jupiter.api.function.Executable call) {
        InvalidException e = assertThrows(InvalidException.class, call);
        assertEquals(field, e.field(), e.detail());
    }

    private static String reason(UserStore.TokenCheck check) {
        return assertInstanceOf(UserStore.TokenCheck.Invalid.class, check).reason();
    }

    /** The real schema: the bundle's own scripts, run in order as a migration would run them. */
    static Database database() {
        return database(TestDatabases.postgres());
    }

    /** The security schema migrated on {@code ds}, as the role {@code ds} logs in as. */
    static Database database(DataSource ds) {
        Jdbi jdbi = Jdbi.create(ds);
        for (String script : List.of("V1__users_and_tokens.sql", "V2__audit_log.sql", "V3__audit_outcome_detail.sql",
                "V4__audit_seal.sql", "V5__browser_sessions.sql", "V6__second_factor.sql",
                "V7__visit_identities.sql", "V8__password_reset.sql", "V9__oidc_login.sql")) {
            try (InputStream in = AccountsTest.class.getResourceAsStream("/db/migration/security/" + script)) {
                String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                jdbi.useHandle(h -> h.createScript(sql).execute());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return new Database() {
            @Override
            public Jdbi jdbi() {
                return jdbi;
            }

            @Override
            public Dialect dialect() {
                return Dialect.POSTGRESQL;
            }

            @Override
            public List<AppliedMigration> migrate(String module, Bundle bundle, String path) {
                throw new UnsupportedOperationException("migrations are applied by the persistence bundle");
            }
        };
    }

    static SecurityConfig config(String adminPassword) {
        return config(adminPassword, 5, 10, 1);
    }

    /** The product defaults but for the bootstrap password, the hash cost and the throttle's thresholds. */
    static SecurityConfig config(String adminPassword, int accountFree, int accountLockout, int hashThreads) {
        return config(adminPassword, accountFree, accountLockout, hashThreads, new String[0]);
    }

    /** As above, with roles that must have a second factor. */
    static SecurityConfig config(String adminPassword, int accountFree, int accountLockout, int hashThreads,
            String[] secondFactorRequiredFor) {
        return new SecurityConfig() {
            @Override
            public String[] secondFactorRequiredFor() {
                return secondFactorRequiredFor;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return SecurityConfig.class;
            }

            @Override
            public String bootstrapAdminUsername() {
                return "admin";
            }

            @Override
            public String bootstrapAdminPassword() {
                return adminPassword;
            }

            @Override
            public int tokenTtlMinutes() {
                return 60;
            }

            @Override
            public int tokenCacheSeconds() {
                return 5;
            }

            @Override
            public String publicOrigin() {
                return "https://hub.example.org";
            }

            @Override
            public int sessionIdleMinutes() {
                return 30;
            }

            @Override
            public int sessionLifetimeMinutes() {
                return 720;
            }

            @Override
            public int pbkdf2Iterations() {
                return 10_000; // tests only: the product default is 600,000
            }

            @Override
            public int minPasswordLength() {
                return 12;
            }

            @Override
            public int accountFreeFailures() {
                return accountFree;
            }

            @Override
            public int accountLockoutFailures() {
                return accountLockout;
            }

            @Override
            public int accountWindowMinutes() {
                return 1440;
            }

            @Override
            public int addressFreeFailures() {
                return 20;
            }

            @Override
            public int addressLockoutFailures() {
                return 100;
            }

            @Override
            public int addressWindowMinutes() {
                return 60;
            }

            @Override
            public int failureDelaySeconds() {
                return 1;
            }

            @Override
            public int lockoutMinutes() {
                return 15;
            }

            @Override
            public int hashThreads() {
                return hashThreads;
            }

            @Override
            public int hashQueue() {
                return 16;
            }

            @Override
            public int passwordResetMinutes() {
                return 30;
            }

            @Override
            public String passwordResetLanguage() {
                return "en";
            }

            @Override
            public int passwordResetPerAccount() {
                return 3;
            }

            @Override
            public int passwordResetPerAddress() {
                return 10;
            }

            @Override
            public int passwordResetWindowMinutes() {
                return 60;
            }
        };
    }
}
