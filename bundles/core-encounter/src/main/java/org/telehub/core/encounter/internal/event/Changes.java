package org.telehub.core.encounter.internal.event;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jdbi.v3.core.Handle;
import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.event.EncounterEventType;
import org.telehub.core.encounter.internal.encounter.Encounter;

/**
 * The events of one change transaction: each is appended and published on the transaction's handle; what the
 * publisher leaves for after the commit runs in {@link #committed()}.
 */
public final class Changes {
    private final Handle h;
    private final EventPublisher publisher;
    private final List<Runnable> afterCommit = new ArrayList<>();

    public Changes(Handle h, EventPublisher publisher) {
        this.h = h;
        this.publisher = publisher;
    }

    public Handle handle() {
        return h;
    }

    /**
     * Appends the event of a change to {@code current} (as the change left it) and publishes it. Every payload also
     * carries the encounter's {@code revision} after the change, so a subscriber that reads the encounter later can
     * tell whether it sees this change or a newer one.
     */
    public EncounterEvent record(Encounter current, EncounterEventType type, String actor,
            Map<String, Object> payload) {
        Map<String, Object> p = new LinkedHashMap<>(payload);
        p.put("revision", current.revision());
        EncounterEvent e = EventLog.append(h, current.id(), type, current.updatedAt(), actor, p);
        afterCommit.add(publisher.publish(h, e, current));
        return e;
    }

    /** Runs what the publisher left for after the commit; call only once the transaction has committed. */
    public void committed() {
        afterCommit.forEach(Runnable::run);
    }
}
