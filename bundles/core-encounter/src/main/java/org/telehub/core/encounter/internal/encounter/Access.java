package org.telehub.core.encounter.internal.encounter;

import java.util.List;

import org.telehub.core.encounter.EncounterService.Participant;
import org.telehub.core.encounter.internal.people.Caller;

/*
 * What the caller is in one visit decides what they may do with it; an invitation never makes anyone more than
 * its kind, whoever the account is elsewhere (a patient listed as a guest of their own visit is a guest too):
 *
 *                               admin / the visit's doctor | colleague | interpreter, guest | the patient
 *   see the visit                           yes            |    yes    |        yes         |     yes
 *   join links                              all            |    own    |        own         |     own
 *   read doctor's notes                     yes            |    yes    |         -          |      -
 *   write doctor's notes                    yes            |     -     |         -          |      -
 *   patient's notes, confirm, cancel,
 *   reschedule                              yes            |     -     |         -          |     yes
 *   start, end, no-show, reminders          yes            |     -     |         -          |      -
 *   recording consent                        -             |     -     |         -          |     yes
 *
 * Inviting participants and setting a fee happen at booking, by clinic staff only (see BookingInput).
 */
/** The roles of a caller in one visit. */
final class Access {
    private Access() {
    }

    /** Runs the visit: an administrator or the visit's own doctor (the doctor record linked to the account). */
    static boolean runs(Caller c, Encounter e) {
        return c.admin() || e.doctorId().equals(c.doctorId());
    }

    static boolean patientOf(Caller c, Encounter e) {
        return e.patientId().equals(c.patientId());
    }

    /** The invitations of the visit that name the caller's account: their kinds, not the account, give the rights. */
    static List<Participant> invitations(Caller c, Encounter e) {
        return e.participants().stream().filter(p -> c.user().username().equals(p.username())).toList();
    }

    /**
     * The doctor's notes are read by who runs the visit and by an invited colleague (a clinician consulted on it, who
     * needs the findings); written only by who runs it, so the treating doctor's record is theirs alone. Guests and
     * interpreters are there for the conversation, not the record.
     */
    static boolean readsDoctorNotes(Caller c, Encounter e) {
        return runs(c, e) || invitations(c, e).stream().anyMatch(p -> p.kind().equals(Lifecycle.COLLEAGUE));
    }

    static boolean sees(Caller c, Encounter e) {
        return runs(c, e) || patientOf(c, e) || !invitations(c, e).isEmpty();
    }
}
