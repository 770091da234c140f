package org.telehub.integration.manager.internal.record;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ClinicalRecordSystem;
import org.telehub.integration.spi.CapabilityHandler;
import org.telehub.integration.spi.Result;
import org.telehub.integration.spi.ResultPart;

/**
 * An EHR in the manager: demographics and recent observations in the all-systems read; a report filed as a
 * diagnostic report and each observation as its own record (key {@code <delivery>/<i>}). Ranked above imaging:
 * a report goes to the record when a system keeps both.
 */
@Component(service = CapabilityHandler.class, property = "service.ranking:Integer=10")
public class ClinicalRecordCapability implements CapabilityHandler<ClinicalRecordSystem> {
    /** How many recent observations the all-systems read shows. */
    private static final int RECENT_OBSERVATIONS = 50;

    @Override
    public Class<ClinicalRecordSystem> capability() {
        return ClinicalRecordSystem.class;
    }

    @Override
    public Set<ResultPart> takes() {
        return Set.of(ResultPart.REPORT, ResultPart.OBSERVATIONS);
    }

    /** Nothing for a system that says it files no results (a read-only API, an interface with no receiver). */
    @Override
    public Set<ResultPart> takes(ClinicalRecordSystem ehr) {
        return ehr.takesResults() ? takes() : Set.of();
    }

    /** False for an EHR that says it files no results; true for any other system. */
    static boolean takesResults(Object system) {
        return !(system instanceof ClinicalRecordSystem ehr) || ehr.takesResults();
    }

    @Override
    public Map<String, Object> read(ClinicalRecordSystem ehr, String systemPatientId) throws AdapterException {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("demographics", CapabilityHandler.required(ehr.patient(systemPatientId), "patient()"));
        members.put("observations", CapabilityHandler.required(ehr.observations(systemPatientId, RECENT_OBSERVATIONS),
                "observations()"));
        return members;
    }

    @Override
    public List<String> deliver(ClinicalRecordSystem ehr, String systemPatientId, Result result,
            Set<ResultPart> parts, String idempotencyKey) throws AdapterException {
        List<String> remote = new ArrayList<>();
        if (parts.contains(ResultPart.REPORT)) {
            remote.add(ehr.createDiagnosticReport(systemPatientId, result.report(), idempotencyKey).remoteId());
        }
        if (parts.contains(ResultPart.OBSERVATIONS)) {
            for (int i = 0; i < result.observations().size(); i++) {
                remote.add(ehr.createObservation(systemPatientId, result.observations().get(i), idempotencyKey + "/" + i)
                        .remoteId());
            }
        }
        return remote;
    }
}
