package org.telehub.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The throttle's arithmetic on a clock the test moves: no sleeping. */
class LoginThrottleTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T08:00:00Z"));
    /** The shipped defaults. */
    private final LoginThrottle throttle = new LoginThrottle(clock,
            new LoginThrottle.Policy(5, 10, Duration.ofMinutes(1440)),
            new LoginThrottle.Policy(20, 100, Duration.ofMinutes(60)), Duration.ofSeconds(1), Duration.ofMinutes(15));

    @Test
    void fiveFreeFailuresThenADoublingDelayThenALockoutThatRepeatsAfterEveryFailure() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertEquals(new LoginThrottle.Locked(false, false), throttle.begin("admin", "192.0.2.1").failed());
        }
        long[] delays = {1, 2, 4, 8, 16};
        for (long d : delays) {
            assertEquals(d, refused("admin", "192.0.2.1"));
            clock.advance(Duration.ofSeconds(d).minusMillis(1));
            assertEquals(1, refused("admin", "192.0.2.1"), "not a millisecond early");
            clock.advance(Duration.ofMillis(1));
            LoginThrottle.Locked locked = throttle.begin("admin", "192.0.2.1").failed();
            assertEquals(d == 16, locked.account(), "the 10th failure locks: " + d);
        }
        assertEquals(900, refused("admin", "192.0.2.1"), "locked for 15 minutes");
        assertEquals(900, refused("admin", null), "from any address, and where the address is unknown");
        assertEquals(900, throttle.lockedSeconds("admin"));
        clock.advance(Duration.ofMinutes(15));
        throttle.begin("admin", "192.0.2.1").failed();
        assertEquals(900, refused("admin", "192.0.2.1"), "every further failure locks again");
        assertEquals(0, throttle.lockedSeconds("someone-else"));
    }

    @Test
    void parallelGuessesAreCountedBeforeTheyAreCheckedSoOnlyTheFreeOnesGetThrough() throws Exception {
        List<LoginThrottle.Attempt> running = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < 30; i++) { // 30 begun before any has finished
            try {
                running.add(throttle.begin("admin", "192.0.2." + i));
            } catch (LoginThrottle.Refused r) {
                assertEquals(1, r.seconds);
                refused++;
            }
        }
        assertEquals(5, running.size());
        assertEquals(25, refused);
    }

    @Test
    void aSuccessForgetsTheAccountsFailuresButNotTheAddresses() throws Exception {
        for (int i = 0; i < 4; i++) {
            throttle.begin("dr.who", "192.0.2.1").failed();
        }
        throttle.begin("dr.who", "192.0.2.1").succeeded();
        for (int i = 0; i < 5; i++) {
            throttle.begin("dr.who", "192.0.2.1").failed();
        }
        assertEquals(1, refused("dr.who", "192.0.2.1"));
        // the address has 9 failures (the success took back only its own): 11 more on other names, then it waits
        for (int i = 0; i < 11; i++) {
            throttle.begin("name" + i, "192.0.2.1").failed();
        }
        assertEquals(1, refused("fresh-name", "192.0.2.1"), "the address budget covers every username");
        throttle.begin("fresh-name", "198.51.100.7").cancelled(); // another address is not affected
    }

    @Test
    void anAddressIsLockedAfterItsLargerBudgetWithoutSpendingItOnRefusals() throws Exception {
        LoginThrottle.Locked last = null;
        for (int i = 0; i < 100; i++) {
            while (true) {
                try {
                    last = throttle.begin("user" + i, "203.0.113.9").failed();
                    break;
                } catch (LoginThrottle.Refused r) {
                    clock.advance(Duration.ofSeconds(r.seconds)); // refusals are not counted
                }
            }
        }
        assertTrue(last.address(), "the 100th failure locks the address");
        assertEquals(900, refused("user-new", "203.0.113.9"));
    }

    @Test
    void anUnlockForgetsTheFailuresAtOnceAndTheWindowAfterAQuietDay() throws Exception {
        lockNurse();
        assertEquals(900, refused("nurse", null));
        assertTrue(throttle.unlock("nurse"));
        throttle.begin("nurse", null).failed(); // at once, and counted from 1 again
        throttle.begin("nurse", null).failed();

        throttle.unlock("nurse");
        lockNurse();
        clock.advance(Duration.ofMinutes(1441));
        throttle.begin("nurse", null).failed(); // kept, this would have locked it again for 15 minutes
        throttle.begin("nurse", null).failed();
    }

    private void lockNurse() throws LoginThrottle.Refused {
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofMinutes(16));
            throttle.begin("nurse", null).failed();
        }
    }

    @Test
    void randomUsernamesCannotGrowMemoryPastTheBound() throws Exception {
        for (int i = 0; i < LoginThrottle.MAX_KEYS + 5_000; i++) {
            throttle.begin("random-" + i, null).failed();
        }
        assertEquals(LoginThrottle.MAX_KEYS, throttle.keys());
    }

    @Test
    void floodingFreshUsernamesDoesNotEvictALockedAccount() throws Exception {
        lockNurse();
        assertTrue(throttle.lockedSeconds("nurse") > 0);
        for (int i = 0; i < LoginThrottle.MAX_KEYS * 2; i++) {
            throttle.begin("flood-" + i, null).failed();
        }
        assertEquals(LoginThrottle.MAX_KEYS, throttle.keys());
        assertEquals(900, throttle.lockedSeconds("nurse"), "still locked after 20,000 fresh usernames");
    }

    private long refused(String account, String address) {
        return assertThrows(LoginThrottle.Refused.class, () -> throttle.begin(account, address)).seconds;
    }
}
