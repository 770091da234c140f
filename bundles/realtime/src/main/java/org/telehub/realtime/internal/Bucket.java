package org.telehub.realtime.internal;

/** A token bucket: {@code rate} frames a second, bursts up to twice that. */
final class Bucket {
    private final double rate;
    private final double burst;
    private double tokens;
    private long last;

    Bucket(int rate, long now) {
        this.rate = rate;
        this.burst = 2.0 * rate;
        this.tokens = burst;
        this.last = now;
    }

    /** Takes one token at {@code now} (nanoseconds); false when empty. */
    synchronized boolean take(long now) {
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
