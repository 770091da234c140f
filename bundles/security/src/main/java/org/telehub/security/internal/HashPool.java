package org.telehub.security.internal;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds the CPU that password hashing may take: at most {@code threads} hashes run at once (on the callers' own
 * threads), at most {@code queue} callers wait for a turn, and none waits longer than {@code maxWait}. Anything
 * beyond is turned away at once ({@link Busy}) instead of piling up request threads, so a flood of logins leaves
 * cores and threads for the rest of the API.
 */
final class HashPool {
    private final Semaphore running;
    private final int queue;
    private final Duration maxWait;
    private final AtomicInteger waiting = new AtomicInteger();

    /** No turn to hash now; try again shortly. */
    static final class Busy extends Exception {
        private static final long serialVersionUID = 1L;

        Busy() {
            super("Too many password checks at once", null, false, false);
        }
    }

    HashPool(int threads, int queue, Duration maxWait) {
        if (threads < 1 || queue < 0) {
            throw new IllegalArgumentException("threads must be 1 or more and the queue 0 or more");
        }
        this.running = new Semaphore(threads, true);
        this.queue = queue;
        this.maxWait = maxWait;
    }

    /** Threads for hashing when none are configured: half the cores, at least one, so the API keeps the rest. */
    static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** Callers waiting for a turn now. */
    int waiting() {
        return waiting.get();
    }

    /** Hashing threads free now. */
    int free() {
        return running.availablePermits();
    }

    <T> T run(Supplier<T> hashing) throws Busy {
        if (!running.tryAcquire()) {
            if (waiting.incrementAndGet() > queue) {
                waiting.decrementAndGet();
                throw new Busy();
            }
            try {
                if (!running.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new Busy();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Busy();
            } finally {
                waiting.decrementAndGet();
            }
        }
        try {
            return hashing.get();
        } finally {
            running.release();
        }
    }
}
