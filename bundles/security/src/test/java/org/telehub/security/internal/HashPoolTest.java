package org.telehub.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The hashing pool turns callers away instead of letting them pile up. */
class HashPoolTest {

    @Test
    void beyondTheThreadsAndTheQueueCallersAreTurnedAwayAtOnce() throws Exception {
        HashPool pool = new HashPool(1, 1, Duration.ofSeconds(30));
        CountDownLatch hashing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = callers.submit(() -> pool.run(() -> {
                hashing.countDown();
                await(release);
                return "first";
            }));
            hashing.await(10, TimeUnit.SECONDS);
            Future<String> second = callers.submit(() -> pool.run(() -> "second")); // waits in the queue
            while (pool.waiting() != 1) {
                Thread.onSpinWait();
            }
            assertThrows(HashPool.Busy.class, () -> pool.run(() -> "third"), "the queue is full");
            release.countDown();
            assertEquals("first", first.get(10, TimeUnit.SECONDS));
            assertEquals("second", second.get(10, TimeUnit.SECONDS));
            assertEquals("fourth", pool.run(() -> "fourth"), "free again");
        } finally {
            release.countDown();
            callers.shutdownNow();
        }
    }

    @Test
    void aCallerWaitsNoLongerThanTheLimit() throws Exception {
        HashPool pool = new HashPool(1, 4, Duration.ofMillis(50));
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> holder = CompletableFuture.supplyAsync(() -> {
            try {
                return pool.run(() -> {
                    await(release);
                    return "held";
                });
            } catch (HashPool.Busy e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            while (pool.free() != 0) {
                Thread.onSpinWait();
            }
            assertThrows(HashPool.Busy.class, () -> pool.run(() -> "late"));
        } finally {
            release.countDown();
        }
        assertEquals("held", holder.get(10, TimeUnit.SECONDS));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
