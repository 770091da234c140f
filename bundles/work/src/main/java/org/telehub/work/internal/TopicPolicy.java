package org.telehub.work.internal;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.telehub.work.WorkHandler;

/** The policy a topic runs under: its configuration, else its handler's suggestion, else the service's defaults. */
record TopicPolicy(int consumers, boolean ordered, int maxAttempts, long backoffInitialMillis,
        long backoffMaxMillis, double jitter, int batch) {

    static TopicPolicy of(TopicConfig c, Map<String, ?> handler, WorkConfig d) {
        return new TopicPolicy(
                pick(c == null ? -1 : c.consumers(), handler.get(WorkHandler.CONSUMERS), d.consumers()),
                c != null && !c.ordered().isBlank() ? Boolean.parseBoolean(c.ordered().trim())
                        : Boolean.parseBoolean(String.valueOf(handler.get(WorkHandler.ORDERED))),
                pick(c == null ? -1 : c.maxAttempts(), handler.get(WorkHandler.MAX_ATTEMPTS), d.maxAttempts()),
                pickLong(c == null ? -1 : c.backoffInitialMillis(), handler.get(WorkHandler.BACKOFF_INITIAL_MILLIS),
                        d.backoffInitialMillis()),
                pickLong(c == null ? -1 : c.backoffMaxMillis(), handler.get(WorkHandler.BACKOFF_MAX_MILLIS),
                        d.backoffMaxMillis()),
                Math.min(1, c != null && c.jitter() >= 0 ? c.jitter()
                        : handler.get(WorkHandler.JITTER) != null
                                ? Double.parseDouble(String.valueOf(handler.get(WorkHandler.JITTER))) : d.jitter()),
                pick(c == null ? -1 : c.batch(), null, d.batch()));
    }

    private static int pick(int configured, Object suggested, int fallback) {
        return (int) pickLong(configured, suggested, fallback);
    }

    private static long pickLong(long configured, Object suggested, long fallback) {
        if (configured > 0) {
            return configured;
        }
        if (suggested != null) {
            long v = Long.parseLong(String.valueOf(suggested).trim());
            if (v > 0) {
                return v;
            }
        }
        return fallback;
    }

    /** Exponential backoff, capped, of which a {@code jitter} share is random: the delay before attempt n+1. */
    long backoffMillis(int attempts) {
        long ceiling = Math.min(backoffMaxMillis,
                backoffInitialMillis * (1L << Math.min(30, Math.max(0, attempts - 1))));
        long fixed = (long) (ceiling * (1 - jitter));
        return fixed + (long) (ThreadLocalRandom.current().nextDouble() * (ceiling - fixed));
    }
}
