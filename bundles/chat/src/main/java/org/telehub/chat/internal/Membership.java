package org.telehub.chat.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.telehub.chat.Conversations;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.EncounterDetails;
import org.telehub.domain.NotFoundException;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.PatientAccess;
import org.telehub.security.Roles;
import org.telehub.security.VisitIdentities;

/**
 * Who takes part in a conversation, decided on every call. An encounter's: its patient, a clinician who reaches the
 * patient through a care relationship, or a guest or interpreter of this visit. A direct one: the clinicians it was
 * opened between ({@code chat_member}), while they are clinicians. Shared by messages and files.
 */
final class Membership {
    /** The key of a direct conversation: this prefix and its id ({@link Conversations#direct}). */
    static final String DIRECT = Conversations.DIRECT_PREFIX;
    private static final Set<String> ENDED = Set.of(EncounterService.COMPLETED, EncounterService.CANCELLED,
            EncounterService.NO_SHOW);

    private final ChatSchema db;
    private final EncounterService encounters;
    private final PatientAccess access;
    private final AuditLog audit;
    private final Clock clock;

    Membership(ChatSchema db, EncounterService encounters, PatientAccess access, AuditLog audit, Clock clock) {
        this.db = db;
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

    /**
     * A conversation as one call needs it: its id, its encounter and patient (both null for a direct one), and
     * whether it is closed to new messages and changes.
     */
    record Room(String id, String encounterId, String patientId, boolean closed) {
        boolean direct() {
            return encounterId == null;
        }

        /**
         * An audit row's outcome: as given for a visit's (the row names its patient); for a direct conversation, which
         * has no patient, with the conversation's id, so the trail shows what was shared where.
         */
        String said(String outcome) {
            return direct() ? outcome + " · direct " + id : outcome;
        }
    }

    /**
     * The conversation of {@code key} (an encounter id, or {@link #DIRECT} and a direct conversation's id) when the
     * caller takes part in it; an encounter's is made on first use. Otherwise "No encounter" or "No conversation"
     * (the refusal audited), the answer for one that does not exist. An encounter's conversation that exists is
     * checked without reading the encounter ({@link #member(AuthenticatedUser, String, String, String)}).
     */
    Room room(AuthenticatedUser caller, String key, String action, int readOnlyHours) {
        if (key != null && key.startsWith(DIRECT)) {
            return direct(caller, key.substring(DIRECT.length()), action);
        }
        String known = key == null ? null
                : db.jdbi().withHandle(h -> ConversationStore.patients(h, List.of(key))).get(key);
        if (known != null) {
            EncounterService.VisitState st = member(caller, key, known, action);
            return new Room(ConversationStore.idOf(key), key, known, readOnly(st, readOnlyHours));
        }
        EncounterDetails e = member(caller, key, action);
        String id = db.jdbi().inTransaction(h -> ConversationStore.ensure(h, e.id(), e.patientId(), clock.instant())
                .id());
        return new Room(id, e.id(), e.patientId(), readOnly(e, readOnlyHours));
    }

    /** The conversation {@code conversationId} (of a file) when the caller takes part in it; else as {@link #room}. */
    Room roomOf(AuthenticatedUser caller, String conversationId, String action, int readOnlyHours) {
        String[] c = db.jdbi().withHandle(h -> ConversationStore.encounterOf(h, conversationId)).orElseThrow(
                () -> new NotFoundException("No conversation " + conversationId));
        return room(caller, c[0] == null ? DIRECT + conversationId : c[0], action, readOnlyHours);
    }

    private Room direct(AuthenticatedUser caller, String id, String action) {
        boolean in = directAllowed(caller) && id.length() <= 36
                && db.jdbi().withHandle(h -> ConversationStore.isMember(h, id, caller.username()));
        if (!in) {
            audit.record(caller, action, null, List.of(), "denied · direct " + id);
            throw new NotFoundException("No conversation " + id);
        }
        return new Room(id, null, null, false);
    }

    /** Whether the caller may take part in direct conversations: a clinician signed in with their own account. */
    static boolean directAllowed(AuthenticatedUser caller) {
        return VisitIdentities.visitOf(caller).isEmpty() && caller.clinician();
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

    /**
     * Of these conversations ({@code encounterId → patientId}), the encounters whose conversation the caller is in. A
     * direct conversation's row (null encounter) is left out: its members are its {@code chat_member} rows, which the
     * lists' queries already match.
     */
    java.util.Set<String> memberOf(AuthenticatedUser caller, java.util.Map<String, String> conversations) {
        java.util.Map<String, String> patientOfEncounter = new java.util.LinkedHashMap<>(conversations);
        patientOfEncounter.remove(null);
        if (patientOfEncounter.isEmpty()) {
            return java.util.Set.of();
        }
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
