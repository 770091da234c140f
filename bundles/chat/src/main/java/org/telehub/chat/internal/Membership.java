package org.telehub.chat.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.EncounterDetails;
import org.telehub.domain.NotFoundException;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.PatientAccess;
import org.telehub.security.Roles;
import org.telehub.security.VisitIdentities;

/**
 * Who takes part in an encounter's conversation, decided on every call: its patient, a clinician who reaches the
 * patient through a care relationship, or a guest or interpreter of this visit. Shared by messages and files.
 */
final class Membership {
    private static final Set<String> ENDED = Set.of(EncounterService.COMPLETED, EncounterService.CANCELLED,
            EncounterService.NO_SHOW);

    private final EncounterService encounters;
    private final PatientAccess access;
    private final AuditLog audit;
    private final Clock clock;

    Membership(EncounterService encounters, PatientAccess access, AuditLog audit, Clock clock) {
        this.encounters = encounters;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * The encounter when the caller takes part in it; otherwise "No encounter" (audited as denied), the answer for one
     * that does not exist.
     */
    EncounterDetails member(AuthenticatedUser caller, String encounterId, String action) {
        EncounterDetails e = encounters.get(caller, encounterId);
        if (!takesPart(caller, e)) {
            audit.record(caller, action, e.patientId(), List.of(), "denied");
            throw new NotFoundException("No encounter " + encounterId);
        }
        return e;
    }

    boolean takesPart(AuthenticatedUser caller, EncounterDetails e) {
        return takesPart(caller, e.id(), e.patientId());
    }

    /** Whether the caller takes part in the conversation of {@code encounterId}, whose patient is {@code patientId}. */
    boolean takesPart(AuthenticatedUser caller, String encounterId, String patientId) {
        Optional<VisitIdentities.Visit> visit = VisitIdentities.visitOf(caller);
        return visit.isPresent() ? visit.get().encounterId().equals(encounterId)
                : (caller.clinician() || caller.hasRole(Roles.PATIENT)) && access.reaches(caller, patientId);
    }

    /**
     * For calls on a conversation that exists (typing, read markers, a send): the same membership, from the
     * conversation's own encounter and patient and the visit's state ({@link EncounterService#states}, not audited),
     * without reading the encounter, whose read is audited: a typing person would write an audit row every few
     * seconds, and each message would write two (a send is audited in its own transaction). A refusal is audited and
     * answered as {@link #member}'s.
     */
    EncounterService.VisitState member(AuthenticatedUser caller, String encounterId, String patientId, String action) {
        EncounterService.VisitState s = takesPart(caller, encounterId, patientId)
                ? encounters.states(caller, List.of(encounterId)).get(encounterId) : null;
        if (s == null) {
            audit.record(caller, action, patientId, List.of(), "denied");
            throw new NotFoundException("No encounter " + encounterId);
        }
        return s;
    }

    /** Of these conversations ({@code encounterId → patientId}), the encounters whose conversation the caller is in. */
    java.util.Set<String> memberOf(AuthenticatedUser caller, java.util.Map<String, String> patientOfEncounter) {
        Optional<VisitIdentities.Visit> visit = VisitIdentities.visitOf(caller);
        if (visit.isPresent()) {
            String own = visit.get().encounterId();
            return patientOfEncounter.containsKey(own) && encounters.visible(caller, List.of(own)).contains(own)
                    ? java.util.Set.of(own) : java.util.Set.of();
        }
        if (!caller.clinician() && !caller.hasRole(Roles.PATIENT)) {
            return java.util.Set.of();
        }
        java.util.Set<String> reached = access.reachable(caller, patientOfEncounter.values());
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        patientOfEncounter.forEach((encounter, patient) -> {
            if (reached.contains(patient)) {
                out.add(encounter);
            }
        });
        // and, as for every chat call, the visit must be one the caller sees (a care-team nurse reaches the patient
        // but is not in a visit she was not invited to)
        out.retainAll(encounters.visible(caller, out));
        return out;
    }

    /** Whether the encounter ended (completed, cancelled, missed) at least {@code hours} ago. */
    boolean readOnly(EncounterDetails e, int hours) {
        return readOnly(e.status(), e.actualEnd(), e.updatedAt(), hours);
    }

    boolean readOnly(EncounterService.VisitState s, int hours) {
        return readOnly(s.status(), s.actualEnd(), s.updatedAt(), hours);
    }

    private boolean readOnly(String status, Instant actualEnd, Instant updatedAt, int hours) {
        if (!ENDED.contains(status)) {
            return false;
        }
        Instant ended = actualEnd != null ? actualEnd : updatedAt;
        return ended != null && !clock.instant().isBefore(ended.plus(Duration.ofHours(hours)));
    }
}
