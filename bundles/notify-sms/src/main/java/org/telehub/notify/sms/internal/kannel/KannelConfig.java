package org.telehub.notify.sms.internal.kannel;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub SMS provider: Kannel", description = "Kannel's sendsms HTTP interface (an"
        + " smsbox's sendsms-port and a sendsms-user). The password belongs in etc/secrets, named by $[secret:NAME].")
@interface KannelConfig {
    @AttributeDefinition(name = "sendsms URL", description = "e.g. http://127.0.0.1:13013/cgi-bin/sendsms (use"
            + " https or a closed network: the user and password travel in the query, as Kannel expects)")
    String url() default "http://127.0.0.1:13013/cgi-bin/sendsms";

    @AttributeDefinition(name = "User name", description = "The sendsms-user's username.", required = false)
    String username() default "";

    /** Private (leading dot): never copied into the provider's service properties. */
    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false,
            description = "The sendsms-user's password; use $[secret:NAME]. Never logged.")
    String _password() default "";

    @AttributeDefinition(name = "Sender", description = "Number or alphanumeric sender; empty: the smsbox's"
            + " global-sender.", required = false)
    String from() default "";

    @AttributeDefinition(name = "SMSC id", description = "Route through this SMSC (Kannel smsc-id); empty: any.",
            required = false)
    String smscId() default "";

    @AttributeDefinition(name = "Delivery report URL", description = "Kannel calls it with the report (dlr-url);"
            + " empty: no reports asked for.", required = false)
    String dlrUrl() default "";

    @AttributeDefinition(name = "Delivery report mask", description = "Kannel dlr-mask, e.g. 31 for every report;"
            + " used only with a report URL.", min = "0", max = "255")
    int dlrMask() default 31;

    @AttributeDefinition(name = "Timeout (s)", min = "1")
    int timeoutSeconds() default 20;
}
