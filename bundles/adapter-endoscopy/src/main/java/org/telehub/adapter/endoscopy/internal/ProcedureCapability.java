package org.telehub.adapter.endoscopy.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ProcedureSystem;
import org.telehub.integration.spi.CapabilityHandler;

/**
 * What the Integration Manager does with a procedure system, brought by this bundle (the manager knows no
 * capability it is not given): the patient's procedures in the system's part of the patient read
 * ({@code /integration/patient/{id}/systems/{adapterId}} and the all-systems read), so the read's care-relationship
 * rule, audit, bulkhead and timeout apply. Takes no result parts yet: analysis results back are not implemented.
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
}
