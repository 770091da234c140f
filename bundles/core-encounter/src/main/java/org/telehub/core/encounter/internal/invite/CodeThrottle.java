package org.telehub.core.encounter.internal.invite;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits guessing of access codes: at most {@code perAddress} wrong codes per client address and {@code perHub}
 * across all addresses (a guesser with many addresses) within a sliding {@code window}; while over either, every
 * attempt is refused before the code is looked at. Kept in memory, per node (a restart forgets it, each node counts
 * on its own), at most {@link #MAX_KEYS} addresses (least recently used go first).
 */
final class CodeThrottle {
    static final int MAX_KEYS = 10_000;
    private static final String HUB = "";

    private final Clock clock;
    private final int perAddress;
    private final int perHub;
    private final Duration window;
    private final Map<String, Deque<Instant>> failures = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> eldest) {
            return size() > MAX_KEYS && !eldest.getKey().equals(HUB);
        }
    };

    CodeThrottle(Clock clock, int perAddress, int perHub, Duration window) {
        this.clock = clock;
        this.perAddress = perAddress;
        this.perHub = perHub;
        this.window = window;
    }

    /** Seconds until an attempt from {@code address} may be made; 0 if now. */
    synchronized long waitSeconds(String address) {
        Instant now = clock.instant();
        return Math.max(wait(key(address), perAddress, now), wait(HUB, perHub, now));
    }

    /** Counts a wrong code from {@code address}. */
    synchronized void failed(String address) {
        Instant now = clock.instant();
        for (String k : new String[] {key(address), HUB}) {
            failures.computeIfAbsent(k, x -> new ArrayDeque<>()).addLast(now);
        }
    }

    private static String key(String address) {
        return "a:" + (address == null ? "unknown" : address);
    }

    private long wait(String key, int limit, Instant now) {
        Deque<Instant> d = failures.get(key);
        if (d == null) {
            return 0;
        }
        while (!d.isEmpty() && !d.peekFirst().plus(window).isAfter(now)) {
            d.removeFirst();
        }
        if (d.size() < limit) {
            return 0;
        }
        // the oldest failure still counted leaves the window then
        long ms = Duration.between(now, d.peekFirst().plus(window)).toMillis();
        return Math.max(1, (ms + 999) / 1000);
    }
}
