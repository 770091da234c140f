package org.telehub.tls.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub HTTPS", description = "HTTPS for the hub (browsers give camera and microphone"
        + " only to secure pages). The clinic's certificate as a PKCS12 keystore, or, when none is named, a"
        + " self-signed one generated at the first start. Changes restart Jetty's connectors (a few seconds).")
@interface TlsConfig {
    @AttributeDefinition(name = "Enabled", description = "Off: no HTTPS connector (HTTP only).")
    boolean enabled() default true;

    @AttributeDefinition(name = "HTTPS port", min = "1", max = "65535")
    int httpsPort() default 8443;

    @AttributeDefinition(name = "Keystore (PKCS12)", required = false, description = "The clinic's certificate and"
            + " private key, a .p12/.pfx file (absolute, or relative to etc/). Empty: a self-signed certificate"
            + " generated at the first start and kept in data/telehub/tls.")
    String keystore() default "";

    /** Private (leading dot): never in service properties. */
    @AttributeDefinition(name = "Keystore password", type = AttributeType.PASSWORD, required = false,
            description = "Use $[secret:NAME] (a file in etc/secrets); never logged.")
    String _keystorePassword() default "";

    /** Private (leading dot). */
    @AttributeDefinition(name = "Key password", type = AttributeType.PASSWORD, required = false,
            description = "Only when the private key has a password of its own; empty: the keystore password.")
    String _keyPassword() default "";

    @AttributeDefinition(name = "Key alias", required = false, description = "Empty: the keystore's only (first)"
            + " private key entry.")
    String keyAlias() default "";

    @AttributeDefinition(name = "Host names", required = false, description = "Extra names (comma separated) the"
            + " self-signed certificate is made for, besides localhost, 127.0.0.1, ::1 and the hosts of publicOrigin"
            + " (org.telehub.security) and publicBaseUrl (org.telehub.encounter). A change makes a new certificate.")
    String hostNames() default "";

    @AttributeDefinition(name = "Redirect HTTP to HTTPS", description = "HTTP GET and HEAD answer 301 to the same"
            + " path on HTTPS, other methods 308. Off by default: scripts, monitoring and integrations on the"
            + " machine keep using http://localhost; browsers get the HTTPS address from publicOrigin.")
    boolean redirectHttpToHttps() default false;

    @AttributeDefinition(name = "HSTS max-age (s)", min = "0", description = "Strict-Transport-Security on HTTPS"
            + " answers, only with the clinic's certificate (never with the self-signed one, which browsers would"
            + " then refuse to let anyone click through). 0: no header.")
    long hstsMaxAgeSeconds() default 31536000;
}
