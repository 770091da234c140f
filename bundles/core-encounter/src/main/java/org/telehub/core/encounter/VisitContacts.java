package org.telehub.core.encounter;

import java.time.Instant;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * How the hub reaches the two people of a visit, its patient and its doctor, for notices it sends on its own (unread
 * messages of the visit's conversation). There is no caller and so no authorisation: this is for the hub's own
 * senders, never for answering a caller, and what they send must carry no clinical content (who, when, a link).
 */
@ProviderType
public interface VisitContacts {

    /** The visit's people, or empty for no such encounter. */
    Optional<Visit> of(String encounterId);

    /**
     * One person of a visit.
     *
     * @param role {@code patient} or {@code doctor}
     * @param id the patient's or doctor's id
     * @param username their account, or null when they have none (a patient known only by their record)
     * @param email where to write to them, or null (a doctor's is their account's)
     * @param phone where to text them, or null (doctors' records keep none)
     * @param timeZone the zone to tell them times in
     */
    record Person(String role, String id, String username, String displayName, String email, String phone,
            String timeZone) {
    }

    /**
     * @param url where the web app shows this visit (its conversation included), for a link in a notice
     * @param scheduledEnd when it is to end (since 2.7)
     */
    record Visit(String encounterId, String status, Instant scheduledStart, String type, Person patient,
            Person doctor, String url, Instant scheduledEnd) {
        public Visit(String encounterId, String status, Instant scheduledStart, String type, Person patient,
                Person doctor, String url) {
            this(encounterId, status, scheduledStart, type, patient, doctor, url, null);
        }
    }
}
