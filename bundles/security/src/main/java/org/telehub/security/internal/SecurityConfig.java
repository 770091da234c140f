package org.telehub.security.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub security", description = "Accounts, passwords and bearer tokens.")
@interface SecurityConfig {

    @AttributeDefinition(name = "Bootstrap administrator", description = "Username of the administrator created at"
            + " the first start, when the database has no account yet.")
    String bootstrapAdminUsername() default "admin";

    @AttributeDefinition(name = "Bootstrap administrator password", type = AttributeType.PASSWORD,
            description = "Password for that administrator. Empty: one is generated and printed once to the log.")
    String bootstrapAdminPassword() default "";

    @AttributeDefinition(name = "Token lifetime (minutes)", description = "How long a bearer token is valid.",
            min = "1", max = "10080")
    int tokenTtlMinutes() default 480;

    @AttributeDefinition(name = "PBKDF2 iterations", description = "Cost of new password hashes (existing hashes"
            + " keep the cost they were made with).", min = "10000")
    int pbkdf2Iterations() default 600_000;

    @AttributeDefinition(name = "Minimum password length", min = "8", max = "128")
    int minPasswordLength() default 12;
}
