package org.telehub.security.internal;

import java.time.Instant;
import java.util.Set;

import org.telehub.security.AuthenticatedUser;

/** A stored account. The password hash never leaves this bundle. */
record UserAccount(long id, String username, String displayName, Set<String> roles, boolean enabled,
        Instant createdAt, String passwordHash) {

    AuthenticatedUser principal() {
        return new AuthenticatedUser(id, username, displayName, roles);
    }
}
