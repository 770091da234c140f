package org.telehub.security.internal;

import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.security.AccountContacts;
import org.telehub.security.Colleagues;
import org.telehub.security.Roles;

/**
 * The accounts' e-mail addresses for other bundles' messages (only enabled accounts have one to give), and the
 * clinicians among them as colleagues.
 */
@Component(service = {AccountContacts.class, Colleagues.class})
public class Contacts implements AccountContacts, Colleagues {
    private final Accounts accounts;

    @Activate
    public Contacts(@Reference Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public Optional<String> email(String username) {
        return accounts.byUsername(username).filter(UserAccount::enabled).map(UserAccount::email);
    }

    @Override
    public java.util.Map<String, String> emailsWithRole(String role) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (UserAccount a : accounts.search("", java.util.Set.of(role), 500)) {
            if (a.email() != null && !a.email().isBlank()) {
                out.put(a.username(), a.email());
            }
        }
        return out;
    }

    @Override
    public Optional<Colleague> colleague(String username) {
        return accounts.byUsername(username).filter(UserAccount::enabled).filter(Contacts::clinician)
                .map(Contacts::colleague);
    }

    @Override
    public List<Colleague> colleagues(String prefix, int limit) {
        String p = prefix == null ? "" : prefix.strip();
        if (p.length() < 2 || limit < 1) {
            return List.of();
        }
        return accounts.search(p.length() > 64 ? p.substring(0, 64) : p, Roles.CLINICIANS, Math.min(limit, 50))
                .stream().map(Contacts::colleague).toList();
    }

    private static boolean clinician(UserAccount a) {
        return a.roles().stream().map(Roles::base).anyMatch(Roles.CLINICIANS::contains);
    }

    private static Colleague colleague(UserAccount a) {
        return new Colleague(a.username(), a.displayName() == null || a.displayName().isBlank() ? a.username()
                : a.displayName(), a.roles().stream().map(Roles::base).filter(Roles.CLINICIANS::contains)
                .collect(java.util.stream.Collectors.toUnmodifiableSet()));
    }
}
