package org.telehub.security.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits password guessing per account and per source address, before any password hash is computed, so a refused
 * attempt costs no CPU. Every attempt is counted as a failure when it begins (so 30 parallel guesses cannot all slip
 * through before the first one has failed); a success then forgets the account's failures and takes its own
 * provisional failure back from the address.
 *
 * <p>For each key: the first {@code freeFailures} failures cost nothing; after that the next attempt must wait a
 * delay that doubles from {@code baseDelay} with each further failure, and from {@code lockoutFailures} on the key
 * is locked for {@code lockout} after every failure (until an administrator unlocks an account). Failures are
 * forgotten after {@code window} without one. Unknown usernames are keys like any other, so a refusal never says
 * whether an account exists; each map holds at most {@link #MAX_KEYS} keys so random usernames cannot grow memory.
 * When full, the least recently used key that is not waiting goes first: flooding the map with fresh usernames must
 * not evict (and so unlock) the account under attack. Only when the {@link #EVICTION_SCAN} oldest keys all wait does
 * the oldest go anyway — reaching that takes thousands of keys each driven through the doubling delays.
 *
 * <p>Kept in memory, per node: a restart forgets it, and each node of a cluster counts on its own.
 */
final class LoginThrottle {
    /** Keys per map (accounts, addresses): about 100 bytes each, so a few MB at most. */
    static final int MAX_KEYS = 10_000;
    /** Oldest keys looked at for one that is not waiting, before the oldest is evicted regardless. */
    static final int EVICTION_SCAN = 1_000;

    /** When a key starts to wait and when it is locked. */
    record Policy(int freeFailures, int lockoutFailures, Duration window) {
        Policy {
            if (freeFailures < 0 || lockoutFailures <= freeFailures) {
                throw new IllegalArgumentException("lockout failures (" + lockoutFailures
                        + ") must be above the free failures (" + freeFailures + ")");
            }
        }
    }

    /** The attempt may not be made yet: retry after {@code seconds}. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final long seconds;

        Refused(long seconds) {
            super("Too many failed logins; retry after " + seconds + " s", null, false, false);
            this.seconds = seconds;
        }
    }

    /** An attempt under way: report how it ended. */
    interface Attempt {
        /** Forgets the account's failures. */
        void succeeded();

        /** Keeps the failure counted; says what got locked by it. */
        Locked failed();

        /** Takes the provisional failure back: no password was checked (the hashing pool was full). */
        void cancelled();
    }

    /** What a failure locked: the account, the address, neither or both. */
    record Locked(boolean account, boolean address) {
    }

    private final Clock clock;
    private final Policy accountPolicy;
    private final Policy addressPolicy;
    private final Duration baseDelay;
    private final Duration lockout;
    private final Map<String, Failures> accounts = lru();
    private final Map<String, Failures> addresses = lru();

    LoginThrottle(Clock clock, Policy account, Policy address, Duration baseDelay, Duration lockout) {
        this.clock = clock;
        this.accountPolicy = account;
        this.addressPolicy = address;
        this.baseDelay = baseDelay;
        this.lockout = lockout;
    }

    private static final class Failures {
        int count;
        Instant last;
    }

    /**
     * Begins an attempt for an account (any string, existing or not) from an address (null when unknown), or refuses
     * it. Nothing is counted for a refused attempt: refusals cost nothing, and a locked-out user retrying does not
     * use up the budget of everyone behind the same address.
     */
    synchronized Attempt begin(String account, String address) throws Refused {
        Instant now = clock.instant();
        Failures acc = current(accounts, account, accountPolicy, now);
        Failures adr = address == null ? null : current(addresses, address, addressPolicy, now);
        long wait = Math.max(waitSeconds(acc, accountPolicy, now), waitSeconds(adr, addressPolicy, now));
        if (wait > 0) {
            throw new Refused(wait);
        }
        acc = count(accounts, account, acc, accountPolicy, now);
        Failures counted = address == null ? null : count(addresses, address, adr, addressPolicy, now);
        Failures accountEntry = acc;
        boolean accountLocks = acc.count == accountPolicy.lockoutFailures();
        boolean addressLocks = counted != null && counted.count == addressPolicy.lockoutFailures();
        return new Attempt() {
            @Override
            public void succeeded() {
                synchronized (LoginThrottle.this) {
                    accounts.remove(account);
                    if (counted != null && counted.count > 0) {
                        counted.count--;
                    }
                }
            }

            @Override
            public Locked failed() {
                return new Locked(accountLocks, addressLocks);
            }

            @Override
            public void cancelled() {
                synchronized (LoginThrottle.this) {
                    for (Failures f : new Failures[] {counted, accountEntry}) {
                        if (f != null && f.count > 0) {
                            f.count--;
                        }
                    }
                }
            }
        };
    }

    /** Forgets an account's failures (an administrator's unlock); true if it had any. */
    synchronized boolean unlock(String account) {
        return accounts.remove(account) != null;
    }

    /** Seconds until the account may try again, 0 if now. */
    synchronized long lockedSeconds(String account) {
        Instant now = clock.instant();
        return waitSeconds(current(accounts, account, accountPolicy, now), accountPolicy, now);
    }

    /** Keys held (accounts and addresses), for the memory bound's test. */
    synchronized int keys() {
        return accounts.size() + addresses.size();
    }

    private Failures current(Map<String, Failures> map, String key, Policy policy, Instant now) {
        Failures f = map.get(key);
        if (f != null && Duration.between(f.last, now).compareTo(policy.window()) > 0) {
            map.remove(key);
            return null;
        }
        return f;
    }

    private Failures count(Map<String, Failures> map, String key, Failures f, Policy policy, Instant now) {
        Failures c = f == null ? new Failures() : f;
        c.count++;
        c.last = now;
        map.put(key, c);
        if (map.size() > MAX_KEYS) {
            evictOne(map, key, policy, now);
        }
        return c;
    }

    private void evictOne(Map<String, Failures> map, String keep, Policy policy, Instant now) {
        var it = map.entrySet().iterator();
        String oldest = null;
        for (int i = 0; i < EVICTION_SCAN && it.hasNext(); i++) {
            Map.Entry<String, Failures> e = it.next();
            if (e.getKey().equals(keep)) {
                continue;
            }
            if (oldest == null) {
                oldest = e.getKey();
            }
            if (waitSeconds(e.getValue(), policy, now) == 0) {
                it.remove();
                return;
            }
        }
        map.remove(oldest);
    }

    private long waitSeconds(Failures f, Policy policy, Instant now) {
        if (f == null || f.count < policy.freeFailures()) {
            return 0;
        }
        Duration delay = lockout;
        if (f.count < policy.lockoutFailures()) {
            int doublings = Math.min(f.count - policy.freeFailures(), 30);
            Duration d = baseDelay.multipliedBy(1L << doublings);
            delay = d.compareTo(lockout) < 0 ? d : lockout;
        }
        Duration left = Duration.between(now, f.last.plus(delay));
        if (left.isNegative() || left.isZero()) {
            return 0;
        }
        return (left.toMillis() + 999) / 1000;
    }

    /** In access order: iteration starts at the least recently used key. */
    private static Map<String, Failures> lru() {
        return new LinkedHashMap<>(256, 0.75f, true);
    }
}
