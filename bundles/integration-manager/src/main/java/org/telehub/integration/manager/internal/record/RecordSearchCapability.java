package org.telehub.integration.manager.internal.record;

import org.osgi.service.component.annotations.Component;
import org.telehub.integration.api.ClinicalRecordSearch;
import org.telehub.integration.spi.CapabilityHandler;

/** Patient and observation search: used through {@link EhrResource}; named in a system's status. */
@Component(service = CapabilityHandler.class)
public class RecordSearchCapability implements CapabilityHandler<ClinicalRecordSearch> {

    @Override
    public Class<ClinicalRecordSearch> capability() {
        return ClinicalRecordSearch.class;
    }
}
