package org.telehub.domain.notify;

import java.time.Instant;

/**
 * One message to one person: about an encounter (a reminder, an invitation) or about their account (a password reset).
 *
 * @param kind what it is about, e.g. {@code reminder}, {@code invitation}, {@code password-reset}
 * @param encounterId the encounter, or null for a message about an account
 * @param recipientRole e.g. {@code patient}, {@code doctor}, {@code guest}, {@code account}
 * @param recipientId the patient's, doctor's, participant's or account's id
 * @param recipientName how to address them
 * @param email their email address, or null
 * @param phone their phone number, or null
 * @param subject a one-line subject
 * @param text the message, already in the recipient's language and time zone; carries no clinical content
 * @param startsAt when the encounter starts, or null
 */
public record Notification(String kind, String encounterId, String recipientRole, String recipientId,
        String recipientName, String email, String phone, String subject, String text, Instant startsAt) {
}
