package org.telehub.metrics.internal;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.health.HealthIndicator;
import org.telehub.metrics.WorkCounts;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.distribution.pause.NoPauseDetector;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The hub's one meter registry. Request timings are recorded as they happen (by {@link RequestMetrics}); everything
 * that is a state (work per kind, health checks, the connection pool) is read at scrape time, so a scrape shows the
 * truth of that moment and nothing polls in between.
 */
@Component(service = Meters.class)
public class Meters {
    private static final Logger LOG = LoggerFactory.getLogger(Meters.class);
    /**
     * JMX names of connection pools: pax-jdbc's dbcp2 pool registers its commons-pool2 pool under its own domain,
     * named after the datasource; any other commons-pool2 pool under commons-pool2's default.
     */
    private static final List<String> POOLS = List.of("org.ops4j.pax.jdbc.pool.dbcp2:type=GenericObjectPool,*",
            "org.apache.commons.pool2:type=GenericObjectPool,*");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<WorkCounts> work = new CopyOnWriteArrayList<>();
    private final List<HealthIndicator> checks = new CopyOnWriteArrayList<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final MultiGauge workGauge;
    private final MultiGauge workUnavailable;
    private final MultiGauge healthUp;
    private final MultiGauge healthLatency;
    private final MultiGauge pool;
    private JvmGcMetrics gc;

    public Meters() {
        // LatencyUtils (pause detection) is not embedded: timings here are request latencies, not GC forensics
        registry.config().pauseDetector(new NoPauseDetector()).commonTags("application", "telehub");
        workGauge = MultiGauge.builder("telehub.work").description("Durable work items per kind, target and state")
                .register(registry);
        workUnavailable = MultiGauge.builder("telehub.work.unavailable")
                .description("1 when a kind's counts could not be read at this scrape (its database is down)")
                .register(registry);
        healthUp = MultiGauge.builder("telehub.health.up")
                .description("Health check state: 1 UP, 0.5 DEGRADED, 0 DOWN").register(registry);
        healthLatency = MultiGauge.builder("telehub.health.latency").baseUnit("seconds")
                .description("How long the health check took").register(registry);
        pool = MultiGauge.builder("telehub.db.pool.connections")
                .description("Database pool connections by state (active, idle) and waiting borrowers")
                .register(registry);
    }

    @Activate
    void activate() {
        new JvmMemoryMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    @Deactivate
    void deactivate() {
        gc.close();
        registry.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addWork(WorkCounts w) {
        work.add(w);
    }

    void removeWork(WorkCounts w) {
        work.remove(w);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addCheck(HealthIndicator h) {
        checks.add(h);
    }

    void removeCheck(HealthIndicator h) {
        checks.remove(h);
    }

    /** One finished request of the Telehub API; {@code route} is the matched template, never the raw path. */
    void request(String method, String route, int status, long nanos) {
        String key = method + " " + route + " " + status;
        timers.computeIfAbsent(key, k -> Timer.builder("telehub.http.server.requests")
                .description("Telehub API requests by route template, method and status")
                .tags("method", method, "route", route, "status", Integer.toString(status)).register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** The Prometheus text exposition, states read now. */
    String scrape() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        List<MultiGauge.Row<?>> unavailable = new ArrayList<>();
        for (WorkCounts w : work) {
            try {
                for (WorkCounts.Count c : w.counts()) {
                    rows.add(MultiGauge.Row.of(Tags.of("kind", w.kind(), "target", c.target(), "state", c.state()),
                            c.count()));
                }
                unavailable.add(MultiGauge.Row.of(Tags.of("kind", w.kind()), 0));
            } catch (RuntimeException e) {
                LOG.debug("work counts of {} unavailable", w.kind(), e);
                unavailable.add(MultiGauge.Row.of(Tags.of("kind", w.kind()), 1));
            }
        }
        workGauge.register(rows, true);
        workUnavailable.register(unavailable, true);

        List<MultiGauge.Row<?>> up = new ArrayList<>();
        List<MultiGauge.Row<?>> latency = new ArrayList<>();
        for (HealthIndicator h : checks) {
            HealthIndicator.Check c;
            try {
                c = h.check();
            } catch (RuntimeException e) {
                c = HealthIndicator.Check.down("check failed", 0);
            }
            double v = switch (c.status()) {
                case UP -> 1;
                case DEGRADED -> 0.5;
                case DOWN -> 0;
            };
            up.add(MultiGauge.Row.of(Tags.of("check", h.name()), v));
            latency.add(MultiGauge.Row.of(Tags.of("check", h.name()), c.latencyMillis() / 1000.0));
        }
        healthUp.register(up, true);
        healthLatency.register(latency, true);
        pool.register(pools(), true);
        return registry.scrape();
    }

    private static List<MultiGauge.Row<?>> pools() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        try {
            for (String pattern : POOLS) {
            for (ObjectName n : jmx.queryNames(new ObjectName(pattern), null)) {
                String name = n.getKeyProperty("name");
                rows.add(MultiGauge.Row.of(Tags.of("pool", name, "state", "active"), number(jmx, n, "NumActive")));
                rows.add(MultiGauge.Row.of(Tags.of("pool", name, "state", "idle"), number(jmx, n, "NumIdle")));
                rows.add(MultiGauge.Row.of(Tags.of("pool", name, "state", "waiting"), number(jmx, n, "NumWaiters")));
                rows.add(MultiGauge.Row.of(Tags.of("pool", name, "state", "max"), number(jmx, n, "MaxTotal")));
            }
            }
        } catch (javax.management.JMException e) {
            LOG.debug("connection pools not readable", e);
        }
        return rows;
    }

    private static Number number(MBeanServer jmx, ObjectName n, String attribute) {
        try {
            return (Number) jmx.getAttribute(n, attribute);
        } catch (javax.management.JMException | ClassCastException e) {
            return Double.NaN;
        }
    }
}
