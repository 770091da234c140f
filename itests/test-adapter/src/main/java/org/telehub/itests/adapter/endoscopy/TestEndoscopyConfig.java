package org.telehub.itests.adapter.endoscopy;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub test endoscopy system", description = "In-container tests only.")
@interface TestEndoscopyConfig {
    String webconsole_configurationFactory_nameHint() default "Test endoscopy [{id}]";

    @AttributeDefinition(description = "Instance id, unique in the hub (required)")
    String id();

    @AttributeDefinition(description = "The simulated remote system's HTTP endpoint for writes (run by the test)")
    String remoteUrl() default "";
}
