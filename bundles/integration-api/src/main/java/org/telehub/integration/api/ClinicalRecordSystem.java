package org.telehub.integration.api;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/** Capability of an EHR adapter. Patient ids are the system's own (the manager maps local ids to them). */
@ConsumerType
public interface ClinicalRecordSystem {

    Demographics patient(String systemPatientId) throws AdapterException;

    /** Recent observations, newest first, at most {@code limit}. */
    List<ObservationValue> observations(String systemPatientId, int limit) throws AdapterException;

    DeliveryReceipt createObservation(String systemPatientId, ObservationValue observation, String idempotencyKey)
            throws AdapterException;

    DeliveryReceipt createDiagnosticReport(String systemPatientId, ReportDocument report, String idempotencyKey)
            throws AdapterException;

    /**
     * Whether this system files results sent to it (observations, reports, and the diagnoses and prescriptions of
     * {@link ConditionRecorder} and {@link MedicationPrescriber}). False for a read-only EHR API, or an
     * interface configured without a receiver: the manager then queues no deliveries to it, and a request that
     * names it as a target is refused at once.
     *
     * @since 1.5
     */
    default boolean takesResults() {
        return true;
    }
}
