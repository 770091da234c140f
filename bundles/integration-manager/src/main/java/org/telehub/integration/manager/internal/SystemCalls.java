package org.telehub.integration.manager.internal;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.work.TelehubExecutors;

/**
 * The one way to call an adapter: a bounded shared pool, a per-system bulkhead and a per-system timeout, so one
 * slow, hanging or throwing system costs the others nothing. Reads, connects, deliveries and the per-system REST
 * resources all call through here (and so need neither each other nor {@link IntegrationService}).
 */
@Component(service = SystemCalls.class, configurationPid = "org.telehub.integration")
@Designate(ocd = IntegrationConfig.class)
public class SystemCalls {
    private final ExecutorService workers;
    private final Map<String, Semaphore> bulkheads = new ConcurrentHashMap<>();
    private final int timeoutMillis;
    private final int perSystem;

    /** The pool is the hub's ({@link TelehubExecutors}): named, bounded, and ended with this bundle. */
    @Activate
    public SystemCalls(@Reference TelehubExecutors executors, IntegrationConfig config) {
        this.timeoutMillis = config.perSystemTimeoutMillis();
        this.perSystem = config.perSystemConcurrency();
        this.workers = executors.pool("integration-calls", config.workerThreads());
    }

    /**
     * What came of one call: OK with a value, or ERROR / TIMEOUT / REJECTED with a reason. {@code retryable} says
     * whether trying again later can help: timeouts, refusals by the bulkhead, an adapter that broke its contract
     * (it may be stopping for an update) and {@link AdapterException}s that say so.
     */
    public record Outcome<T>(CallStatus status, T value, String error, Long latencyMillis, boolean retryable) {
        static <T> Outcome<T> ok(T value, long latencyMillis) {
            return new Outcome<>(CallStatus.OK, value, null, latencyMillis, false);
        }

        public boolean ok() {
            return status == CallStatus.OK;
        }
    }

    /** Calls within the per-system timeout. */
    public <T> Outcome<T> call(Adapter a, Callable<T> work) {
        return start(a, work, timeoutMillis).await();
    }

    /** Calls within {@code timeout} ms (transfers, deliveries). */
    public <T> Outcome<T> call(Adapter a, Callable<T> work, int timeout) {
        return start(a, work, timeout).await();
    }

    /** A call under way: submitted to the pool (or refused by the bulkhead), awaited against its own deadline. */
    public final class Pending<T> {
        private final Future<T> future;
        private final long start = System.nanoTime();
        private final String refused;
        private final int timeoutMillis;

        Pending(Future<T> future, String refused, int timeoutMillis) {
            this.future = future;
            this.refused = refused;
            this.timeoutMillis = timeoutMillis;
        }

        public Outcome<T> await() {
            if (refused != null) {
                return new Outcome<>(CallStatus.REJECTED, null, refused, null, true);
            }
            long left = timeoutMillis - millis(start);
            try {
                T value = future.get(Math.max(0, left), TimeUnit.MILLISECONDS);
                return Outcome.ok(value, millis(start));
            } catch (TimeoutException e) {
                future.cancel(true);
                return new Outcome<>(CallStatus.TIMEOUT, null, "no answer within " + timeoutMillis + " ms",
                        millis(start), true);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                boolean retryable = !(cause instanceof AdapterException ae) || ae.retryable();
                return new Outcome<>(CallStatus.ERROR, null, describe(cause), millis(start), retryable);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                future.cancel(true);
                return new Outcome<>(CallStatus.ERROR, null, "interrupted", millis(start), true);
            }
        }
    }

    /** Starts a call within the per-system timeout, to be awaited later (fan-outs start every call first). */
    public <T> Pending<T> start(Adapter a, Callable<T> work) {
        return start(a, work, timeoutMillis);
    }

    <T> Pending<T> start(Adapter a, Callable<T> work, int timeout) {
        Semaphore bulkhead = bulkheads.computeIfAbsent(a.info().id(), k -> new Semaphore(perSystem));
        if (!bulkhead.tryAcquire()) {
            return new Pending<>(null, "more than " + perSystem + " calls to this system are in progress", timeout);
        }
        try {
            return new Pending<>(workers.submit(() -> {
                try {
                    return work.call();
                } finally {
                    // released when the call ends, not at our timeout: a hanging system keeps its permits and
                    // further calls to it are refused instead of piling up threads
                    bulkhead.release();
                }
            }), null, timeout);
        } catch (RuntimeException shutDown) {
            bulkhead.release();
            return new Pending<>(null, "the integration worker pool is shut down", timeout);
        }
    }

    static String describe(Throwable t) {
        if (t instanceof AdapterException ae) {
            return ae.getMessage() + (ae.retryable() ? " (retryable)" : "");
        }
        // an adapter broke its contract (unchecked exception, garbage): say so without its stack
        return "adapter failed: " + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
