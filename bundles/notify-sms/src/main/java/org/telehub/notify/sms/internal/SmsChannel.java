package org.telehub.notify.sms.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.notify.Notification;
import org.telehub.domain.notify.NotificationChannel;
import org.telehub.notify.sms.SmsProvider;

/**
 * The SMS channel: the notification's text (not its subject: an SMS has none) to the recipient's phone through the
 * configured {@link SmsProvider}. No phone on file is "cannot reach"; a provider's failure propagates. Like the
 * email channel it carries {@code enabled} as a service property, which reminders filter on.
 */
@Component(service = NotificationChannel.class, configurationPid = SmsChannel.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = "channel=sms")
@Designate(ocd = SmsChannel.Config.class)
public class SmsChannel implements NotificationChannel {
    static final String PID = "org.telehub.notify.sms";
    private static final Logger LOG = LoggerFactory.getLogger(SmsChannel.class);

    @ObjectClassDefinition(name = "Telehub SMS channel", description = "Sends invitations and reminders by SMS"
            + " through an SMS provider (Kannel: etc/org.telehub.notify.sms.kannel.cfg). Off until enabled.")
    @interface Config {
        @AttributeDefinition(name = "Enabled", description = "Off: the channel is not offered to reminders (not an"
                + " error).")
        boolean enabled() default false;

        @AttributeDefinition(name = "Provider", description = "LDAP filter choosing the SmsProvider service.")
        String provider_target() default "(" + SmsProvider.PROVIDER + "=kannel)";
    }

    private final boolean enabled;
    private final SmsProvider provider;

    @Activate
    public SmsChannel(Config config, @Reference(name = "provider") SmsProvider provider) {
        this(config.enabled(), provider);
    }

    SmsChannel(boolean enabled, SmsProvider provider) {
        this.enabled = enabled;
        this.provider = provider;
        if (!enabled) {
            LOG.info("SMS channel not enabled ({}.cfg): reminders do not go out by SMS", PID);
        }
    }

    @Override
    public String name() {
        return "sms";
    }

    @Override
    public boolean send(Notification n) throws Exception {
        if (!enabled || n.phone() == null || n.phone().isBlank()) {
            return false;
        }
        provider.send(n.phone().strip(), n.text());
        LOG.debug("Sent {} for encounter {} to {} {} by SMS", n.kind(), n.encounterId(), n.recipientRole(),
                n.recipientId());
        return true;
    }
}
