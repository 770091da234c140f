package org.telehub.integration.manager.internal.record;

import java.util.List;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.MedicationPrescriber;
import org.telehub.integration.spi.CapabilityHandler;
import org.telehub.integration.spi.Result;
import org.telehub.integration.spi.ResultPart;

/**
 * A system that takes prescriptions: each line of a result's prescription filed as its own order (key
 * {@code <delivery>/medication/<i>}).
 */
@Component(service = CapabilityHandler.class)
public class MedicationCapability implements CapabilityHandler<MedicationPrescriber> {

    @Override
    public Class<MedicationPrescriber> capability() {
        return MedicationPrescriber.class;
    }

    @Override
    public Set<ResultPart> takes() {
        return Set.of(ResultPart.MEDICATIONS);
    }

    /** Nothing for an EHR that says it files no results. */
    @Override
    public Set<ResultPart> takes(MedicationPrescriber system) {
        return ClinicalRecordCapability.takesResults(system) ? takes() : Set.of();
    }

    @Override
    public List<String> deliver(MedicationPrescriber system, String systemPatientId, Result result,
            Set<ResultPart> parts, String idempotencyKey) throws AdapterException {
        return EachRecord.file(result.medications(), idempotencyKey, "medication", "createMedicationRequest()",
                (item, key) -> system.createMedicationRequest(systemPatientId, item, key));
    }
}
