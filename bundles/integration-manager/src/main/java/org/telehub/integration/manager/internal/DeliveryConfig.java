package org.telehub.integration.manager.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The policy of each target system's work topic ({@code integration.delivery.<adapterId>}), passed as its handler's
 * properties; an {@code org.telehub.work.topic} configuration of a topic overrides it. Recovery timing (sweep, lost
 * wake-ups, leases) is the work service's ({@code org.telehub.work}).
 */
@ObjectClassDefinition(name = "Telehub deliveries", description = "Durable delivery of results to external systems.")
@interface DeliveryConfig {
    @AttributeDefinition(name = "Concurrent deliveries per system", description = "Deliveries run at once to"
            + " each target system (its own work topic). A slow or hanging system holds only its own.",
            min = "1", max = "64")
    int consumersPerSystem() default 4;

    @AttributeDefinition(name = "Attempts before dead", min = "1")
    int maxAttempts() default 10;

    @AttributeDefinition(name = "First retry after (ms)", description = "Doubles with each attempt (with jitter).",
            min = "10")
    long baseBackoffMillis() default 2000;

    @AttributeDefinition(name = "Longest retry delay (ms)", min = "100")
    long maxBackoffMillis() default 600_000;

    @AttributeDefinition(name = "Attempt timeout (ms)", description = "A delivery call that takes longer counts as"
            + " a failed, retryable attempt (the target's idempotency key makes the retry safe).", min = "100")
    int attemptTimeoutMillis() default 30_000;
}
