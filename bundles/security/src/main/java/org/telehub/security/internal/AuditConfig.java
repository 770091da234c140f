package org.telehub.security.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub audit trail", description = "The sealer that hashes audit rows into a chain,"
        + " and where the newest seal is kept outside the database.")
@interface AuditConfig {

    @AttributeDefinition(name = "Seal interval (ms)", description = "How often waiting audit rows are sealed. Rows"
            + " are tamper-evident once sealed: a shorter interval leaves less unsealed.", min = "100")
    int sealIntervalMillis() default 1000;

    @AttributeDefinition(name = "Rows per seal", description = "At most this many rows go into one seal; while more"
            + " wait, the sealer seals again at once.", min = "1", max = "100000")
    int batchSize() default 1000;

    @AttributeDefinition(name = "Hole window (seconds)", description = "A sequence number missing when a seal ran"
            + " (a rolled-back transaction, or one still running) is watched this long; a row committed into it"
            + " later is still sealed. Make it longer than any transaction can run.", min = "10")
    int holeWindowSeconds() default 600;

    @AttributeDefinition(name = "Seal file", description = "The newest seal outside the database. Empty:"
            + " ${karaf.data}/telehub/audit.seal. Keep it on the hub's disk, not in the database's.",
            required = false)
    String sealFile() default "";

    @AttributeDefinition(name = "Seal log interval (seconds)", description = "The newest seal is also logged (INFO)"
            + " at most this often, so the log holds the chain's recent heads too.", min = "1")
    int logIntervalSeconds() default 60;
}
