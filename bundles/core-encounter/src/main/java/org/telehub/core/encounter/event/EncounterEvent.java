package org.telehub.core.encounter.event;

import java.time.Instant;
import java.util.Map;

/**
 * One change of one encounter, as stored in {@code encounter_event}.
 *
 * @param sequence increasing per hub database (assigned at insert: in commit order per encounter, since every
 *            change of an encounter holds its row; across encounters two concurrent transactions may commit out of
 *            sequence order)
 * @param encounterId the encounter
 * @param type what happened
 * @param occurredAt when the change was made
 * @param actor the username of the account that made it
 * @param payload a few ids, statuses and times ({@link EncounterEventType} lists them); never free text, names or
 *            contact data, so the event can travel to subscribers that must not see clinical content
 */
public record EncounterEvent(long sequence, String encounterId, EncounterEventType type, Instant occurredAt,
        String actor, Map<String, Object> payload) {
    public EncounterEvent {
        payload = payload == null ? Map.of() : Map.copyOf(payload);
    }
}
