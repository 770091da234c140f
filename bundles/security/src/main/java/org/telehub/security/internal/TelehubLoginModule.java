package org.telehub.security.internal;

import java.util.ArrayList;
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
import javax.security.auth.spi.LoginModule;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.telehub.security.Roles;

/**
 * JAAS login against Telehub accounts, for the Karaf web console, SSH shell and JMX. Only Telehub administrators get
 * Karaf's administrative roles; other accounts authenticate but are granted nothing there.
 */
public class TelehubLoginModule implements LoginModule {
    /** Option key under which {@link KarafRealm} hands over the live {@link Accounts}. */
    static final String ACCOUNTS = Accounts.class.getName();
    /** Karaf's roles for its console, shell, JMX and management. */
    static final List<String> KARAF_ADMIN_ROLES = List.of("admin", "manager", "viewer", "systembolt", "ssh");

    private Subject subject;
    private CallbackHandler handler;
    private Accounts accounts;
    private final List<java.security.Principal> principals = new ArrayList<>();

    @Override
    public void initialize(Subject subject, CallbackHandler handler, Map<String, ?> sharedState,
            Map<String, ?> options) {
        this.subject = subject;
        this.handler = handler;
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
            handler.handle(new Callback[] {name, password});
        } catch (Exception e) {
            throw new LoginException("Cannot read credentials: " + e.getMessage());
        }
        char[] secret = password.getPassword();
        Optional<UserAccount> user = accounts.authenticate(name.getName(), secret == null ? new char[0] : secret);
        password.clearPassword();
        if (user.isEmpty()) {
            throw new FailedLoginException("Wrong username or password");
        }
        principals.add(new UserPrincipal(user.get().username()));
        if (user.get().roles().contains(Roles.ADMIN)) {
            KARAF_ADMIN_ROLES.forEach(r -> principals.add(new RolePrincipal(r)));
        }
        return true;
    }

    @Override
    public boolean commit() {
        subject.getPrincipals().addAll(principals);
        return true;
    }

    @Override
    public boolean abort() {
        principals.clear();
        return true;
    }

    @Override
    public boolean logout() {
        subject.getPrincipals().removeAll(principals);
        principals.clear();
        return true;
    }
}
