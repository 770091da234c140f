package org.telehub.integration.manager.internal.imaging;

import org.osgi.service.component.annotations.Component;
import org.telehub.integration.api.DicomArchive;
import org.telehub.integration.spi.CapabilityHandler;

/** DICOM store, query, move and retrieve: used through {@link PacsResource}; named in a system's status. */
@Component(service = CapabilityHandler.class)
public class DicomCapability implements CapabilityHandler<DicomArchive> {

    @Override
    public Class<DicomArchive> capability() {
        return DicomArchive.class;
    }
}
