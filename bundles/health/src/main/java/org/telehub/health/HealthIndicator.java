package org.telehub.health;

import org.osgi.annotation.versioning.ConsumerType;

/** One checked dependency of the hub (database, broker, later each adapter's remote system). */
@ConsumerType
public interface HealthIndicator {

    /** Stable, short name shown in the health document, e.g. {@code database}. */
    String name();

    /** Probes the dependency now. Must return within a few seconds and must not throw. */
    Check check();

    /** State of one dependency. */
    enum Status {
        UP, DEGRADED, DOWN
    }

    /**
     * Outcome of one probe.
     *
     * @param detail what is wrong, or what is up (engine, URL without credentials); never a secret, never PHI
     */
    record Check(Status status, String detail, long latencyMillis) {
        public static Check up(String detail, long latencyMillis) {
            return new Check(Status.UP, detail, latencyMillis);
        }

        public static Check down(String detail, long latencyMillis) {
            return new Check(Status.DOWN, detail, latencyMillis);
        }
    }
}
