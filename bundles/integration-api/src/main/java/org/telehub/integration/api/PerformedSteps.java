package org.telehub.integration.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where an adapter keeps the procedure steps a system reports as it performs them (an endoscopy system's MPPS), so
 * that a patient's procedures show where they stand. Provided by the integration manager. The adapter keeps the
 * protocol's rules (which attributes, which changes); this keeps the steps, durably, and never lets a final step
 * change.
 *
 * @since 1.7
 */
@ProviderType
public interface PerformedSteps {

    /** What became of an update. */
    enum Update {
        UPDATED,
        /** no step with that id in that system */
        UNKNOWN,
        /** the step is completed or discontinued: unchanged */
        FINAL
    }

    /**
     * Records a started step, committed before this returns.
     *
     * @return false when the system has a step with that id already (nothing is changed)
     * @throws AdapterException when it could not be recorded now (retryable)
     */
    boolean create(String adapterId, PerformedStep step) throws AdapterException;

    /** A step of the system, if it has one with that id. */
    Optional<PerformedStep> find(String adapterId, String uid) throws AdapterException;

    /**
     * Replaces a step with {@code step} (same id) while it is in progress, committed before this returns; a step
     * that became final meanwhile is left as it is ({@link Update#FINAL}).
     */
    Update update(String adapterId, PerformedStep step) throws AdapterException;

    /** The system's steps for one of its patients, newest first. */
    List<PerformedStep> ofPatient(String adapterId, String patientId) throws AdapterException;
}
