package org.telehub.core.encounter.internal.reminder;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.notify.Notification;
import org.telehub.domain.notify.NotificationChannel;

/**
 * A channel that writes that a notification was due to the log and sends nothing to anyone: for trials and tests,
 * never a silent default, so it exists only while {@code etc/org.telehub.notify.log.cfg} does (the email and SMS
 * channels are the real ones). It logs ids and times only, never the text (which carries a join link, a credential)
 * or names.
 */
@Component(service = NotificationChannel.class, configurationPid = "org.telehub.notify.log",
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = "channel=log")
public class LoggingChannel implements NotificationChannel {
    private static final Logger LOG = LoggerFactory.getLogger("org.telehub.notifications");

    @Override
    public String name() {
        return "log";
    }

    @Override
    public boolean send(Notification n) {
        LOG.info("[logging channel: NOT sent to anyone] {} for encounter {} to {} {} (starts {})", n.kind(),
                n.encounterId(), n.recipientRole(), n.recipientId(), n.startsAt());
        return true;
    }
}
