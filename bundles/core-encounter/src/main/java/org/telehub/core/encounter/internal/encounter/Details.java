package org.telehub.core.encounter.internal.encounter;

import java.util.LinkedHashMap;
import java.util.Map;

import org.telehub.core.encounter.EncounterService.EncounterDetails;
import org.telehub.core.encounter.EncounterService.Fee;
import org.telehub.core.encounter.EncounterService.Participant;
import org.telehub.core.encounter.PeopleService.Doctor;
import org.telehub.core.encounter.PeopleService.Patient;
import org.telehub.core.encounter.internal.join.JoinLinks;
import org.telehub.core.encounter.internal.people.Caller;

/** A caller's view of an encounter: the doctor's notes and the join links only as far as their role allows. */
final class Details {
    private Details() {
    }

    /** A visit identity (no account) sees who takes part, not their addresses or accounts. */
    private static java.util.List<Participant> participants(Caller c, Encounter e) {
        if (org.telehub.security.VisitIdentities.visitOf(c.user()).isEmpty()) {
            return e.participants();
        }
        return e.participants().stream().map(p -> new Participant(p.id(), p.kind(), p.displayName(), null, null))
                .toList();
    }

    static EncounterDetails of(Caller c, Encounter e, Doctor d, Patient p, JoinLinks links) {
        String zone = Access.patientOf(c, e) && p.timeZone() != null ? p.timeZone() : d.timeZone();
        Map<String, String> all = links.links(e, d.displayName(), p.displayName());
        Map<String, String> mine = new LinkedHashMap<>();
        if (Access.runs(c, e)) {
            mine.putAll(all); // the doctor hands the links out
        } else {
            if (Access.patientOf(c, e) && all.containsKey("patient")) {
                mine.put("patient", all.get("patient"));
            }
            for (Participant x : Access.invitations(c, e)) {
                if (all.containsKey(x.id())) {
                    mine.put(x.id(), all.get(x.id()));
                }
            }
        }
        boolean text = Access.readsVisitText(c, e);
        String code = Access.runs(c, e) || Access.patientOf(c, e) ? links.accessCodeOf(e.id()).orElse(null) : null;
        return new EncounterDetails(e.id(), e.type(), e.status(), Lifecycle.actions(e.status()), e.doctorId(),
                d.displayName(), e.patientId(), p.displayName(), e.scheduledStart(), e.scheduledEnd(),
                e.durationMinutes(), zone, e.actualStart(), e.actualEnd(), text ? e.chiefComplaint() : null,
                text ? e.patientNotes() : null, Access.readsDoctorNotes(c, e) ? e.doctorNotes() : null,
                participants(c, e), e.recordingEnabled(), e.recordingConsentBy(), e.recordingConsentAt(),
                e.feeAmount() == null ? null : new Fee(e.feeAmount(), e.feeCurrency()), e.paid(), code,
                e.roomId(), mine, e.cancelReason(), e.revision(), e.createdBy(), e.createdAt(), e.updatedAt(),
                e.clinicId());
    }
}
