/**
 * The SMS provider SPI: the SMS notification channel hands each message to one {@link
 * org.telehub.notify.sms.SmsProvider} service, chosen by its {@value org.telehub.notify.sms.SmsProvider#PROVIDER}
 * property, so a gateway (Kannel, an SMPP bind, a vendor's HTTP API) is a small bundle of its own.
 *
 * <p>1.0: {@link org.telehub.notify.sms.SmsProvider}.
 */
@Version("1.0.0")
package org.telehub.notify.sms;

import org.osgi.annotation.versioning.Version;
