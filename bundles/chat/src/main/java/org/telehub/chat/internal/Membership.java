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

    /** Whether the caller takes part in the encounter's conversation (nothing audited: the caller's own question). */
    boolean takesPart(AuthenticatedUser caller, EncounterDetails e) {
        Optional<VisitIdentities.Visit> visit = VisitIdentities.visitOf(caller);
        return visit.isPresent() ? visit.get().encounterId().equals(e.id())
                : (caller.clinician() || caller.hasRole(Roles.PATIENT)) && access.reaches(caller, e.patientId());
    }

    /** The encounter if the caller sees it and takes part in it; empty otherwise (nothing audited). */
    Optional<EncounterDetails> ifMember(AuthenticatedUser caller, String encounterId) {
        try {
            EncounterDetails e = encounters.get(caller, encounterId);
            return takesPart(caller, e) ? Optional.of(e) : Optional.empty();
        } catch (org.telehub.domain.NotFoundException notSeen) {
            return Optional.empty();
        }
    }

    /** Whether the encounter ended (completed, cancelled, missed) at least {@code hours} ago. */
    boolean readOnly(EncounterDetails e, int hours) {
        if (!ENDED.contains(e.status())) {
            return false;
        }
        Instant ended = e.actualEnd() != null ? e.actualEnd() : e.updatedAt();
        return ended != null && !clock.instant().isBefore(ended.plus(Duration.ofHours(hours)));
    }
}
