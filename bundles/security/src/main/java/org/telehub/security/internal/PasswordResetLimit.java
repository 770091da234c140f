package org.telehub.security.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * At most {@code max} events per key within a sliding {@code window}: password-reset requests per client address
 * and reset e-mails per account. As {@link LoginThrottle}: in memory, per node, before any database work; at most
 * {@link LoginThrottle#MAX_KEYS} keys, the least recently used one going first, so random keys cannot grow memory.
 */
final class PasswordResetLimit {
    private final Clock clock;
    private final int max;
    private final Duration window;
    private final Map<String, ArrayDeque<Instant>> keys = new LinkedHashMap<>(256, 0.75f, true);

    PasswordResetLimit(Clock clock, int max, Duration window) {
        if (max < 1) {
            throw new IllegalArgumentException("the limit must be at least 1, not " + max);
        }
        this.clock = clock;
        this.max = max;
        this.window = window;
    }

    /** Counts an event of {@code key}; 0 if it is within the limit, else the seconds until one more would be. */
    synchronized long take(String key) {
        Instant now = clock.instant();
        ArrayDeque<Instant> times = keys.computeIfAbsent(key, k -> new ArrayDeque<>());
        while (!times.isEmpty() && !times.peekFirst().plus(window).isAfter(now)) {
            times.pollFirst();
        }
        if (times.size() >= max) {
            long ms = Duration.between(now, times.peekFirst().plus(window)).toMillis();
            return Math.max(1, (ms + 999) / 1000);
        }
        times.addLast(now);
        if (keys.size() > LoginThrottle.MAX_KEYS) {
            Iterator<String> oldest = keys.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return 0;
    }
}
