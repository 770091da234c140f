package org.telehub.notify.sms.internal;

import org.telehub.domain.notify.NotificationChannel;
import org.telehub.notify.sms.SmsProvider;

/** Builds the package-private channel for the provider tests in the kannel package. */
public final class SmsChannelAccess {
    private SmsChannelAccess() {
    }

    public static NotificationChannel channel(boolean enabled, SmsProvider provider) {
        return new SmsChannel(enabled, provider);
    }
}
