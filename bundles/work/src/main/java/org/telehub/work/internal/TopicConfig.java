package org.telehub.work.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Per-topic policy; a value left at -1 (or empty) falls back to the handler's suggestion, then the defaults. */
@ObjectClassDefinition(name = "Telehub work topic", description = "The policy of one work topic: parallelism,"
        + " order, retries.")
@interface TopicConfig {
    @AttributeDefinition(name = "Topic", description = "e.g. encounter.reminder")
    String topic();

    @AttributeDefinition(name = "Consumers on each node", description = "-1: the handler's or the default", min = "-1",
            max = "64")
    int consumers() default -1;

    @AttributeDefinition(name = "Ordered per key", description = "true, false, or empty for the handler's choice",
            required = false)
    String ordered() default "";

    @AttributeDefinition(name = "Attempts before dead", min = "-1")
    int maxAttempts() default -1;

    @AttributeDefinition(name = "First retry after (ms)", min = "-1")
    long backoffInitialMillis() default -1;

    @AttributeDefinition(name = "Longest retry delay (ms)", min = "-1")
    long backoffMaxMillis() default -1;

    @AttributeDefinition(name = "Jitter (0..1)", description = "-1: the handler's or the default")
    double jitter() default -1;

    @AttributeDefinition(name = "Items per claim", min = "-1", max = "1000")
    int batch() default -1;

    String webconsole_configurationFactory_nameHint() default "Work topic {topic}";
}
