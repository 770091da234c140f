package org.telehub.itests.adapter.endoscopy;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ProcedureSystem;
import org.telehub.integration.spi.CapabilityHandler;
import org.telehub.integration.spi.Result;
import org.telehub.integration.spi.ResultPart;

/**
 * The procedure-system capability, from outside the manager: what an endoscopy bundle will register beside its
 * adapter. Procedures in the all-systems read; an analysis result sent back to the system that recorded it.
 */
@Component(service = CapabilityHandler.class)
public class ProcedureCapability implements CapabilityHandler<ProcedureSystem> {

    @Override
    public Class<ProcedureSystem> capability() {
        return ProcedureSystem.class;
    }

    @Override
    public Set<ResultPart> takes() {
        return Set.of(ResultPart.ANALYSIS);
    }

    @Override
    public Map<String, Object> read(ProcedureSystem system, String systemPatientId) throws AdapterException {
        return Map.of("procedures", CapabilityHandler.required(system.procedures(systemPatientId), "procedures()"));
    }

    @Override
    public List<String> deliver(ProcedureSystem system, String systemPatientId, Result result, Set<ResultPart> parts,
            String idempotencyKey) throws AdapterException {
        return List.of(system.sendAnalysisResult(systemPatientId, result.analysis(), idempotencyKey).remoteId());
    }
}
