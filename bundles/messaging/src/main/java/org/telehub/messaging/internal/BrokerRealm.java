package org.telehub.messaging.internal;

import java.util.Map;

import javax.security.auth.login.AppConfigurationEntry;

import org.apache.karaf.jaas.boot.ProxyLoginModule;
import org.apache.karaf.jaas.config.JaasRealm;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * JAAS realm {@code telehub-broker}, which the embedded Artemis broker uses ({@code domain} in
 * {@code etc/org.apache.activemq.artemis.cfg}). Kept apart from the "karaf" realm so the broker never depends on the
 * user database and people's accounts never open the broker.
 */
@Component(service = JaasRealm.class, configurationPid = "org.telehub.messaging")
public class BrokerRealm implements JaasRealm {
    private final AppConfigurationEntry[] entries;

    @Activate
    public BrokerRealm(BundleContext context, MessagingConfig config) {
        entries = new AppConfigurationEntry[] {new AppConfigurationEntry(ProxyLoginModule.class.getName(),
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                Map.of(ProxyLoginModule.PROPERTY_MODULE, BrokerLoginModule.class.getName(),
                        ProxyLoginModule.PROPERTY_BUNDLE, Long.toString(context.getBundle().getBundleId()),
                        BrokerLoginModule.CREDENTIALS, BrokerCredentials.of(config)))};
    }

    @Override
    public String getName() {
        return "telehub-broker";
    }

    @Override
    public int getRank() {
        return 0;
    }

    @Override
    public AppConfigurationEntry[] getEntries() {
        return entries;
    }
}
