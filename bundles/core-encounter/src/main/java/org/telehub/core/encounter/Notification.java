package org.telehub.core.encounter;

import java.time.Instant;

/**
 * One message to one person about an encounter.
 *
 * @param kind what it is about, e.g. {@code reminder}
 * @param encounterId the encounter
 * @param recipientRole {@code patient} or {@code doctor}
 * @param recipientId the patient's or doctor's id
 * @param recipientName how to address them
 * @param email their email address, or null
 * @param phone their phone number, or null
 * @param subject a one-line subject
 * @param text the message, already in the recipient's time zone; carries no clinical content
 * @param startsAt when the encounter starts
 */
public record Notification(String kind, String encounterId, String recipientRole, String recipientId,
        String recipientName, String email, String phone, String subject, String text, Instant startsAt) {
}
