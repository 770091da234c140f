package org.telehub.security.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.jaas.modules.AbstractKarafLoginModule;
import org.telehub.security.Roles;

/**
 * JAAS login against Telehub accounts, for the Karaf web console, SSH shell and JMX. Only Telehub administrators get
 * Karaf's administrative roles; other accounts authenticate but are granted nothing there. Commit, abort and logout
 * are Karaf's. Passwords are checked through {@link Accounts}' throttle like REST logins, so the limits are shared;
 * JAAS does not tell the client's address, so only the per-account limit applies here.
 */
public class TelehubLoginModule extends AbstractKarafLoginModule {
    /** Option key under which {@link KarafRealm} hands over the live {@link Accounts}. */
    static final String ACCOUNTS = Accounts.class.getName();
    /** Karaf's roles for its console, shell, JMX and management. */
    static final List<String> KARAF_ADMIN_ROLES = List.of("admin", "manager", "viewer", "systembolt", "ssh");

    private Accounts accounts;

    @Override
    public void initialize(Subject subject, CallbackHandler handler, Map<String, ?> sharedState,
            Map<String, ?> options) {
        super.initialize(subject, handler, options);
        this.accounts = (Accounts) options.get(ACCOUNTS);
    }

    @Override
    public boolean login() throws LoginException {
        if (accounts == null) {
            throw new LoginException("Telehub accounts are not available");
        }
        NameCallback name = new NameCallback("Username: ");
        PasswordCallback password = new PasswordCallback("Password: ", false);
        try {
            callbackHandler.handle(new Callback[] {name, password});
        } catch (Exception e) {
            throw new LoginException("Cannot read credentials: " + e.getMessage());
        }
        char[] secret = password.getPassword();
        Optional<UserAccount> account;
        try {
            account = accounts.authenticate(name.getName(), secret == null ? new char[0] : secret,
                    Accounts.Source.REALM);
        } catch (Accounts.TooManyAttempts e) {
            // not AccountLockedException: Karaf's web console logs that with a stack trace for every request
            throw new FailedLoginException(e.getMessage());
        } finally {
            password.clearPassword();
        }
        if (account.isEmpty()) {
            throw new FailedLoginException("Wrong username or password");
        }
        user = account.get().username();
        principals.add(new UserPrincipal(user));
        if (account.get().roles().contains(Roles.ADMIN)) {
            KARAF_ADMIN_ROLES.forEach(r -> principals.add(new RolePrincipal(r)));
        }
        succeeded = true;
        return true;
    }
}
