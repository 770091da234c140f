package org.telehub.work.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.ServiceScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.work.TelehubExecutors;

/**
 * The shared pools. Bundle scope: each bundle that takes the service gets its own instance, deactivated (and its
 * pools shut down) when that bundle releases the service.
 */
@Component(service = TelehubExecutors.class, scope = ServiceScope.BUNDLE)
public class Pools implements TelehubExecutors {
    private static final Logger LOG = LoggerFactory.getLogger(Pools.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,120}");

    private final Map<String, ScheduledThreadPoolExecutor> pools = new ConcurrentHashMap<>();

    @Override
    public ScheduledExecutorService pool(String name, int size) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("pool name: 1 to 120 of [A-Za-z0-9._-]");
        }
        if (size < 1 || size > 256) {
            throw new IllegalArgumentException("pool size: 1 to 256");
        }
        // a pool shut down by its owner is replaced on the next request (e.g. a topic restarted with a new size)
        return pools.compute(name, (n, old) -> old != null && !old.isShutdown() ? old : create(n, size));
    }

    private static ScheduledThreadPoolExecutor create(String name, int size) {
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor p = new ScheduledThreadPoolExecutor(size, r -> {
            Thread t = new Thread(r, "telehub-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        p.setRemoveOnCancelPolicy(true);
        return p;
    }

    @Deactivate
    void close() {
        pools.values().forEach(ScheduledThreadPoolExecutor::shutdownNow);
        for (var e : pools.entrySet()) {
            try {
                if (!e.getValue().awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("Pool {} did not stop within 5 s", e.getKey());
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        pools.clear();
    }
}
