package org.telehub.security.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;
import org.telehub.work.WorkState;

/**
 * The work service's contract in memory for this module's unit tests: {@link #runDue} runs each pending item once on
 * the test's thread, so a retry is a second call. It does not roll items back with the caller's transaction; the real
 * service (outbox, broker, claims, crashes) is tested in bundles/work and in the itests.
 */
final class QueuedWork implements WorkService {
    private final Map<String, WorkItem> items = new LinkedHashMap<>();

    @Override
    public synchronized String submit(Handle tx, WorkRequest r) {
        for (WorkItem i : items.values()) {
            if (r.idempotencyKey() != null && i.topic().equals(r.topic())
                    && r.idempotencyKey().equals(i.idempotencyKey())) {
                return i.id();
            }
        }
        Instant now = Instant.now();
        WorkItem i = new WorkItem(UUID.randomUUID().toString(), r.topic(), r.key(), r.payload(), WorkState.PENDING, 0,
                now, r.idempotencyKey(), null, now, now, null);
        items.put(i.id(), i);
        return i.id();
    }

    /** Runs every pending item of {@code topic} once with {@code handler}; how many ran. */
    int runDue(String topic, WorkHandler handler, int maxAttempts) {
        int runs = 0;
        for (WorkItem i : list(topic, WorkState.PENDING, Integer.MAX_VALUE)) {
            runs++;
            Verdict v;
            try {
                v = handler.handle(i);
            } catch (Exception e) {
                v = Verdict.retry(e.toString());
            }
            int attempts = i.attempts() + 1;
            WorkState s = switch (v.outcome()) {
                case DONE -> WorkState.DONE;
                case GIVE_UP -> WorkState.DEAD;
                case RETRY -> attempts >= maxAttempts ? WorkState.DEAD : WorkState.PENDING;
            };
            synchronized (this) {
                items.put(i.id(), new WorkItem(i.id(), i.topic(), i.key(), i.payload(), s, attempts, i.dueAt(),
                        i.idempotencyKey(), v.reason(), i.createdAt(), Instant.now(),
                        s == WorkState.PENDING ? null : Instant.now()));
            }
        }
        return runs;
    }

    @Override
    public boolean cancel(Handle tx, String topic, String idempotencyKey) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean cancelById(Handle tx, String id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized Optional<WorkItem> find(String id) {
        return Optional.ofNullable(items.get(id));
    }

    @Override
    public synchronized Map<String, WorkItem> find(Collection<String> ids) {
        Map<String, WorkItem> out = new LinkedHashMap<>();
        ids.forEach(id -> find(id).ifPresent(i -> out.put(id, i)));
        return out;
    }

    @Override
    public synchronized List<WorkItem> list(String topic, WorkState state, int limit) {
        List<WorkItem> out = new ArrayList<>();
        for (WorkItem i : items.values()) {
            if (i.topic().equals(topic) && (state == null || i.state() == state) && out.size() < limit) {
                out.add(i);
            }
        }
        return out;
    }

    @Override
    public Optional<Boolean> replay(String id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Count> counts() {
        return List.of();
    }
}
