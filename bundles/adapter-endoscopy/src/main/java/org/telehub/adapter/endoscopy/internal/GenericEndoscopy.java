package org.telehub.adapter.endoscopy.internal;

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
 * The generic profile: one endoscopy system that speaks the standards, per factory configuration
 * {@code etc/org.telehub.adapter.endoscopy-<name>.cfg} (its form: {@link GenericForm}). The vendor profiles are
 * bundles of their own.
 */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.endoscopy",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public class GenericEndoscopy extends EndoscopySystem {

    @Activate
    public GenericEndoscopy(Map<String, Object> properties, @Reference InstanceIntake intake,
            @Reference PerformedSteps steps) throws IOException {
        super(EndoscopyProfile.GENERIC, properties, intake, steps);
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
