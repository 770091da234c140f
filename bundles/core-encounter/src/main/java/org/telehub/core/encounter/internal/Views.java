package org.telehub.core.encounter.internal;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/** What the API shows and takes. */
final class Views {
    private Views() {
    }

    // ---- requests

    public record Fee(BigDecimal amount, String currency) {
    }

    public record ParticipantRequest(String kind, String displayName, String email, String username) {
    }

    public record CreateEncounter(String type, String doctorId, String patientId, String scheduledStart,
            Integer durationMinutes, String chiefComplaint, String patientNotes, List<ParticipantRequest> participants,
            Boolean recordingEnabled, Fee fee) {
    }

    public record Reason(String reason) {
    }

    public record Reschedule(String scheduledStart, Integer durationMinutes) {
    }

    public record Notes(String patientNotes, String doctorNotes) {
    }

    public record Paid(Boolean paid) {
    }

    public record CreateDoctor(String username, String displayName, String speciality, String clinic, String timeZone,
            Integer slotMinutes) {
    }

    public record CreatePatient(String username, String displayName, String birthDate, String email, String phone,
            String timeZone) {
    }

    public record Hours(String start, String end) {
    }

    public record AvailabilityException(String date, String kind, String start, String end, String reason) {
    }

    public record Availability(String timeZone, Integer slotMinutes, Map<String, List<Hours>> weekly,
            List<AvailabilityException> exceptions) {
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

    public record ParticipantView(String id, String kind, String displayName, String email, String username) {
    }

    public record EncounterView(String id, String type, String status, List<String> allowedTransitions,
            String doctorId, String doctorName, String patientId, String patientName, Instant scheduledStart,
            Instant scheduledEnd, int durationMinutes, String timeZone, OffsetDateTime scheduledStartLocal,
            OffsetDateTime scheduledEndLocal, Instant actualStart, Instant actualEnd, String chiefComplaint,
            String patientNotes, String doctorNotes, List<ParticipantView> participants, boolean recordingEnabled,
            String recordingConsentBy, Instant recordingConsentAt, Fee fee, boolean paid, String accessCode,
            String roomId, Map<String, String> joinLinks, String cancelReason, int revision, String createdBy,
            Instant createdAt, Instant updatedAt) {
    }

    public record Page<T>(List<T> items, int offset, int limit, long total) {
    }

    public record DoctorView(String id, String username, String displayName, String speciality, String clinic,
            String timeZone, int slotMinutes) {
    }

    public record PatientView(String id, String username, String displayName, String birthDate, String email,
            String phone, String timeZone) {
    }

    public record SlotView(Instant start, Instant end, OffsetDateTime startLocal) {
    }

    public record Slots(String doctorId, String timeZone, int slotMinutes, List<SlotView> slots) {
    }

    public record ReminderView(String id, long offsetSeconds, Instant dueAt, String state, String detail,
            Instant sentAt) {
    }

    public record SessionView(String sessionId, String status, String encounterStatus, String type, String doctorId,
            String patientId, Instant startTime, Instant endTime, int durationMinutes, String roomId,
            String doctorJoinUrl, String patientJoinUrl, String accessCode) {
    }

    /**
     * A query bound: an ISO-8601 date-time with offset, or a date meaning its start in {@code zone}; null if absent.
     */
    static Instant bound(String field, String value, ZoneId zone) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim()).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return java.time.LocalDate.parse(value.trim()).atStartOfDay(zone).toInstant();
            } catch (java.time.format.DateTimeParseException e2) {
                throw org.telehub.rest.ProblemException.invalid(field, "An ISO-8601 date-time with offset, or a date"
                        + " (midnight in " + zone.getId() + "): " + value);
            }
        }
    }

    static OffsetDateTime local(Instant t, ZoneId zone) {
        return t == null ? null : t.atZone(zone).toOffsetDateTime();
    }
}
