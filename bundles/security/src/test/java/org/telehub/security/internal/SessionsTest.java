package org.telehub.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telehub.security.internal.AccountsTest.API;
import static org.telehub.security.internal.AccountsTest.config;
import static org.telehub.security.internal.AccountsTest.database;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.telehub.domain.ConflictException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotAuthenticatedException;
import org.telehub.domain.NotFoundException;
import org.telehub.persistence.Database;
import org.telehub.security.AuthenticatedUser;

/**
 * Browser sessions and account administration on a real PostgreSQL with the bundle's migrations (issue 15): idle
 * timeout and lifetime on a clock the test moves (30 min / 12 h, the shipped defaults), logout everywhere, disable,
 * roles, revocation by an administrator, each through the token cache a node keeps for 5 s.
 */
class SessionsTest {
    static final char[] PW = "bigger-on-the-inside".toCharArray();

    final Database db = database();
    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    final Accounts accounts = new Accounts(db, config("configured-secret-1"), false, clock);
    final AuthenticatedUser admin = accounts.authenticate("admin", "configured-secret-1".toCharArray(), API)
            .orElseThrow().principal();
    final UserAccount doctor = accounts.create("dr.who", "The Doctor", Set.of("doctor"), PW);

    @Test
    void aSessionLeftAloneForTheIdleTimeEnds() {
        String s = accounts.startSession("dr.who", PW, API).orElseThrow().token();
        assertTrue(s.startsWith("ths_"));
        clock.advance(Duration.ofMinutes(29));
        valid(s); // used: its idle time starts again
        clock.advance(Duration.ofMinutes(29));
        valid(s);
        clock.advance(Duration.ofMinutes(30).plusSeconds(1));
        assertEquals("the session expired after 30 min without use", reason(accounts.check(s, UserStore.Kind.SESSION)));
    }

    @Test
    void aSessionEndsAtItsLifetimeHoweverBusy() {
        String s = accounts.startSession("dr.who", PW, API).orElseThrow().token();
        for (int i = 0; i < 71; i++) { // 11 h 50 min of use every 10 minutes
            clock.advance(Duration.ofMinutes(10));
            valid(s);
        }
        clock.advance(Duration.ofMinutes(10));
        assertTrue(reason(accounts.check(s, UserStore.Kind.SESSION)).startsWith(
                "the session reached its maximum lifetime"));
    }

    @Test
    void aSessionsUseIsWrittenAtMostOnceAMinute() {
        Instant start = clock.instant();
        String s = accounts.startSession("dr.who", PW, API).orElseThrow().token();
        clock.advance(Duration.ofSeconds(50));
        valid(s);
        clock.advance(Duration.ofSeconds(6)); // past the 5 s cache: read again, still within the minute
        valid(s);
        assertEquals(start, lastUsed(s), "no write per request");
        clock.advance(Duration.ofSeconds(10));
        valid(s);
        assertEquals(start.plusSeconds(66), lastUsed(s));
    }

    @Test
    void aSessionIsNoBearerTokenAndABearerTokenNoSession() {
        String s = accounts.startSession("dr.who", PW, API).orElseThrow().token();
        String t = accounts.login("dr.who", PW, API).orElseThrow().token();
        valid(s);
        assertEquals("a browser session is not a bearer token", reason(accounts.check(s, UserStore.Kind.BEARER)),
                "also while cached: a session used as a bearer token would escape the CSRF check");
        assertEquals("a bearer token is not a session", reason(accounts.check(t, UserStore.Kind.SESSION)));
    }

