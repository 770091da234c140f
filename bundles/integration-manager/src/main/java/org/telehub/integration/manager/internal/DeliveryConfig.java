package org.telehub.integration.manager.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub deliveries", description = "Durable delivery of results to external systems.")
@interface DeliveryConfig {
    @AttributeDefinition(name = "Concurrent deliveries per system", description = "JMS consumers on each target"
            + " system's own queue, each delivering one at a time. A slow or hanging system holds only its own.",
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

    @AttributeDefinition(name = "Recheck a missing adapter after (s)", min = "1")
    int waitingRecheckSeconds() default 60;

    @AttributeDefinition(name = "Sweep every (s)", description = "Finds deliveries interrupted by a crash or whose"
            + " queue message was lost.", min = "1")
    int sweepSeconds() default 5;

    @AttributeDefinition(name = "A due delivery is lost after (s)", min = "5")
    int lostAfterSeconds() default 30;
}
