package org.telehub.security.internal;

import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.security.AccountContacts;

/** The accounts' e-mail addresses for other bundles' messages: only enabled accounts have one to give. */
@Component(service = AccountContacts.class)
public class Contacts implements AccountContacts {
    private final Accounts accounts;

    @Activate
    public Contacts(@Reference Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public Optional<String> email(String username) {
        return accounts.byUsername(username).filter(UserAccount::enabled).map(UserAccount::email);
    }
}
