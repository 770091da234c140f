package org.telehub.messaging.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

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

/**
 * The embedded broker's login: only the broker account, which gets the {@code telehub} role in artemis.xml.
 * Commit, abort and logout are Karaf's.
 */
public class BrokerLoginModule extends AbstractKarafLoginModule {
    static final String CREDENTIALS = BrokerCredentials.class.getName();
    static final String ROLE = "telehub";

    private BrokerCredentials expected;

    @Override
    public void initialize(Subject subject, CallbackHandler handler, Map<String, ?> sharedState,
            Map<String, ?> options) {
        super.initialize(subject, handler, options);
        this.expected = (BrokerCredentials) options.get(CREDENTIALS);
    }

    @Override
    public boolean login() throws LoginException {
        NameCallback name = new NameCallback("user");
        PasswordCallback password = new PasswordCallback("password", false);
        try {
            callbackHandler.handle(new Callback[] {name, password});
        } catch (Exception e) {
            throw new LoginException("Cannot read credentials: " + e.getMessage());
        }
        char[] given = password.getPassword() == null ? new char[0] : password.getPassword();
        boolean ok = expected != null && expected.username().equals(name.getName()) && MessageDigest.isEqual(
                new String(given).getBytes(StandardCharsets.UTF_8), expected.password().getBytes(StandardCharsets.UTF_8));
        password.clearPassword();
        if (!ok) {
            throw new FailedLoginException("Wrong broker username or password");
        }
        user = name.getName();
        principals.add(new UserPrincipal(user));
        principals.add(new RolePrincipal(ROLE));
        succeeded = true;
        return true;
    }
}
