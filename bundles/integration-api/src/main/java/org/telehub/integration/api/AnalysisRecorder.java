package org.telehub.integration.api;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A record system that files an analysis of a procedure (an AI's finding on an endoscopy) for the patient: a FHIR EHR
 * as a {@code DiagnosticReport} whose result is the finding's {@code Observation}. The procedure system the analysis
 * is about gets it through {@link ProcedureSystem#sendAnalysisResult}; this is the same result in the patient's
 * record.
 *
 * @since 1.8
 */
@ConsumerType
public interface AnalysisRecorder {

    /**
     * Files the analysis once per {@code idempotencyKey} (a retry returns the first records, duplicate true), and
     * returns the records made in order: the finding, then the report that carries it.
     */
    List<DeliveryReceipt> recordAnalysis(String systemPatientId, AnalysisResult analysis, String idempotencyKey)
            throws AdapterException;
}
