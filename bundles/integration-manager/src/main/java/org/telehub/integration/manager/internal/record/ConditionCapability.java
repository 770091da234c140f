package org.telehub.integration.manager.internal.record;

import java.util.List;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ConditionRecorder;
import org.telehub.integration.spi.CapabilityHandler;
import org.telehub.integration.spi.Result;
import org.telehub.integration.spi.ResultPart;

/**
 * A system that keeps diagnoses: each coded diagnosis of a result filed as its own record (key
 * {@code <delivery>/condition/<i>}).
 */
@Component(service = CapabilityHandler.class)
public class ConditionCapability implements CapabilityHandler<ConditionRecorder> {

    @Override
    public Class<ConditionRecorder> capability() {
        return ConditionRecorder.class;
    }

    @Override
    public Set<ResultPart> takes() {
        return Set.of(ResultPart.CONDITIONS);
    }

    /** Nothing for an EHR that says it files no results. */
    @Override
    public Set<ResultPart> takes(ConditionRecorder system) {
        return ClinicalRecordCapability.takesResults(system) ? takes() : Set.of();
    }

    @Override
    public List<String> deliver(ConditionRecorder system, String systemPatientId, Result result,
            Set<ResultPart> parts, String idempotencyKey) throws AdapterException {
        return EachRecord.file(result.conditions(), idempotencyKey, "condition", "createCondition()",
                (item, key) -> system.createCondition(systemPatientId, item, key));
    }
}
