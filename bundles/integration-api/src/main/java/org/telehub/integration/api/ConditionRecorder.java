package org.telehub.integration.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Capability of a system that keeps a patient's diagnoses (an EHR's problem or encounter-diagnosis list). Its own
 * capability (not a method of {@link ClinicalRecordSystem}) so that EHR adapters written against 1.3 keep working.
 *
 * @since 1.4
 */
@ConsumerType
public interface ConditionRecorder {

    /** Files the diagnosis once per {@code idempotencyKey} (a retry returns the first record, duplicate true). */
    DeliveryReceipt createCondition(String systemPatientId, ConditionEntry condition, String idempotencyKey)
            throws AdapterException;
}
