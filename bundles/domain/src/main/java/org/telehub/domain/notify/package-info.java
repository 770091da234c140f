/**
 * The channels that reach people (email, SMS): the {@link org.telehub.domain.notify.NotificationChannel} SPI, which
 * the email and SMS bundles register, and the {@link org.telehub.domain.notify.Notification} they send. It lives in
 * the domain bundle, which every bundle imports, so that both the encounters (reminders, invitations) and the
 * security bundle (password reset), which the encounters depend on, send through the same channels. 1.1: {@link
 * org.telehub.domain.notify.Channels#sendOnce} (each channel once across retries).
 */
@Version("1.1.0")
package org.telehub.domain.notify;

import org.osgi.annotation.versioning.Version;
