package org.telehub.integration.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/** Capability of an endoscopy (or other procedure) system adapter. */
@ConsumerType
public interface ProcedureSystem {

    List<ProcedureSummary> procedures(String systemPatientId) throws AdapterException;

    DeliveryReceipt sendAnalysisResult(String systemPatientId, AnalysisResult result, String idempotencyKey)
            throws AdapterException;

    /**
     * The system's live picture, which a visit's doctor may show in the visit's room; empty when it has none
     * configured. Since 1.9.
     */
    default Optional<LiveVideo> liveVideo() {
        return Optional.empty();
    }
}
