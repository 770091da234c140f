package org.telehub.integration.manager.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AdapterHealth;
import org.telehub.integration.api.ClinicalRecordSystem;
import org.telehub.integration.api.ImagingArchive;
import org.telehub.integration.api.ProcedureSystem;
import org.telehub.persistence.Database;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;

/**
 * What the REST API and the shell do with adapters: status, connect, the patient fan-out and the identifier
 * cross-reference. Every remote call goes through {@link #call}: a bounded shared pool, a per-system bulkhead and
 * a per-system timeout, so one slow, hanging or throwing system costs the others nothing.
 */
@Component(service = IntegrationService.class, configurationPid = "org.telehub.integration")
@Designate(ocd = IntegrationConfig.class)
public class IntegrationService {
    private final AdapterRegistry registry;
    private final AuditLog audit;
    private final PatientIdentifiers identifiers;
    private final ExecutorService workers;
    private final Map<String, Semaphore> bulkheads = new ConcurrentHashMap<>();
    private final int timeoutMillis;
    private final int perSystem;

    @Activate
    public IntegrationService(@Reference AdapterRegistry registry, @Reference Database database,
            @Reference AuditLog audit, IntegrationConfig config) {
        database.migrate("integration", FrameworkUtil.getBundle(IntegrationService.class), "db/migration/integration");
        this.registry = registry;
        this.audit = audit;
        this.identifiers = new PatientIdentifiers(database.jdbi());
        this.timeoutMillis = config.perSystemTimeoutMillis();
        this.perSystem = config.perSystemConcurrency();
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(config.workerThreads(), config.workerThreads(), 60,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "telehub-integration-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.workers = pool;
    }

    @Deactivate
    void close() {
        workers.shutdownNow();
    }

    // ---- status and connection

    /** One row of {@code GET /status} and {@code telehub:adapters}. */
    public record AdapterStatus(String id, String systemType, String vendor, String product, String adapterVersion,
            List<String> capabilities, String state, String detail, String lastError, Long lastLatencyMillis,
            boolean conflict) {
    }

    List<AdapterStatus> status() {
        List<AdapterStatus> out = new ArrayList<>();
        registry.adapters().forEach(a -> out.add(status(a, false)));
        registry.conflicts().forEach(a -> out.add(status(a, true)));
        return out;
    }

    private AdapterStatus status(Adapter a, boolean conflict) {
        AdapterHealth h;
        try {
            h = a.health();
        } catch (RuntimeException e) {
            h = new AdapterHealth(AdapterHealth.State.DOWN, "health() failed", describe(e), null, null);
        }
        var info = a.info();
        return new AdapterStatus(info.id(), info.systemType().name(), info.vendor(), info.product(),
                info.adapterVersion(), capabilities(a), h == null ? "DOWN" : h.state().name(),
                conflict ? "another adapter already has this id" : h == null ? null : h.detail(),
                h == null ? null : h.lastError(), h == null ? null : h.lastLatencyMillis(), conflict);
    }

    static List<String> capabilities(Adapter a) {
        List<String> c = new ArrayList<>();
        if (a instanceof ClinicalRecordSystem) {
            c.add("ClinicalRecordSystem");
        }
        if (a instanceof ImagingArchive) {
            c.add("ImagingArchive");
        }
        if (a instanceof ProcedureSystem) {
            c.add("ProcedureSystem");
        }
        return c;
    }

    Optional<Adapter> adapter(String id) {
        return registry.get(id);
    }

    /** Result of one connect or disconnect. */
    public record ConnectResult(String adapterId, String outcome, String error, Long latencyMillis) {
    }

    /** Connects ({@code connect}) or disconnects one adapter within its timeout. */
    ConnectResult connection(Adapter a, boolean connect) {
        return result(a, call(a, connectionWork(a, connect)));
    }

    /** Connects (or disconnects) every adapter in parallel; each within its own timeout. */
    List<ConnectResult> all(boolean connect) {
        List<Adapter> adapters = registry.adapters();
        List<Pending<Void>> running = new ArrayList<>();
        for (Adapter a : adapters) {
            running.add(start(a, connectionWork(a, connect)));
        }
        List<ConnectResult> out = new ArrayList<>();
        for (int i = 0; i < adapters.size(); i++) {
            out.add(result(adapters.get(i), running.get(i).await()));
        }
        return out;
    }

    private static Callable<Void> connectionWork(Adapter a, boolean connect) {
        return () -> {
            if (connect) {
                a.connect();
            } else {
                a.disconnect();
            }
            return null;
        };
    }

    private static ConnectResult result(Adapter a, Outcome<Void> o) {
        return new ConnectResult(a.info().id(), o.status(), o.error(), o.latencyMillis());
    }

    // ---- patient data across systems

    /** One system's part of the all-systems answer. */
    public record SystemAnswer(String adapterId, String systemType, String status, String error, Long latencyMillis,
            String systemPatientId, Object demographics, List<?> observations, List<?> studies, List<?> procedures) {
    }

    /** The all-systems answer: one entry per mapped or installed system, each with its own status. */
    public record AllSystems(String patientId, String outcome, List<SystemAnswer> systems) {
    }

    /** Reads one patient from every system it is mapped in, in parallel. Empty if the patient has no mapping. */
    Optional<AllSystems> allSystems(AuthenticatedUser who, String patientId) {
        Map<String, String> ids = identifiers.of(patientId);
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        // start every read first, then collect: the whole answer takes as long as the slowest system (capped by
        // the timeout), not the sum of them
        Map<String, Pending<Object[]>> running = new LinkedHashMap<>();
        Map<String, Adapter> used = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : ids.entrySet()) {
            registry.get(e.getKey()).ifPresent(a -> {
                used.put(e.getKey(), a);
                running.put(e.getKey(), start(a, () -> read(a, e.getValue())));
            });
        }
        List<SystemAnswer> answers = new ArrayList<>();
        for (Map.Entry<String, String> e : ids.entrySet()) {
            Adapter a = used.get(e.getKey());
            if (a == null) {
                answers.add(new SystemAnswer(e.getKey(), null, "UNAVAILABLE", "no adapter with this id is installed",
                        null, e.getValue(), null, null, null, null));
                continue;
            }
            Outcome<Object[]> o = running.get(e.getKey()).await();
            Object[] r = o.value() == null ? new Object[4] : o.value();
            answers.add(new SystemAnswer(a.info().id(), a.info().systemType().name(), o.status(), o.error(),
                    o.latencyMillis(), e.getValue(), r[0], (List<?>) r[1], (List<?>) r[2], (List<?>) r[3]));
        }
        for (Adapter a : registry.adapters()) {
            if (!ids.containsKey(a.info().id())) {
                answers.add(new SystemAnswer(a.info().id(), a.info().systemType().name(), "NO_MAPPING",
                        "patient has no identifier in this system", null, null, null, null, null, null));
            }
        }
        boolean allOk = answers.stream().filter(s -> ids.containsKey(s.adapterId())).allMatch(s -> s.status().equals("OK"));
        String outcome = allOk ? "complete" : "partial";
        audit.record(who, "integration.all-systems.read", patientId, ids.keySet(), outcome);
        return Optional.of(new AllSystems(patientId, outcome, answers));
    }

