package org.telehub.adapter.hl7v2.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;

/** The interfaces running on this node, by id, for what reaches them other than through the adapter registry. */
@Component(service = Interfaces.class)
public class Interfaces {
    private final Map<String, Hl7Adapter> running = new ConcurrentHashMap<>();

    void started(String id, Hl7Adapter adapter) {
        running.put(id, adapter);
    }

    void stopped(String id, Hl7Adapter adapter) {
        running.remove(id, adapter);
    }

    Optional<Hl7Adapter> get(String id) {
        return Optional.ofNullable(running.get(id));
    }
}