    @Test
    void logoutEverywhereEndsEverySessionAndTokenAtOnceOnThisNodeThoughCached() {
        String browser1 = accounts.startSession("dr.who", PW, API).orElseThrow().token();
        String browser2 = accounts.startSession("dr.who", PW, API).orElseThrow().token();
        String api = accounts.login("dr.who", PW, API).orElseThrow().token();
        String adminToken = accounts.login("admin", "configured-secret-1".toCharArray(), API).orElseThrow().token();
        valid(browser1);
        valid(browser2);
        assertInstanceOf(UserStore.TokenCheck.Valid.class, accounts.check(api)); // all three in the 5 s cache

        assertEquals(3, accounts.logoutEverywhere(doctor.principal()));
        assertEquals("the session was ended (logged out)", reason(accounts.check(browser1, UserStore.Kind.SESSION)));
        assertEquals("the session was ended (logged out)", reason(accounts.check(browser2, UserStore.Kind.SESSION)));
        assertEquals("the token was revoked (logged out)", reason(accounts.check(api)));
        assertInstanceOf(UserStore.TokenCheck.Valid.class, accounts.check(adminToken), "another user's token lives");
        assertTrue(audit().contains(doctor.id() + " dr.who auth.logout.everywhere 3 sessions and tokens ended"));
    }

    @Test
    void aDisabledAccountCannotLogInAndItsSessionsEndAtOnce() {
        String s = accounts.startSession("dr.who", PW, API).orElseThrow().token();
        String t = accounts.login("dr.who", PW, API).orElseThrow().token();
        valid(s);
        AuthenticatedUser nurse = accounts.create("nurse.joy", null, Set.of("nurse"), PW).principal();

        // refused in the domain service, before anything about the account (or whether it exists) is said
        assertThrows(ForbiddenException.class, () -> accounts.setEnabled(nurse, doctor.id(), false));
        assertThrows(ForbiddenException.class, () -> accounts.setEnabled(nurse, 999_999, false));
        assertThrows(ForbiddenException.class, () -> accounts.setEnabled(null, doctor.id(), false));
        valid(s);
        assertThrows(NotFoundException.class, () -> accounts.setEnabled(admin, 999_999, false));
        assertThrows(ConflictException.class, () -> accounts.setEnabled(admin, admin.id(), false));

        assertFalse(accounts.setEnabled(admin, doctor.id(), false).enabled());
        assertEquals("the account is disabled", reason(accounts.check(s, UserStore.Kind.SESSION)));
        assertEquals("the account is disabled", reason(accounts.check(t)));
        assertTrue(accounts.login("dr.who", PW, API).isEmpty());
        assertTrue(accounts.startSession("dr.who", PW, API).isEmpty());

        assertTrue(accounts.setEnabled(admin, doctor.id(), true).enabled());
        assertEquals("the session was ended (logged out)", reason(accounts.check(s, UserStore.Kind.SESSION)),
                "enabling again brings no old session back");
        assertEquals("the token was revoked (logged out)", reason(accounts.check(t)));
        assertTrue(accounts.login("dr.who", PW, API).isPresent());
        List<String> rows = audit();
        assertTrue(rows.contains(admin.id() + " admin user.disable dr.who (id " + doctor.id()
                + ") disabled, 2 sessions and tokens ended"), rows.toString());
        assertTrue(rows.contains(admin.id() + " admin user.enable dr.who (id " + doctor.id() + ") enabled"));
    }

    @Test
    void changedRolesApplyToTheNextRequestThoughCachedAndAreAuditedBeforeAndAfter() {
        String t = accounts.login("dr.who", PW, API).orElseThrow().token();
        assertEquals(Set.of("doctor"), roles(t)); // cached with the old roles

        assertThrows(ForbiddenException.class, () -> accounts.changeRoles(doctor.principal(), doctor.id(),
                List.of("admin")), "nobody gives themselves roles");
        InvalidException bad = assertThrows(InvalidException.class,
                () -> accounts.changeRoles(admin, doctor.id(), List.of("nurse", "janitor")));
        assertEquals("roles", bad.field());
        assertThrows(InvalidException.class, () -> accounts.changeRoles(admin, doctor.id(), List.of()));
        assertThrows(ConflictException.class, () -> accounts.changeRoles(admin, admin.id(), List.of("doctor")));
        assertEquals(Set.of("doctor"), roles(t), "nothing changed by the refusals");

        accounts.changeRoles(admin, doctor.id(), List.of("nurse", "clinic-admin:North"));
        assertEquals(Set.of("nurse", "clinic-admin:North"), roles(t));
        assertTrue(audit().contains(admin.id() + " admin user.roles dr.who (id " + doctor.id()
                + ") roles before [doctor] after [clinic-admin:North, nurse]"), audit().toString());
    }

