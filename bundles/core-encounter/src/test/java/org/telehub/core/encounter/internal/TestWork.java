package org.telehub.core.encounter.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jdbi.v3.core.Handle;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;
import org.telehub.work.WorkState;

/**
 * The work service's contract in memory for unit tests of this module: items are kept in submission order and run
 * by {@link #drain()} on the test's thread (due items of topics with a handler, each until done, dead or due later).
 * It does not roll items back with the caller's transaction; the real service (outbox, Artemis, claims, crashes) is
 * tested in the work bundle and in the itests (EncounterIT, CrashIT).
 */
public final class TestWork implements WorkService {
    private final Map<String, WorkItem> items = new LinkedHashMap<>();
    private final Map<String, WorkHandler> handlers = new ConcurrentHashMap<>();
    private final int maxAttempts;

    public TestWork(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public void handle(String topic, WorkHandler h) {
        handlers.put(topic, h);
    }

    public void unhandle(String topic) {
        handlers.remove(topic);
    }

    @Override
    public synchronized String submit(Handle tx, WorkRequest r) {
        if (r.idempotencyKey() != null) {
            for (WorkItem i : items.values()) {
                if (i.topic().equals(r.topic()) && r.idempotencyKey().equals(i.idempotencyKey())) {
                    return i.id();
                }
            }
        }
        Instant now = Instant.now();
        WorkItem i = new WorkItem(UUID.randomUUID().toString(), r.topic(), r.key(), r.payload(), WorkState.PENDING, 0,
                r.notBefore() == null ? now : r.notBefore(), r.idempotencyKey(), null, now, now, null);
        items.put(i.id(), i);
        return i.id();
    }

    @Override
    public synchronized boolean cancel(Handle tx, String topic, String idempotencyKey) {
        for (WorkItem i : items.values()) {
            if (i.topic().equals(topic) && idempotencyKey.equals(i.idempotencyKey())) {
                return cancelById(tx, i.id());
            }
        }
        return false;
    }

    @Override
    public synchronized boolean cancelById(Handle tx, String id) {
        WorkItem i = items.get(id);
        if (i == null || i.state() != WorkState.PENDING) {
            return false;
        }
        put(i, WorkState.CANCELLED, i.attempts(), i.dueAt(), i.lastError());
        return true;
    }

    @Override
    public synchronized Map<String, WorkItem> find(java.util.Collection<String> ids) {
        Map<String, WorkItem> out = new LinkedHashMap<>();
        ids.forEach(id -> find(id).ifPresent(i -> out.put(id, i)));
        return out;
    }

    /** As the work service does after keepFinishedHours: the finished item is gone. */
    public synchronized void prune(String id) {
        items.remove(id);
    }

    @Override
    public synchronized Optional<WorkItem> find(String id) {
        return Optional.ofNullable(items.get(id));
    }

    @Override
    public synchronized List<WorkItem> list(String topic, WorkState state, int limit) {
        return items.values().stream().filter(i -> i.topic().equals(topic) && (state == null || i.state() == state))
                .limit(limit).toList();
    }

    @Override
    public synchronized Optional<Boolean> replay(String id) {
        WorkItem i = items.get(id);
        if (i == null) {
            return Optional.empty();
        }
        if (i.state() != WorkState.DEAD) {
            return Optional.of(false);
        }
        put(i, WorkState.PENDING, 0, Instant.now(), i.lastError());
        return Optional.of(true);
    }

    @Override
    public List<Count> counts() {
        return List.of();
    }

    public synchronized List<WorkItem> items(String topic) {
        return list(topic, null, Integer.MAX_VALUE);
    }

    /** Runs every due item of a handled topic, in submission order, until none is left; returns how many runs. */
    public int drain() {
        int runs = 0;
        for (boolean more = true; more;) {
            more = false;
            for (WorkItem i : snapshot()) {
                WorkHandler h = handlers.get(i.topic());
                if (h == null || i.state() != WorkState.PENDING || i.dueAt().isAfter(Instant.now())) {
                    continue;
                }
                runs++;
                more = true;
                Verdict v;
                try {
                    v = h.handle(i);
                } catch (Exception e) {
                    v = Verdict.retry(e.toString());
                }
                int attempts = i.attempts() + 1;
                synchronized (this) {
                    switch (v.outcome()) {
                        case DONE -> put(i, WorkState.DONE, attempts, i.dueAt(), null);
                        case GIVE_UP -> put(i, WorkState.DEAD, attempts, i.dueAt(), v.reason());
                        case RETRY -> put(i, attempts >= maxAttempts ? WorkState.DEAD : WorkState.PENDING, attempts,
                                Instant.now().plus(v.delay() == null ? Duration.ZERO : v.delay()), v.reason());
                    }
                }
            }
        }
        return runs;
    }

    /** Makes a pending item due now: a reminder planned for tomorrow runs in the test. */
    public synchronized void makeDue(String id) {
        WorkItem i = items.get(id);
        put(i, i.state(), i.attempts(), Instant.now(), i.lastError());
    }

    private synchronized List<WorkItem> snapshot() {
        return new ArrayList<>(items.values());
    }

    private void put(WorkItem i, WorkState s, int attempts, Instant due, String error) {
        Instant now = Instant.now();
        items.put(i.id(), new WorkItem(i.id(), i.topic(), i.key(), i.payload(), s, attempts, due, i.idempotencyKey(),
                error, i.createdAt(), now, s == WorkState.DONE || s == WorkState.DEAD ? now : null));
    }
}
