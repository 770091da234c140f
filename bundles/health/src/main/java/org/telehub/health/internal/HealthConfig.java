package org.telehub.health.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub health", description = "What GET /api/v1/health requires to say UP.")
@interface HealthConfig {
    @AttributeDefinition(name = "Required checks", description = "Indicators that must be present and UP; a missing"
            + " one counts as DOWN (its bundle is not running). 'api': the REST routes are served.")
    String[] requiredChecks() default {"database", "broker", "api"};

    @AttributeDefinition(name = "Check timeout (ms)", min = "100", max = "30000")
    int timeoutMillis() default 5000;

    @AttributeDefinition(name = "Lost route grace (s)", min = "5", max = "3600", description = "A Telehub REST"
            + " service the JAX-RS whiteboard neither serves nor refuses for this long is registered again (the"
            + " whiteboard can lose one registered while it is being built at boot).")
    int lostRouteGraceSeconds() default 45;
}
