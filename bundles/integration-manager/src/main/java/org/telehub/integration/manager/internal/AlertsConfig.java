package org.telehub.integration.manager.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub adapter alerts", description = "Administrators are told by e-mail when a "
        + "connected system stays DEGRADED or DOWN (an HL7 v2 interface gone silent, an EHR that does not answer), "
        + "and again when it is back UP.")
public @interface AlertsConfig {
    @AttributeDefinition(name = "Alert after (seconds)", description = "How long a system must stay in a worse "
            + "state before administrators are told (brief flaps are not worth a mail at 3 a.m.); 0: never tell",
            min = "0")
    int alertAfterSeconds() default 300;

    @AttributeDefinition(name = "Check every (seconds)", description = "How often each system's health is read",
            min = "1")
    int checkSeconds() default 30;
}
