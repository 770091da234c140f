package org.telehub.adapter.endoscopy.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.telehub.endoscopy.EndoscopySystem;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ProcedureSystem;
import org.telehub.integration.spi.CapabilityHandler;
import org.telehub.integration.spi.Result;
import org.telehub.integration.spi.ResultPart;

/**
 * What the Integration Manager does with a procedure system, brought by this bundle (the manager knows no
 * capability it is not given), for every profile's systems: the patient's procedures in the system's part of the patient read
 * ({@code /integration/patient/{id}/systems/{adapterId}} and the all-systems read), so the read's care-relationship
 * rule, audit, bulkhead and timeout apply. An analysis result goes back as a DICOM SR into the procedure's study,
 * for a system with an archive to file it in ({@code forwardTo}); a system without one is planned no analysis.
 */
@Component(service = CapabilityHandler.class)
public class ProcedureCapability implements CapabilityHandler<ProcedureSystem> {

    @Override
    public Class<ProcedureSystem> capability() {
        return ProcedureSystem.class;
    }

    @Override
    public Map<String, Object> read(ProcedureSystem system, String systemPatientId) throws AdapterException {
        return Map.of("procedures", CapabilityHandler.required(system.procedures(systemPatientId), "procedures()"));
    }

    @Override
    public Set<ResultPart> takes() {
        return Set.of(ResultPart.ANALYSIS);
    }

    @Override
    public Set<ResultPart> takes(ProcedureSystem system) {
        return system instanceof EndoscopySystem e && !e.filesAnalyses() ? Set.of() : takes();
    }

    @Override
    public List<String> deliver(ProcedureSystem system, String systemPatientId, Result result, Set<ResultPart> parts,
            String idempotencyKey) throws AdapterException {
        return List.of(CapabilityHandler.required(system.sendAnalysisResult(systemPatientId, result.analysis(),
                idempotencyKey), "sendAnalysisResult()").remoteId());
    }
}
