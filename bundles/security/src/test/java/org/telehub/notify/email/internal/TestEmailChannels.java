package org.telehub.notify.email.internal;

import org.telehub.domain.notify.NotificationChannel;

/**
 * The real email channel of bundles/notify-email for this module's tests: its constructor is package-private (the
 * product builds it from its Metatype configuration), so this helper sits in its package on the test class path.
 */
public final class TestEmailChannels {
    private TestEmailChannels() {
    }

    /** An enabled channel to a plain-SMTP server (GreenMail on 127.0.0.1) with SMTP authentication. */
    public static NotificationChannel smtp(int port, String username, String password, String from) {
        return new EmailChannel(true, "127.0.0.1", port, "none", username, password, from, 5);
    }
}