    /** Every read the adapter's capabilities offer: demographics, observations, studies, procedures. */
    private static Object[] read(Adapter a, String systemPatientId) throws AdapterException {
        Object[] r = new Object[4];
        if (a instanceof ClinicalRecordSystem ehr) {
            r[0] = contract(ehr.patient(systemPatientId), "patient()");
            r[1] = contract(ehr.observations(systemPatientId, 50), "observations()");
        }
        if (a instanceof ImagingArchive pacs) {
            r[2] = contract(pacs.findStudies(systemPatientId), "findStudies()");
        }
        if (a instanceof ProcedureSystem ps) {
            r[3] = contract(ps.procedures(systemPatientId), "procedures()");
        }
        return r;
    }

    /** The SPI forbids null answers: an adapter that returns one is broken, and the caller is told so. */
    private static <T> T contract(T value, String operation) {
        if (value == null) {
            throw new IllegalStateException(operation + " returned null, which the SPI does not allow");
        }
        return value;
    }

    // ---- identifiers

    Map<String, String> identifiers(String patientId) {
        return identifiers.of(patientId);
    }

    boolean putIdentifier(String patientId, String adapterId, String identifier, AuthenticatedUser who) {
        boolean created = identifiers.put(patientId, adapterId, identifier, who.username());
        audit.record(who, "integration.identifier.write", patientId, List.of(adapterId), "ok");
        return created;
    }

    boolean removeIdentifier(String patientId, String adapterId, AuthenticatedUser who) {
        boolean removed = identifiers.remove(patientId, adapterId);
        audit.record(who, "integration.identifier.delete", patientId, List.of(adapterId), removed ? "ok" : "absent");
        return removed;
    }

    // ---- the one way to call an adapter

    /**
     * What came of one call: OK with a value, or ERROR / TIMEOUT / REJECTED with a reason. {@code retryable} says
     * whether trying again later can help: timeouts, refusals by the bulkhead, an adapter that broke its contract
     * (it may be stopping for an update) and {@link AdapterException}s that say so.
     */
    record Outcome<T>(String status, T value, String error, Long latencyMillis, boolean retryable) {
        static <T> Outcome<T> ok(T value, long latencyMillis) {
            return new Outcome<>("OK", value, null, latencyMillis, false);
        }
    }

    <T> Outcome<T> call(Adapter a, Callable<T> work) {
        return start(a, work, timeoutMillis).await();
    }

    <T> Outcome<T> call(Adapter a, Callable<T> work, int timeout) {
        return start(a, work, timeout).await();
    }

    /** A call under way: submitted to the pool (or refused by the bulkhead), awaited against its own deadline. */
    final class Pending<T> {
        private final Future<T> future;
        private final long start = System.nanoTime();
        private final String refused;
        private final int timeoutMillis;

        Pending(Future<T> future, String refused, int timeoutMillis) {
            this.future = future;
            this.refused = refused;
            this.timeoutMillis = timeoutMillis;
        }

        Outcome<T> await() {
            if (refused != null) {
                return new Outcome<>("REJECTED", null, refused, null, true);
            }
            long left = timeoutMillis - millis(start);
            try {
                T value = future.get(Math.max(0, left), TimeUnit.MILLISECONDS);
                return Outcome.ok(value, millis(start));
            } catch (TimeoutException e) {
                future.cancel(true);
                return new Outcome<>("TIMEOUT", null, "no answer within " + timeoutMillis + " ms", millis(start), true);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                boolean retryable = !(cause instanceof AdapterException ae) || ae.retryable();
                return new Outcome<>("ERROR", null, describe(cause), millis(start), retryable);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                future.cancel(true);
                return new Outcome<>("ERROR", null, "interrupted", millis(start), true);
            }
        }
    }

    <T> Pending<T> start(Adapter a, Callable<T> work) {
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
