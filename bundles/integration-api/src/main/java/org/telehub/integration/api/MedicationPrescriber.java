package org.telehub.integration.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Capability of a system that takes prescriptions (an EHR's medication orders).
 *
 * @since 1.4
 */
@ConsumerType
public interface MedicationPrescriber {

    /** Files the prescription line once per {@code idempotencyKey} (a retry returns the first record). */
    DeliveryReceipt createMedicationRequest(String systemPatientId, MedicationOrder order, String idempotencyKey)
            throws AdapterException;
}
