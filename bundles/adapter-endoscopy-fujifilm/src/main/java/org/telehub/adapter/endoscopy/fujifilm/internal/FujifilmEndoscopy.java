package org.telehub.adapter.endoscopy.fujifilm.internal;

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
 * Fujifilm ELUXEO: the shared endoscopy adapter with this vendor's defaults, one system per factory
 * configuration {@code etc/org.telehub.adapter.endoscopy.fujifilm-<name>.cfg}. Every default that differs from the
 * generic profile names its source (the bundle's README has them as a table); its form is {@link FujifilmForm}.
 */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.endoscopy.fujifilm",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public class FujifilmEndoscopy extends EndoscopySystem {
    /** The generic profile with this vendor's defaults. */
    public static final EndoscopyProfile PROFILE = EndoscopyProfile.GENERIC.named("fujifilm")
            .with("vendor", "Fujifilm (ELUXEO)",
                    "the vendor's product name: the ELUXEO video processors (VP-7000, EP-6000)")
            .with("storageClasses", "VL_ENDOSCOPIC,VIDEO_ENDOSCOPIC,SECONDARY_CAPTURE",
                    "assumed: systems in the field send endoscopy as Secondary Capture with modality ES "
                    + "(github.com/cornerstonejs/react-cornerstone-viewport/issues/137, vendor not named); no "
                    + "public DICOM conformance statement of an ELUXEO processor was found")
            .with("analysisObjects", "SR,SC",
                    "assumed: no public source read here says whether an ELUXEO system shows a DICOM SR");

    @Activate
    public FujifilmEndoscopy(Map<String, Object> properties, @Reference InstanceIntake intake,
            @Reference PerformedSteps steps) throws IOException {
        super(PROFILE, properties, intake, steps);
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
