package org.telehub.domain.notify;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A way to reach a person (email, SMS, push). Registered as an OSGi service; reminders, invitations and account
 * messages (password reset) go through the channels present. A channel that cannot reach a recipient (no address on file) returns false; a channel that fails throws,
 * and the message is recorded as failed with that reason
 * (and retried where its sender retries).
 */
@ConsumerType
public interface NotificationChannel {

    /** Short stable name, e.g. {@code email}, {@code sms}, {@code log}. */
    String name();

    /**
     * Sends one notification.
     *
     * @return true if it went out, false if this channel has no way to reach this recipient
     * @throws Exception if sending failed
     */
    boolean send(Notification notification) throws Exception;
}
