package org.telehub.security;

import java.security.Principal;
import java.util.Set;

/** The caller of a request, as established from its bearer token. */
public record AuthenticatedUser(long id, String username, String displayName, Set<String> roles) implements Principal {
    public AuthenticatedUser {
        roles = Set.copyOf(roles);
    }

    @Override
    public String getName() {
        return username;
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
