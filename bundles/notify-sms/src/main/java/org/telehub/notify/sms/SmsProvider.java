package org.telehub.notify.sms;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A gateway that accepts text messages for mobile numbers. Registered as an OSGi service with the property
 * {@value #PROVIDER}; the SMS channel's configuration picks one by that property.
 */
@ConsumerType
public interface SmsProvider {
    /** Service property (String): the provider's stable name, e.g. {@code kannel}. */
    String PROVIDER = "sms.provider";

    /**
     * Hands one message to the gateway; returns once the gateway has accepted it (not when the handset has it:
     * delivery reports are the gateway's business).
     *
     * @param to the recipient's number, international form preferred ({@code +98912…})
     * @param text the message in any script; the provider chooses the encoding (GSM 7-bit or UCS-2) and may split it
     * @throws Exception if the gateway refused or could not be reached, with a reason fit for an administrator that
     *         never carries the provider's credentials
     */
    void send(String to, String text) throws Exception;
}
