package org.telehub.integration.manager.internal.imaging;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ImagingArchive;
import org.telehub.integration.spi.CapabilityHandler;
import org.telehub.integration.spi.Result;
import org.telehub.integration.spi.ResultPart;

/**
 * A PACS in the manager: its studies in the all-systems read, and a report filed with the patient's imaging (an
 * Encapsulated PDF in the study). Ranked below the clinical record, so a system that is both files a report once,
 * in the record.
 */
@Component(service = CapabilityHandler.class, property = "service.ranking:Integer=0")
public class ImagingCapability implements CapabilityHandler<ImagingArchive> {

    @Override
    public Class<ImagingArchive> capability() {
        return ImagingArchive.class;
    }

    @Override
    public Set<ResultPart> takes() {
        return Set.of(ResultPart.REPORT);
    }

    @Override
    public Map<String, Object> read(ImagingArchive pacs, String systemPatientId) throws AdapterException {
        return Map.of("studies", CapabilityHandler.required(pacs.findStudies(systemPatientId), "findStudies()"));
    }

    @Override
    public List<String> deliver(ImagingArchive pacs, String systemPatientId, Result result, Set<ResultPart> parts,
            String idempotencyKey) throws AdapterException {
        return List.of(pacs.storeReport(systemPatientId, result.studyInstanceUid(), result.report(), idempotencyKey)
                .remoteId());
    }
}
