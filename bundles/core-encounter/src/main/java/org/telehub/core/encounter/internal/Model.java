package org.telehub.core.encounter.internal;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The stored shapes of the encounter module. */
final class Model {
    private Model() {
    }

    static final String SCHEDULED = "scheduled";
    static final String CONFIRMED = "confirmed";
    static final String IN_PROGRESS = "in_progress";
    static final String COMPLETED = "completed";
    static final String CANCELLED = "cancelled";
    static final String NO_SHOW = "no_show";

    /** Every status and where it may go. */
    static final Map<String, List<String>> TRANSITIONS = Map.of(
            SCHEDULED, List.of(CONFIRMED, IN_PROGRESS, CANCELLED, NO_SHOW),
            CONFIRMED, List.of(IN_PROGRESS, CANCELLED, NO_SHOW),
            IN_PROGRESS, List.of(COMPLETED),
            COMPLETED, List.of(),
            CANCELLED, List.of(),
            NO_SHOW, List.of());

    static final Set<String> TYPES = Set.of("in_person", "video", "audio", "chat", "follow_up");
    static final String COLLEAGUE = "colleague";
    static final Set<String> PARTICIPANT_KINDS = Set.of(COLLEAGUE, "guest", "interpreter");

    /** Whether a visit in this status holds its time (cancelled ones and no-shows free it). */
    static boolean holdsTime(String status) {
        return !status.equals(CANCELLED) && !status.equals(NO_SHOW);
    }

    /** The portal's vocabulary (telemedicine consult service): Upcoming, Current, Completed, Cancelled, NoShow. */
    static String portalStatus(String status) {
        return switch (status) {
            case SCHEDULED, CONFIRMED -> "Upcoming";
            case IN_PROGRESS -> "Current";
            case COMPLETED -> "Completed";
            case CANCELLED -> "Cancelled";
            case NO_SHOW -> "NoShow";
            default -> throw new IllegalArgumentException(status);
        };
    }

    record Doctor(String id, String username, String displayName, String speciality, String clinic, String timeZone,
            int slotMinutes, Instant createdAt) {
    }

    record Patient(String id, String username, String displayName, LocalDate birthDate, String email, String phone,
            String timeZone, Instant createdAt) {
    }

    record Participant(String id, String kind, String displayName, String email, String username) {
    }

    record Encounter(String id, String type, String status, String doctorId, String patientId, Instant scheduledStart,
            Instant scheduledEnd, Instant actualStart, Instant actualEnd, String chiefComplaint, String patientNotes,
            String doctorNotes, boolean recordingEnabled, String recordingConsentBy, Instant recordingConsentAt,
            BigDecimal feeAmount, String feeCurrency, boolean paid, String accessCode, String roomId,
            String cancelReason, String endedBy, int revision, String createdBy, Instant createdAt, Instant updatedAt,
            List<Participant> participants) {
        int durationMinutes() {
            return (int) java.time.Duration.between(scheduledStart, scheduledEnd).toMinutes();
        }

        Encounter withParticipants(List<Participant> p) {
            return new Encounter(id, type, status, doctorId, patientId, scheduledStart, scheduledEnd, actualStart,
                    actualEnd, chiefComplaint, patientNotes, doctorNotes, recordingEnabled, recordingConsentBy,
                    recordingConsentAt, feeAmount, feeCurrency, paid, accessCode, roomId, cancelReason, endedBy,
                    revision, createdBy, createdAt, updatedAt, p);
        }
    }

    record Reminder(String id, String encounterId, long offsetSeconds, Instant dueAt, String state, String detail,
            Instant createdAt, Instant sentAt) {
    }
}
