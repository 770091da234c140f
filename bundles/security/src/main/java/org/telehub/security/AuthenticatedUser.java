package org.telehub.security;

import java.security.Principal;
import java.util.Set;
import java.util.stream.Collectors;

/** The caller of a request, as established from its bearer token. */
public record AuthenticatedUser(long id, String username, String displayName, Set<String> roles) implements Principal {
    public AuthenticatedUser {
        roles = Set.copyOf(roles);
    }

    @Override
    public String getName() {
        return username;
    }

    /** Holds {@code role}, with or without a scope ({@code clinic-admin} matches {@code clinic-admin:North}). */
    public boolean hasRole(String role) {
        return roles.contains(role) || roles.stream().anyMatch(r -> Roles.base(r).equals(role));
    }

    /** The scopes this user holds {@code role} in, e.g. the clinics of a clinic administrator. */
    public Set<String> scopes(String role) {
        return roles.stream().filter(r -> r.startsWith(role + ":")).map(r -> r.substring(role.length() + 1))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** A doctor or nurse: reaches patients through care relationships. */
    public boolean clinician() {
        return roles.stream().map(Roles::base).anyMatch(Roles.CLINICIANS::contains);
    }
}
