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
import java.time.Instant;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.osgi.framework.Bundle;
import org.telehub.persistence.AppliedMigration;
import org.telehub.persistence.Database;
import org.telehub.persistence.TestDatabases;
import org.telehub.rest.ProblemException;

/** Accounts and tokens on real H2 and real PostgreSQL, with the bundle's own migration script. */
class AccountsTest {

    static List<String> engines() {
        return TestDatabases.engines();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void bootstrapCreatesOneAdministratorWithTheConfiguredPassword(String engine) {
        Database db = database(engine);
        Accounts accounts = new Accounts(db, config("configured-secret-1"), false);
        assertTrue(accounts.authenticate("admin", "configured-secret-1".toCharArray()).isPresent());
        assertTrue(accounts.authenticate("ADMIN ", "configured-secret-1".toCharArray()).isPresent(),
                "usernames are case-insensitive");
        new Accounts(db, config("another-secret-2"), false); // a second start or a second node
        assertEquals(1, accounts.list(0, 10).size());
        assertFalse(accounts.authenticate("admin", "another-secret-2".toCharArray()).isPresent());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aLoginIssuesATokenThatLogoutAndPasswordChangeRevoke(String engine) {
        Accounts accounts = new Accounts(database(engine), config("configured-secret-1"), false);
        accounts.create("dr.who", "The Doctor", Set.of("doctor"), "bigger-on-the-inside".toCharArray());
        assertTrue(accounts.login("dr.who", "wrong-password-here".toCharArray()).isEmpty());
        assertTrue(accounts.login("nobody", "wrong-password-here".toCharArray()).isEmpty());

        Accounts.Session s = accounts.login("dr.who", "bigger-on-the-inside".toCharArray()).orElseThrow();
        assertTrue(s.token().startsWith("thb_"));
        UserStore.TokenCheck ok = accounts.check(s.token());
        UserStore.TokenCheck.Valid valid = assertInstanceOf(UserStore.TokenCheck.Valid.class, ok);
        assertEquals(Set.of("doctor"), valid.user().roles());

        accounts.logout(s.token());
        assertEquals("the token was revoked (logged out)", reason(accounts.check(s.token())));

        Accounts.Session s2 = accounts.login("dr.who", "bigger-on-the-inside".toCharArray()).orElseThrow();
        UserAccount who = valid.user();
        ProblemException wrong = assertThrows(ProblemException.class,
                () -> accounts.changePassword(who, "not-my-password".toCharArray(), "new-password-123".toCharArray()));
        assertEquals("currentPassword", wrong.field());
        accounts.changePassword(who, "bigger-on-the-inside".toCharArray(), "new-password-123".toCharArray());
        assertEquals("the token was revoked (logged out)", reason(accounts.check(s2.token())),
                "a password change ends every session");
        assertTrue(accounts.login("dr.who", "new-password-123".toCharArray()).isPresent());
        assertEquals("the token is not recognised", reason(accounts.check("thb_made_up")));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void tokensExpire(String engine) {
        Database db = database(engine);
        Accounts accounts = new Accounts(db, config("configured-secret-1"), false);
        Accounts.Session s = accounts.login("admin", "configured-secret-1".toCharArray()).orElseThrow();
        UserStore store = new UserStore(db.jdbi());
        assertInstanceOf(UserStore.TokenCheck.Valid.class, store.check(s.token(), Instant.now()));
        String reason = reason(store.check(s.token(), s.expiresAt().plusSeconds(1)));
        assertTrue(reason.startsWith("the token expired at "), reason);
    }

    @ParameterizedTest
    @MethodSource("engines")
    void invalidAccountsAreRefusedWithTheFieldAndNothingIsStored(String engine) {
        Accounts accounts = new Accounts(database(engine), config("configured-secret-1"), false);
        assertField("username", () -> accounts.create("x", null, Set.of("nurse"), "long-enough-pw".toCharArray()));
        assertField("username", () -> accounts.create("bad name", null, Set.of("nurse"), "long-enough-pw".toCharArray()));
        assertField("roles", () -> accounts.create("nurse1", null, Set.of(), "long-enough-pw".toCharArray()));
        assertField("roles", () -> accounts.create("nurse1", null, Set.of("janitor"), "long-enough-pw".toCharArray()));
        assertField("password", () -> accounts.create("nurse1", null, Set.of("nurse"), "short".toCharArray()));
        assertField("displayName", () -> accounts.create("nurse1", "n".repeat(201), Set.of("nurse"),
                "long-enough-pw".toCharArray()));
        ProblemException dup = assertThrows(ProblemException.class,
                () -> accounts.create("Admin", null, Set.of("nurse"), "long-enough-pw".toCharArray()));
        assertEquals(409, dup.status());
        assertEquals(1, accounts.list(0, 10).size());
    }

    private static void assertField(String field, org.junit.jupiter.api.function.Executable call) {
        ProblemException e = assertThrows(ProblemException.class, call);
        assertEquals(400, e.status());
        assertEquals(field, e.field(), e.detail());
    }

    private static String reason(UserStore.TokenCheck check) {
        return assertInstanceOf(UserStore.TokenCheck.Invalid.class, check).reason();
    }

    /** The real schema: the bundle's own V1 script, run as a migration would run it. */
    static Database database(String engine) {
        DataSource ds = TestDatabases.create(engine);
        Jdbi jdbi = Jdbi.create(ds);
        try (InputStream in = AccountsTest.class.getResourceAsStream("/db/migration/security/V1__users_and_tokens.sql")) {
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            jdbi.useHandle(h -> h.createScript(sql).execute());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Database() {
            @Override
            public Jdbi jdbi() {
                return jdbi;
            }

            @Override
            public Dialect dialect() {
                return engine.equals("h2") ? Dialect.H2 : Dialect.POSTGRESQL;
            }

            @Override
            public List<AppliedMigration> migrate(String module, Bundle bundle, String path) {
                throw new UnsupportedOperationException("migrations are applied by the persistence bundle");
            }
        };
    }

    static SecurityConfig config(String adminPassword) {
        return new SecurityConfig() {
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
            public int pbkdf2Iterations() {
                return 10_000; // tests only: the product default is 600,000
            }

            @Override
            public int minPasswordLength() {
                return 12;
            }
        };
    }
}
