package org.telehub.adapter.endoscopy.storz.internal;

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
 * KARL STORZ AIDA: the shared endoscopy adapter with this vendor's defaults, one system per factory
 * configuration {@code etc/org.telehub.adapter.endoscopy.storz-<name>.cfg}. Every default that differs from the
 * generic profile names its source (the bundle's README has them as a table); its form is {@link StorzForm}.
 */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.endoscopy.storz",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public class StorzEndoscopy extends EndoscopySystem {
    /** The generic profile with this vendor's defaults. */
    public static final EndoscopyProfile PROFILE = EndoscopyProfile.GENERIC.named("storz")
            .with("vendor", "KARL STORZ (AIDA)",
                    "the vendor's product name: AIDA, the documentation system of the OR1 suite")
            .with("analysisObjects", "SR,SC",
                    "assumed: AIDA retrieves images from the archive (AIDA compact NEO DICOM conformance "
                    + "statement, Product Info OR1-55-E 07/2010: Patient Root and Study Root Query/Retrieve MOVE as "
                    + "SCU), so an image in the study can be brought back; whether it shows a DICOM SR is not in a "
                    + "public source read here");

    @Activate
    public StorzEndoscopy(Map<String, Object> properties, @Reference InstanceIntake intake,
            @Reference PerformedSteps steps) throws IOException {
        super(PROFILE, properties, intake, steps);
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
