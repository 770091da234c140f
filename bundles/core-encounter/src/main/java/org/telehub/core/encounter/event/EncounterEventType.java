package org.telehub.core.encounter.event;

/**
 * What happened to an encounter. Stored by name: constants are only ever added. Every payload also has
 * {@code revision}, the encounter's revision after the change.
 */
public enum EncounterEventType {
    /** Payload: encounterType, status, doctorId, patientId, scheduledStart, scheduledEnd. */
    BOOKED,
    /** Payload: from (status before), previousStart, previousEnd, scheduledStart, scheduledEnd. */
    RESCHEDULED,
    /** Lifecycle steps; payload: from, to (statuses). */
    CONFIRMED, STARTED, COMPLETED, CANCELLED, NO_SHOW,
    /** An invitation; payload: participantId, kind (never the name or address). */
    PARTICIPANT_ADDED,
    /** Payload: which (patientNotes and/or doctorNotes), never the text. */
    NOTES_CHANGED,
    RECORDING_CONSENTED,
    /** Payload: paid (true or false). */
    PAYMENT_CHANGED
}
