package org.telehub.security;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Re-confirmation before a sensitive action (break-glass, signing a report): the caller types a current code of
 * their second factor again, so a session left open on a ward computer does not suffice. Codes are checked like a
 * login's: throttled per account, each code once, wrong ones audited.
 *
 * @since 1.3
 */
@ProviderType
public interface SecondFactorCheck {

    /** Whether the user has a second factor in force (then sensitive actions need a code). */
    boolean enrolled(AuthenticatedUser user);

    /**
     * Checks a current code (or an unused recovery code) of the user's second factor.
     *
     * @param action what the code confirms, for the audit, e.g. {@code patient.break-glass}
     * @return false if the code is missing or wrong
     * @throws org.telehub.domain.UnavailableException if second factors cannot be checked now
     */
    boolean confirm(AuthenticatedUser user, String code, String action);
}
