package org.telehub.integration.api;

import java.time.Instant;

/**
 * What an adapter knows about its remote system, without contacting it (the last observation).
 *
 * @param state UP, DEGRADED or DOWN
 * @param detail short human text, never a secret, never PHI
 * @param lastError the last failure's message, or null
 * @param lastLatencyMillis duration of the last remote call, or null if none yet
 * @param checkedAt when this was last observed, or null
 */
public record AdapterHealth(State state, String detail, String lastError, Long lastLatencyMillis, Instant checkedAt) {
    /** Connection state of an adapter instance. */
    public enum State {
        UP, DEGRADED, DOWN
    }
}
