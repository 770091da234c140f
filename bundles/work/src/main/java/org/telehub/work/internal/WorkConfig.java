package org.telehub.work.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub work", description = "The durable work service: recovery timing, limits,"
        + " and the policy of a topic that neither its configuration nor its handler sets.")
@interface WorkConfig {
    @AttributeDefinition(name = "Sweep every (s)", description = "Renews this node's claims, revives stale claims"
            + " and wakes items whose message was lost.", min = "1")
    int sweepSeconds() default 5;

    @AttributeDefinition(name = "Claim lease (s)", description = "A running item not renewed for this long (its node"
            + " stopped) runs again. Must exceed the sweep interval.", min = "2")
    int leaseSeconds() default 60;

    @AttributeDefinition(name = "Lost after (s)", description = "A due item not run nor woken for this long is woken"
            + " again (its message was lost).", min = "1")
    int lostAfterSeconds() default 30;

    @AttributeDefinition(name = "Keep finished items (hours)", description = "Done and cancelled items are deleted"
            + " this long after they finished (idempotency keys are remembered as long); dead items stay until"
            + " replayed. Owners keep their own record of what was done.", min = "1")
    int keepFinishedHours() default 72;

    @AttributeDefinition(name = "Largest payload (characters)", min = "1")
    int maxPayloadChars() default 262_144;

    @AttributeDefinition(name = "Item ids per message", description = "Wake-ups of one topic and due time share a"
            + " message up to this many.", min = "1", max = "1000")
    int idsPerMessage() default 50;

    @AttributeDefinition(name = "Default consumers per topic", min = "1", max = "64")
    int consumers() default 4;

    @AttributeDefinition(name = "Default items per claim", description = "Wake-ups one consumer claims and finishes"
            + " together (one database round trip each way).", min = "1", max = "1000")
    int batch() default 50;

    @AttributeDefinition(name = "Default attempts before dead", min = "1")
    int maxAttempts() default 10;

    @AttributeDefinition(name = "Default first retry after (ms)", min = "1")
    long backoffInitialMillis() default 2000;

    @AttributeDefinition(name = "Default longest retry delay (ms)", min = "1")
    long backoffMaxMillis() default 600_000;

    @AttributeDefinition(name = "Default jitter (0..1)", description = "Share of a retry delay that is random.")
    double jitter() default 0.5;
}
