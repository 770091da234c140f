package org.telehub.adapter.endoscopy.pentax.internal;

import java.io.IOException;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.telehub.endoscopy.EndoscopyProfile;
import org.telehub.endoscopy.EndoscopySystem;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.InstanceIntake;
import org.telehub.integration.api.PerformedSteps;

/**
 * PENTAX Medical IMAGINA and INSPIRA: the shared endoscopy adapter with this vendor's defaults, one system per factory
 * configuration {@code etc/org.telehub.adapter.endoscopy.pentax-<name>.cfg}. Every default that differs from the
 * generic profile names its source (the bundle's README has them as a table); its form is {@link PentaxForm}.
 */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.endoscopy.pentax",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public class PentaxEndoscopy extends EndoscopySystem {
    /** The generic profile with this vendor's defaults. */
    public static final EndoscopyProfile PROFILE = EndoscopyProfile.GENERIC.named("pentax")
            .with("vendor", "PENTAX Medical (IMAGINA, INSPIRA)",
                    "the vendor's product names: the IMAGINA (EPK-i5500c) and INSPIRA (EPK-i8020c) video "
                    + "processors")
            .with("storageClasses", "VL_ENDOSCOPIC,VIDEO_ENDOSCOPIC,SECONDARY_CAPTURE",
                    "assumed: systems in the field send endoscopy as Secondary Capture with modality ES "
                    + "(github.com/cornerstonejs/react-cornerstone-viewport/issues/137, vendor not named); the "
                    + "IMAGINA EPK-i5500c DICOM conformance statement exists "
                    + "(documents.pub/document/dicom-conformance-statement-imagina-pentax-medical.html, 49 pages) "
                    + "but its classes could not be read here")
            .with("analysisObjects", "SR,SC",
                    "assumed: no public source read here says whether an IMAGINA or INSPIRA system shows a DICOM "
                    + "SR");

    @Activate
    public PentaxEndoscopy(Map<String, Object> properties, @Reference InstanceIntake intake,
            @Reference PerformedSteps steps) throws IOException {
        super(PROFILE, properties, intake, steps);
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
