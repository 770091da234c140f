package org.telehub.adapter.hl7v2.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Component;

/**
 * The interfaces running on this node, by id, for what reaches them other than through the adapter registry, and
 * which of them send visit status ({@link VisitStatus} watches that). Depends on nothing, so an interface's listener
 * stays up while other bundles come and go.
 */
@Component(service = Interfaces.class)
public class Interfaces {
    private final Map<String, Hl7Adapter> running = new ConcurrentHashMap<>();
    private final Set<String> telling = ConcurrentHashMap.newKeySet();
    private final List<Runnable> watchers = new CopyOnWriteArrayList<>();

    /** An interface started; {@code tellsVisits}: it sends visit status. */
    void started(String id, Hl7Adapter adapter, boolean tellsVisits) {
        running.put(id, adapter);
        boolean changed = tellsVisits ? telling.add(id) : telling.remove(id);
        if (changed) {
            watchers.forEach(Runnable::run);
        }
    }

    void stopped(String id, Hl7Adapter adapter) {
        if (running.remove(id, adapter) && telling.remove(id)) {
            watchers.forEach(Runnable::run);
        }
    }

    Optional<Hl7Adapter> get(String id) {
        return Optional.ofNullable(running.get(id));
    }

    /** Whether an interface running here sends visit status. */
    boolean anyTellsVisits() {
        return !telling.isEmpty();
    }

    /** {@code watcher} runs whenever {@link #anyTellsVisits} may have changed. */
    void watch(Runnable watcher) {
        watchers.add(watcher);
    }

    void unwatch(Runnable watcher) {
        watchers.remove(watcher);
    }
}
