package org.telehub.security.internal;

import java.util.Map;

import javax.security.auth.login.AppConfigurationEntry;

import org.apache.karaf.jaas.boot.ProxyLoginModule;
import org.apache.karaf.jaas.config.JaasRealm;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Replaces Karaf's file-based "karaf" JAAS realm (ranked above it) with Telehub accounts, so one administrator
 * account opens the API, the web console and the shell, and {@code etc/users.properties} holds no password.
 * When this bundle stops, Karaf falls back to its own realm.
 */
@Component(service = JaasRealm.class)
public class KarafRealm implements JaasRealm {
    private final AppConfigurationEntry[] entries;

    @Activate
    public KarafRealm(BundleContext context, @Reference Accounts accounts) {
        this.entries = new AppConfigurationEntry[] {new AppConfigurationEntry(ProxyLoginModule.class.getName(),
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                Map.of(ProxyLoginModule.PROPERTY_MODULE, TelehubLoginModule.class.getName(),
                        ProxyLoginModule.PROPERTY_BUNDLE, Long.toString(context.getBundle().getBundleId()),
                        TelehubLoginModule.ACCOUNTS, accounts))};
    }

    @Override
    public String getName() {
        return "karaf";
    }

    @Override
    public int getRank() {
        return 100;
    }

    @Override
    public AppConfigurationEntry[] getEntries() {
        return entries;
    }
}
