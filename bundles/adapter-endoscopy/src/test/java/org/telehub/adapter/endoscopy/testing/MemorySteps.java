package org.telehub.adapter.endoscopy.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.telehub.integration.api.PerformedStep;
import org.telehub.integration.api.PerformedSteps;

/**
 * The hub's performed steps in memory, for tests of the adapter's MPPS SCP (the manager's table is tested on
 * PostgreSQL in its own bundle): a step is created once, updated while in progress, final once completed or
 * discontinued; steps by system and patient.
 */
public final class MemorySteps implements PerformedSteps {
    private final Map<String, PerformedStep> kept = new LinkedHashMap<>();

    @Override
    public synchronized boolean create(String adapterId, PerformedStep step) {
        return kept.putIfAbsent(adapterId + "/" + step.uid(), step) == null;
    }

    @Override
    public synchronized Optional<PerformedStep> find(String adapterId, String uid) {
        return Optional.ofNullable(kept.get(adapterId + "/" + uid));
    }

    @Override
    public synchronized Update update(String adapterId, PerformedStep step) {
        PerformedStep old = kept.get(adapterId + "/" + step.uid());
        if (old == null) {
            return Update.UNKNOWN;
        }
        if (old.isFinal()) {
            return Update.FINAL;
        }
        kept.put(adapterId + "/" + step.uid(), step);
        return Update.UPDATED;
    }

    @Override
    public synchronized List<PerformedStep> ofPatient(String adapterId, String patientId) {
        return kept.entrySet().stream().filter(e -> e.getKey().startsWith(adapterId + "/")
                && e.getValue().patientId().equals(patientId)).map(Map.Entry::getValue).toList();
    }

    /** Every step kept, as system/step id, in the order they were created. */
    public synchronized List<String> keys() {
        return List.copyOf(kept.keySet());
    }

    /** A step as kept, by system and step id; null when there is none. */
    public synchronized PerformedStep get(String adapterId, String uid) {
        return kept.get(adapterId + "/" + uid);
    }
}
