package org.telehub.security.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.SecondFactorCheck;

/** {@link SecondFactorCheck} through {@link Accounts}: the login's throttle and audit. */
@Component(service = SecondFactorCheck.class)
public class SecondFactorConfirmation implements SecondFactorCheck {
    private final Accounts accounts;

    @Activate
    public SecondFactorConfirmation(@Reference Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public boolean enrolled(AuthenticatedUser user) {
        return accounts.hasSecondFactor(user.id());
    }

    @Override
    public boolean confirm(AuthenticatedUser user, String code, String action) {
        if (code == null || code.isBlank()) {
            return false;
        }
        UserAccount account = accounts.byId(user.id()).orElse(null);
        return account != null && accounts.verifySecondFactor(account, code, new Accounts.Source(action, null));
    }
}
