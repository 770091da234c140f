package org.telehub.itests.adapter;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub test adapter", description = "In-container tests only.")
@interface TestAdapterConfig {
    String webconsole_configurationFactory_nameHint() default "Test EHR [{id}]";

    @AttributeDefinition(description = "Instance id, unique in the hub (required)")
    String id();

    @AttributeDefinition(description = "ok, throw, hang or garbage")
    String behaviour() default "ok";

    @AttributeDefinition(description = "The simulated remote system's HTTP endpoint for writes (run by the test)")
    String remoteUrl() default "";
}
