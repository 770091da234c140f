package org.telehub.work;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link WorkHandler} made of an item: {@link #done()}, {@link #retry(String)} later (exponential backoff
 * with jitter unless the handler names a delay; {@code dead} once the topic's attempts are spent), or
 * {@link #giveUp(String)} (dead now: retrying cannot help, e.g. the remote side refused the content).
 */
public record Verdict(Outcome outcome, String reason, Duration delay) {

    public enum Outcome {
        DONE, RETRY, GIVE_UP
    }

    public Verdict {
        Objects.requireNonNull(outcome, "outcome");
        if (delay != null && delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative");
        }
    }

    private static final Verdict DONE = new Verdict(Outcome.DONE, null, null);

    public static Verdict done() {
        return DONE;
    }

    public static Verdict retry(String reason) {
        return new Verdict(Outcome.RETRY, reason, null);
    }

    /** Retry after {@code delay} instead of the topic's backoff (e.g. a remote 429's Retry-After). */
    public static Verdict retry(String reason, Duration delay) {
        return new Verdict(Outcome.RETRY, reason, delay);
    }

    public static Verdict giveUp(String reason) {
        return new Verdict(Outcome.GIVE_UP, reason, null);
    }
}
