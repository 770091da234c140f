package org.telehub.security.internal;

import java.time.Instant;
import java.util.Set;

import org.telehub.security.AuthenticatedUser;

/** A stored account. The password hash never leaves this bundle. {@code email}: for a password reset, or null. */
record UserAccount(long id, String username, String displayName, Set<String> roles, boolean enabled,
        Instant createdAt, String passwordHash, String email) {

    /** An account without an e-mail address. */
    UserAccount(long id, String username, String displayName, Set<String> roles, boolean enabled, Instant createdAt,
            String passwordHash) {
        this(id, username, displayName, roles, enabled, createdAt, passwordHash, null);
    }

    AuthenticatedUser principal() {
        return new AuthenticatedUser(id, username, displayName, roles);
    }
}
