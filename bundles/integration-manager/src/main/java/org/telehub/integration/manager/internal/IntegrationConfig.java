package org.telehub.integration.manager.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub integration manager", description = "Limits of calls to external systems.")
public @interface IntegrationConfig {
    @AttributeDefinition(name = "Per-system timeout (ms)", description = "A system that has not answered a patient"
            + " read within this time is reported as TIMEOUT; the others are answered anyway.", min = "100")
    int perSystemTimeoutMillis() default 5000;

    @AttributeDefinition(name = "Concurrent calls per system", description = "Bulkhead: calls to one system beyond"
            + " this are refused at once (REJECTED) instead of queueing behind a slow system.", min = "1")
    int perSystemConcurrency() default 8;

    @AttributeDefinition(name = "Worker threads", description = "Threads that call external systems, shared by all.",
            min = "2")
    int workerThreads() default 32;

    @AttributeDefinition(name = "PACS move destinations", description = "Where a PACS may be asked to send a study"
            + " (C-MOVE): entries adapterId:AE-TITLE, or *:AE-TITLE for every PACS. Any other destination is refused"
            + " (403) before the PACS is asked; none configured: no moves.", required = false)
    String[] pacsMoveDestinations() default {};
}
