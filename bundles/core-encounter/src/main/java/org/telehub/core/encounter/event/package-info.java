/**
 * Encounter events: every change of a visit (booked, rescheduled, each lifecycle step, participants, notes, consent,
 * payment) is appended as an {@link org.telehub.core.encounter.event.EncounterEvent} row in the same database
 * transaction as the change, so there is no change without its event and no event without its change. Side effects
 * of a visit (reminders, portal webhooks, and next chat rooms, video rooms, report drafts, HL7 messages) subscribe
 * to these events instead of being edits to the encounter code: {@link
 * org.telehub.core.encounter.event.EncounterEventListener}.
 */
@Version("1.0.0")
package org.telehub.core.encounter.event;

import org.osgi.annotation.versioning.Version;
