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
            description = "Password for that administrator. Empty: one is generated and printed once on the console"
                    + " (standard output), never to the log.")
    String bootstrapAdminPassword() default "";

    @AttributeDefinition(name = "Token lifetime (minutes)", description = "How long a bearer token is valid.",
            min = "1", max = "10080")
    int tokenTtlMinutes() default 480;

    @AttributeDefinition(name = "Token check cache (seconds)", description = "A token found valid is trusted this"
            + " long without reading the database again. A logout or password change on this node applies at once,"
            + " on other nodes of a cluster within this time. 0: every request reads the database.", min = "0",
            max = "60")
    int tokenCacheSeconds() default 5;

    @AttributeDefinition(name = "Public origin", description = "scheme://host[:port] browsers load the hub from."
            + " Cookie-authenticated writes and WebSocket handshakes from any other Origin are refused. https: the"
            + " session cookie is __Host-telehub_session, Secure. http is accepted only for localhost, 127.0.0.1 and"
            + " [::1] (development; cookie telehub_session without Secure); otherwise browser sessions are off.")
    String publicOrigin() default "https://localhost:8443";

    @AttributeDefinition(name = "Browser session idle timeout (minutes)", description = "A browser session not used"
            + " this long ends.", min = "1", max = "1440")
    int sessionIdleMinutes() default 30;

    @AttributeDefinition(name = "Browser session lifetime (minutes)", description = "A browser session ends this long"
            + " after its login however busy (a clinician's shift: 12 h).", min = "1", max = "10080")
    int sessionLifetimeMinutes() default 720;

    @AttributeDefinition(name = "PBKDF2 iterations", description = "Cost of new password hashes (existing hashes"
            + " keep the cost they were made with).", min = "10000")
    int pbkdf2Iterations() default 600_000;

    @AttributeDefinition(name = "Minimum password length", min = "8", max = "128")
    int minPasswordLength() default 12;

    @AttributeDefinition(name = "Second factor required for", description = "Roles whose holders must set up a TOTP "
            + "second factor before anything else (e.g. admin, clinic-admin, doctor, nurse, front-desk, export): "
            + "until they have, every route but enrolment, their own account and logout answers 403. Sign-ins "
            + "through an identity provider are exempt (the provider decides its factors). Empty: optional.",
            required = false)
    String[] secondFactorRequiredFor() default {};

    @AttributeDefinition(name = "Free failures per account", description = "Failed logins of one username (existing"
            + " or not) before each further attempt must wait a delay that doubles from the base delay.", min = "0")
    int accountFreeFailures() default 5;

    @AttributeDefinition(name = "Lockout after failures per account", description = "From this many failed logins"
            + " on, the username is locked for the lockout time after every failure, until an administrator"
            + " unlocks it (POST /api/v1/users/{username}/unlock).", min = "1")
    int accountLockoutFailures() default 10;

    @AttributeDefinition(name = "Account failure window (minutes)", description = "An account's failures are"
            + " forgotten after this long without one (and at every successful login).", min = "1")
    int accountWindowMinutes() default 1440;

    @AttributeDefinition(name = "Free failures per address", description = "Failed logins from one source address"
            + " (any usernames) before it must wait. Larger than per account: a clinic may sit behind one address.",
            min = "0")
    int addressFreeFailures() default 20;

    @AttributeDefinition(name = "Lockout after failures per address", min = "1")
    int addressLockoutFailures() default 100;

    @AttributeDefinition(name = "Address failure window (minutes)", min = "1")
    int addressWindowMinutes() default 60;

    @AttributeDefinition(name = "Base delay (seconds)", description = "The first wait after the free failures;"
            + " it doubles with each further failure up to the lockout time.", min = "1")
    int failureDelaySeconds() default 1;

    @AttributeDefinition(name = "Lockout time (minutes)", min = "1")
    int lockoutMinutes() default 15;

    @AttributeDefinition(name = "Password hashing threads", description = "Password checks computed at once."
            + " 0: half the processors (at least one), so logins never take every core from the API.", min = "0")
    int hashThreads() default 0;

    @AttributeDefinition(name = "Password checks waiting", description = "Checks that may wait for a hashing"
            + " thread; beyond that, and after 10 s of waiting, a login is answered 429 with Retry-After.", min = "0")
    int hashQueue() default 16;

    @AttributeDefinition(name = "Password reset link lifetime (minutes)", description = "How long an e-mailed"
            + " password-reset link works (once). A newer request voids the older links of the account.", min = "5",
            max = "1440")
    int passwordResetMinutes() default 30;

    @AttributeDefinition(name = "Password reset e-mail language", description = "Language of the reset e-mail when"
            + " the request names none: en, fa or ru.")
    String passwordResetLanguage() default "en";

    @AttributeDefinition(name = "Password reset e-mails per account", description = "At most this many reset e-mails"
            + " go to one account within the window; further requests are answered alike (202) and send nothing.",
            min = "1")
    int passwordResetPerAccount() default 3;

    @AttributeDefinition(name = "Password reset requests per address", description = "Reset requests from one"
            + " client address (any usernames, existing or not) within the window; beyond: 429 with Retry-After.",
            min = "1")
    int passwordResetPerAddress() default 10;

    @AttributeDefinition(name = "Password reset window (minutes)", min = "1", max = "1440")
    int passwordResetWindowMinutes() default 60;
}
