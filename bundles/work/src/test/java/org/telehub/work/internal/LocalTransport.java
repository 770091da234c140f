package org.telehub.work.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The broker's part for engine tests (the database is the real PostgreSQL): competing consumers on one queue per
 * topic, shared by every engine ("node") given this instance, and delayed delivery. It can lose wake-ups and
 * duplicate them, which a broker and a crash do too. Artemis itself is exercised in the itests (WorkIT).
 */
final class LocalTransport implements Transport {
    private final Map<String, LinkedBlockingQueue<List<String>>> queues = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    /** While set, wake-ups are dropped (the broker was down at commit). */
    final AtomicBoolean lose = new AtomicBoolean();
    /** While set, every wake-up is delivered twice. */
    final AtomicBoolean duplicate = new AtomicBoolean();

    private LinkedBlockingQueue<List<String>> queue(String topic) {
        return queues.computeIfAbsent(topic, t -> new LinkedBlockingQueue<>());
    }

    @Override
    public void send(List<Wake> wakes) {
        if (lose.get()) {
            return;
        }
        for (Wake w : wakes) {
            long delay = w.due() == null ? 0 : w.due().toEpochMilli() - System.currentTimeMillis();
            for (int i = 0; i < (duplicate.get() ? 2 : 1); i++) {
                if (delay > 0) {
                    timer.schedule(() -> queue(w.topic()).add(List.of(w.id())), delay, TimeUnit.MILLISECONDS);
                } else {
                    queue(w.topic()).add(List.of(w.id()));
                }
            }
        }
    }

    @Override
    public AutoCloseable consume(String topic, int consumers, int batch, Receiver receiver, ExecutorService pool) {
        AtomicBoolean open = new AtomicBoolean(true);
        for (int i = 0; i < consumers; i++) {
            pool.execute(() -> {
                while (open.get()) {
                    List<String> ids = new ArrayList<>();
                    try {
                        List<String> m = queue(topic).poll(100, TimeUnit.MILLISECONDS);
                        if (m == null) {
                            continue;
                        }
                        ids.addAll(m);
                    } catch (InterruptedException e) {
                        return;
                    }
                    List<List<String>> more = new ArrayList<>();
                    queue(topic).drainTo(more, Math.max(0, batch - 1));
                    more.forEach(ids::addAll);
                    try {
                        send(receiver.receive(topic, ids));
                    } catch (RuntimeException e) {
                        e.printStackTrace();
                    }
                }
            });
        }
        return () -> open.set(false);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
