package org.telehub.core.encounter.internal.rest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import javax.ws.rs.core.SecurityContext;

import org.telehub.core.encounter.EncounterService.EncounterDetails;
import org.telehub.core.encounter.EncounterService.Fee;
import org.telehub.core.encounter.EncounterService.Participant;
import org.telehub.core.encounter.EncounterService.ParticipantRequest;
import org.telehub.core.encounter.PeopleService.Doctor;
import org.telehub.core.encounter.PeopleService.Patient;
import org.telehub.core.encounter.ScheduleService.FreeSlots;
import org.telehub.core.encounter.internal.Checks;
import org.telehub.security.AuthenticatedUser;

/**
 * The JSON the REST API shows and takes where it differs from the services' records: local times in a chosen zone,
 * the portal's session shape, bodies of single values. Request bodies that equal a service record are that record.
 */
final class Views {
    private Views() {
    }

    /** The caller of a request (the authentication filter has put an {@code AuthenticatedUser} there). */
    static AuthenticatedUser user(SecurityContext s) {
        return (AuthenticatedUser) s.getUserPrincipal();
    }

    // ---- requests

    public record Reason(String reason) {
    }

    public record Paid(Boolean paid) {
    }

    public record CreateSession(String doctorId, String patientId, String startTime, Integer durationMinutes,
            String type, String chiefComplaint, List<ParticipantRequest> participants, Boolean recordingEnabled,
            Fee fee) {
    }

    public record CreateSimpleSession(String doctorId, String patientId, String startTime) {
    }

    public record CreateWebhook(String url, String secret, String description) {
    }

    // ---- answers

    public record EncounterView(String id, String type, String status, List<String> allowedTransitions,
            String doctorId, String doctorName, String patientId, String patientName, Instant scheduledStart,
            Instant scheduledEnd, int durationMinutes, String timeZone, OffsetDateTime scheduledStartLocal,
            OffsetDateTime scheduledEndLocal, Instant actualStart, Instant actualEnd, String chiefComplaint,
            String patientNotes, String doctorNotes, List<Participant> participants, boolean recordingEnabled,
            String recordingConsentBy, Instant recordingConsentAt, Fee fee, boolean paid, String accessCode,
            String roomId, Map<String, String> joinLinks, String cancelReason, int revision, String createdBy,
            Instant createdAt, Instant updatedAt, String clinicId) {
    }

    public record DoctorView(String id, String username, String displayName, String speciality, String clinic,
            String timeZone, int slotMinutes) {
    }

    public record PatientView(String id, String username, String displayName, String birthDate, String email,
            String phone, String timeZone) {
    }

    public record SlotView(Instant start, Instant end, OffsetDateTime startLocal, List<String> clinicIds) {
    }

    public record Slots(String doctorId, String timeZone, int slotMinutes, List<SlotView> slots) {
    }

    public record SessionView(String sessionId, String status, String encounterStatus, String type, String doctorId,
            String patientId, Instant startTime, Instant endTime, int durationMinutes, String roomId,
            String doctorJoinUrl, String patientJoinUrl, String accessCode) {
    }

    /** An encounter in {@code zone} (field {@code zone}) or, if none is given, in the zone it is shown to its caller. */
    static EncounterView view(EncounterDetails e, String zone) {
        ZoneId z = Checks.zone(zone);
        if (z == null) {
            z = ZoneId.of(e.timeZone());
        }
        return new EncounterView(e.id(), e.type(), e.status(), e.allowedTransitions(), e.doctorId(), e.doctorName(),
                e.patientId(), e.patientName(), e.scheduledStart(), e.scheduledEnd(), e.durationMinutes(), z.getId(),
                local(e.scheduledStart(), z), local(e.scheduledEnd(), z), e.actualStart(), e.actualEnd(),
                e.chiefComplaint(), e.patientNotes(), e.doctorNotes(), e.participants(), e.recordingEnabled(),
                e.recordingConsentBy(), e.recordingConsentAt(), e.fee(), e.paid(), e.accessCode(), e.roomId(),
                e.joinLinks(), e.cancelReason(), e.revision(), e.createdBy(), e.createdAt(), e.updatedAt(),
                e.clinicId());
    }

    static DoctorView view(Doctor d) {
        return new DoctorView(d.id(), d.username(), d.displayName(), d.speciality(), d.clinic(), d.timeZone(),
                d.slotMinutes());
    }

    static PatientView view(Patient p) {
        return new PatientView(p.id(), p.username(), p.displayName(), p.birthDate() == null ? null
                : p.birthDate().toString(), p.email(), p.phone(), p.timeZone());
    }

    static Slots view(FreeSlots s) {
        ZoneId zone = ZoneId.of(s.timeZone());
        return new Slots(s.doctorId(), s.timeZone(), s.slotMinutes(), s.slots().stream()
                .map(w -> new SlotView(w.start(), w.end(), local(w.start(), zone), w.clinicIds())).toList());
    }

    static OffsetDateTime local(Instant t, ZoneId zone) {
        return t == null ? null : t.atZone(zone).toOffsetDateTime();
    }
}
