package org.telehub.core.encounter.internal.encounter;

import java.util.List;
import java.util.Optional;

import org.telehub.core.encounter.EncounterService.Participant;
import org.telehub.core.encounter.internal.people.Caller;
import org.telehub.security.Roles;
import org.telehub.security.VisitIdentities;

/*
 * What the caller is in one visit decides what they may do with it; an invitation never makes anyone more than
 * its kind, whoever the account is elsewhere (a patient listed as a guest of their own visit is a guest too):
 *
 *                               admin / the visit's doctor | colleague | interpreter, guest | the patient
 *   see the visit                           yes            |    yes    |        yes         |     yes
 *   join links                              all            |    own    |        own         |     own
 *   the access code                         yes            |     -     |         -          |     yes
 *   read chief complaint, patient's notes   yes            |    yes    |         -          |     yes
 *   read doctor's notes                     yes            |    yes    |         -          |      -
 *   write doctor's notes                    yes            |     -     |         -          |      -
 *   patient's notes, confirm, cancel,
 *   reschedule                              yes            |     -     |         -          |     yes
 *   start, end, no-show, reminders          yes            |     -     |         -          |      -
 *   recording consent                        -             |     -     |         -          |     yes
 *
 * Inviting participants and setting a fee happen at booking, by clinic staff only (see BookingInput). Afterwards
 * (internal/invite) who runs the visit and front desk invite (patient, colleague, guest, interpreter), list and
 * revoke invitations and see the visit's access code; front desk does so without seeing the visit itself.
 *
 * A visit identity (a guest or interpreter without an account, security's VisitIdentities: from a redeemed
 * invitation or the access code) is the participant it was issued for, in its own visit only, and only while the
 * visit is live (holds its time and is not finished): it sees the visit as a guest or interpreter does, its own link.
 */
/** The roles of a caller in one visit. */
public final class Access {
    private Access() {
    }

    /** Runs the visit: an administrator or the visit's own doctor (the doctor record linked to the account). */
    public static boolean runs(Caller c, Encounter e) {
        return c.admin() || e.doctorId().equals(c.doctorId());
    }

    static boolean patientOf(Caller c, Encounter e) {
        return e.patientId().equals(c.patientId());
    }

    /** The invitations of the visit that name the caller's account: their kinds, not the account, give the rights. */
    static List<Participant> invitations(Caller c, Encounter e) {
        Optional<VisitIdentities.Visit> v = VisitIdentities.visitOf(c.user());
        if (v.isPresent()) {
            if (!v.get().encounterId().equals(e.id()) || !live(e)) {
                return List.of();
            }
            return e.participants().stream().filter(p -> p.id().equals(v.get().participantId())).toList();
        }
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

    /**
     * The chief complaint and the patient's notes (clinical text about the patient) are read by who runs the visit,
     * the patient and an invited colleague; not by guests and interpreters, who are there for the conversation (and
     * may be anyone who was sent a link or guessed the code).
     */
    static boolean readsVisitText(Caller c, Encounter e) {
        return readsDoctorNotes(c, e) || patientOf(c, e);
    }

    /** Whether the visit still takes place: it holds its time and is not finished. */
    public static boolean live(Encounter e) {
        return Lifecycle.holdsTime(e.status()) && !e.status().equals(org.telehub.core.encounter.EncounterService.COMPLETED);
    }

    /** Invites people to the visit, lists and revokes its invitations: who runs it, and front desk. */
    public static boolean invites(Caller c, Encounter e) {
        return runs(c, e) || (c.user().hasRole(Roles.FRONT_DESK) && VisitIdentities.visitOf(c.user()).isEmpty());
    }

    public static boolean sees(Caller c, Encounter e) {
        return runs(c, e) || patientOf(c, e) || !invitations(c, e).isEmpty();
    }
}
