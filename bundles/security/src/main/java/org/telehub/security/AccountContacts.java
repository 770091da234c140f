package org.telehub.security;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * How to reach the person behind an account: the e-mail address kept on it (set by an administrator or by the
 * person). For messages about their work that name no patient, e.g. a doctor's reminder of a visit; never shown
 * to another caller.
 */
@ProviderType
public interface AccountContacts {

    /** The e-mail address of the enabled account {@code username}; empty without one, or for no such account. */
    Optional<String> email(String username);

    /**
     * The e-mail addresses of the enabled accounts holding {@code role} (with or without a clinic), username →
     * address, for notices about the hub itself, e.g. administrators told that an interface went silent. Accounts
     * without an address are left out.
     *
     * @since 1.6
     */
    java.util.Map<String, String> emailsWithRole(String role);
}
