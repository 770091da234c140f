package org.telehub.integration.manager.internal.record;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AnalysisRecorder;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.spi.CapabilityHandler;
import org.telehub.integration.spi.Result;
import org.telehub.integration.spi.ResultPart;

/**
 * A record that files analyses (a FHIR EHR): an analysis sent for a patient reaches their record as a report with its
 * finding, beside the procedure system that gets it as a structured report.
 */
@Component(service = CapabilityHandler.class)
public class AnalysisCapability implements CapabilityHandler<AnalysisRecorder> {

    @Override
    public Class<AnalysisRecorder> capability() {
        return AnalysisRecorder.class;
    }

    @Override
    public Set<ResultPart> takes() {
        return Set.of(ResultPart.ANALYSIS);
    }

    /** Nothing for an EHR that says it files no results. */
    @Override
    public Set<ResultPart> takes(AnalysisRecorder system) {
        return ClinicalRecordCapability.takesResults(system) ? takes() : Set.of();
    }

    @Override
    public List<String> deliver(AnalysisRecorder system, String systemPatientId, Result result,
            Set<ResultPart> parts, String idempotencyKey) throws AdapterException {
        List<String> ids = new ArrayList<>();
        // a key of its own: the same delivery's report goes to the same system under the delivery's key, and an HL7
        // interface derives each message's control id from the key it is given
        for (DeliveryReceipt r : CapabilityHandler.required(system.recordAnalysis(systemPatientId, result.analysis(),
                idempotencyKey + "/analysis"), "recordAnalysis()")) {
            ids.add(CapabilityHandler.required(r, "recordAnalysis()").remoteId());
        }
        return ids;
    }
}
