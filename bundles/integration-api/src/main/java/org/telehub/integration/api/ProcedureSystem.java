package org.telehub.integration.api;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/** Capability of an endoscopy (or other procedure) system adapter. */
@ConsumerType
public interface ProcedureSystem {

    List<ProcedureSummary> procedures(String systemPatientId) throws AdapterException;

    DeliveryReceipt sendAnalysisResult(String systemPatientId, AnalysisResult result, String idempotencyKey)
            throws AdapterException;
}
