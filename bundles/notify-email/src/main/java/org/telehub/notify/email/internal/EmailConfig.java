package org.telehub.notify.email.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(name = "Telehub email channel", description = "Sends invitations and reminders by SMTP."
        + " Off until enabled; the password belongs in etc/secrets, named by $[secret:NAME].")
@interface EmailConfig {
    @AttributeDefinition(name = "Enabled", description = "Off: the channel is not offered to reminders (not an"
            + " error).")
    boolean enabled() default false;

    @AttributeDefinition(name = "SMTP host", required = false)
    String host() default "";

    @AttributeDefinition(name = "SMTP port", description = "587 for STARTTLS, 465 for TLS, 25 for none.",
            min = "1", max = "65535")
    int port() default 587;

    @AttributeDefinition(name = "Transport security", options = {
        @Option(label = "STARTTLS (required, server certificate and name checked)", value = "starttls"),
        @Option(label = "TLS from the first byte (SMTPS)", value = "tls"),
        @Option(label = "None (a relay on this host or a closed network only)", value = "none")})
    String tls() default "starttls";

    @AttributeDefinition(name = "User name", description = "Empty: no SMTP authentication.", required = false)
    String username() default "";

    /** Private (leading dot): never copied into the channel's service properties. */
    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false,
            description = "Use $[secret:NAME] (a file in etc/secrets); never logged.")
    String _password() default "";

    @AttributeDefinition(name = "From address", description = "e.g. Clinic <noreply@clinic.example>",
            required = false)
    String from() default "";

    @AttributeDefinition(name = "Timeout (s)", description = "Connecting, reading and writing each.", min = "1")
    int timeoutSeconds() default 20;
}
