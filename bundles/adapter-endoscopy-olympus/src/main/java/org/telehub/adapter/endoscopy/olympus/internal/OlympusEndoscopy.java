package org.telehub.adapter.endoscopy.olympus.internal;

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
 * Olympus ENDOBASE and EVIS: the shared endoscopy adapter with this vendor's defaults, one system per factory
 * configuration {@code etc/org.telehub.adapter.endoscopy.olympus-<name>.cfg}. Every default that differs from the
 * generic profile names its source (the bundle's README has them as a table); its form is {@link OlympusForm}.
 */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.endoscopy.olympus",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public class OlympusEndoscopy extends EndoscopySystem {
    /** The generic profile with this vendor's defaults. */
    public static final EndoscopyProfile PROFILE = EndoscopyProfile.GENERIC.named("olympus")
            .with("vendor", "Olympus (ENDOBASE, EVIS)",
                    "the vendor's product names: ENDOBASE (the endoscopy information system), EVIS (the video "
                    + "processors)")
            .with("storageClasses", "VL_ENDOSCOPIC,VIDEO_ENDOSCOPIC,SECONDARY_CAPTURE",
                    "assumed: systems in the field send endoscopy as Secondary Capture with modality ES "
                    + "(github.com/cornerstonejs/react-cornerstone-viewport/issues/137, vendor not named); "
                    + "ENDOBASE's and EVIS X1's storage classes are not in a public source read here")
            .with("analysisObjects", "SR,SC",
                    "assumed: no public source read here says whether ENDOBASE or EVIS X1 shows a DICOM SR; the "
                    + "finding burned into an image is seen by any viewer");

    @Activate
    public OlympusEndoscopy(Map<String, Object> properties, @Reference InstanceIntake intake,
            @Reference PerformedSteps steps) throws IOException {
        super(PROFILE, properties, intake, steps);
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
