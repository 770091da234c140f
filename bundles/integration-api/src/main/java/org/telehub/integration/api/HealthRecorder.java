package org.telehub.integration.api;

import java.time.Instant;

/**
 * What an adapter needs for {@link Adapter#health()}: whether it is connected, the last remote call's latency and
 * the last retryable failure. Adapters run every remote call through {@link #record}. Thread-safe.
 *
 * @since 1.2
 */
public final class HealthRecorder {
    private volatile boolean connected;
    private volatile String lastError;
    private volatile Long lastLatency;
    private volatile Instant checkedAt;

    /** A remote call. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws AdapterException;
    }

    /**
     * Runs {@code call}, keeping its latency; a retryable failure is remembered until a call succeeds. An unchecked
     * exception (a bug or a library surprise) becomes a non-retryable {@link AdapterException}, as the SPI's
     * contract requires.
     */
    public <T> T record(String what, Call<T> call) throws AdapterException {
        long t0 = System.nanoTime();
        try {
            T result = call.run();
            lastError = null;
            return result;
        } catch (AdapterException e) {
            if (e.retryable()) {
                lastError = e.getMessage();
            }
            throw e;
        } catch (RuntimeException e) {
            lastError = e.toString();
            throw new AdapterException(what + " failed: " + e, false, e);
        } finally {
            lastLatency = (System.nanoTime() - t0) / 1_000_000;
            checkedAt = Instant.now();
        }
    }

    public void connected(boolean value) {
        connected = value;
    }

    /** DOWN when not connected, DEGRADED after a retryable failure, else UP. */
    public AdapterHealth health(String connectedDetail) {
        AdapterHealth.State state = !connected ? AdapterHealth.State.DOWN
                : lastError == null ? AdapterHealth.State.UP : AdapterHealth.State.DEGRADED;
        return new AdapterHealth(state, connected ? connectedDetail : "not connected", lastError, lastLatency,
                checkedAt);
    }
}