    @Test
    void anAdministratorEndsAnotherUsersSessions() {
        String s = accounts.startSession("dr.who", PW, API).orElseThrow().token();
        String adminToken = accounts.login("admin", "configured-secret-1".toCharArray(), API).orElseThrow().token();
        valid(s);
        assertThrows(ForbiddenException.class, () -> accounts.revokeSessions(doctor.principal(), admin.id()));
        assertInstanceOf(UserStore.TokenCheck.Valid.class, accounts.check(adminToken));
        assertThrows(NotFoundException.class, () -> accounts.revokeSessions(admin, 999_999));

        assertEquals(1, accounts.revokeSessions(admin, doctor.id()));
        assertEquals("the session was ended (logged out)", reason(accounts.check(s, UserStore.Kind.SESSION)));
        assertInstanceOf(UserStore.TokenCheck.Valid.class, accounts.check(adminToken));
        assertTrue(audit().contains(admin.id() + " admin user.sessions.revoke dr.who (id " + doctor.id()
                + "): 1 sessions and tokens ended"));
    }

    @Test
    void aWebSocketHandshakeWithTheCookieMustComeFromThePublicOrigin() {
        BrowserGuard gate = new BrowserGuard(accounts, "https://hub.example.org");
        String s = accounts.startSession("dr.who", PW, API).orElseThrow().token();
        String t = accounts.login("dr.who", PW, API).orElseThrow().token();
        String cookie = "lang=fa; __Host-telehub_session=" + s;

        assertEquals("dr.who", gate.admitHandshake("https://hub.example.org", cookie, null).username());
        ForbiddenException foreign = assertThrows(ForbiddenException.class,
                () -> gate.admitHandshake("https://evil.example", cookie, null));
        assertEquals("WebSocket refused: Origin https://evil.example is not https://hub.example.org",
                foreign.getMessage());
        assertThrows(ForbiddenException.class, () -> gate.admitHandshake(null, cookie, null));
        assertEquals("dr.who", gate.admitHandshake(null, null, "Bearer " + t).username(),
                "an API client's bearer token: no origin to check");
        assertThrows(NotAuthenticatedException.class, () -> gate.admitHandshake("https://hub.example.org", null,
                null));
        assertThrows(NotAuthenticatedException.class, () -> gate.admitHandshake(null, null, "Bearer " + s),
                "the session secret is no bearer token");
        accounts.logout(s, UserStore.Kind.SESSION);
        assertThrows(NotAuthenticatedException.class, () -> gate.admitHandshake("https://hub.example.org", cookie,
                null));
    }

    private void valid(String session) {
        assertInstanceOf(UserStore.TokenCheck.Valid.class, accounts.check(session, UserStore.Kind.SESSION));
    }

    private Instant lastUsed(String session) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT last_used_at FROM auth_token WHERE token_hash = :h")
                .bind("h", UserStore.digest(session)).mapTo(java.sql.Timestamp.class).one().toInstant());
    }

    private Set<String> roles(String token) {
        return assertInstanceOf(UserStore.TokenCheck.Valid.class, accounts.check(token)).user().roles();
    }

    private static String reason(UserStore.TokenCheck check) {
        return assertInstanceOf(UserStore.TokenCheck.Invalid.class, check).reason();
    }

    private List<String> audit() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT actor_id || ' ' || actor || ' ' || action || ' ' ||"
                + " outcome FROM audit_event ORDER BY id").mapTo(String.class).list());
    }
}
