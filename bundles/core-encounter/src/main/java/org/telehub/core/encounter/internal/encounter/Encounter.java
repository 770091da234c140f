package org.telehub.core.encounter.internal.encounter;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.telehub.core.encounter.EncounterService.Participant;

/** An encounter as stored (every field, whoever asks); {@link Details} makes a caller's view of it. */
public record Encounter(String id, String type, String status, String doctorId, String patientId,
        Instant scheduledStart, Instant scheduledEnd, Instant actualStart, Instant actualEnd, String chiefComplaint,
        String patientNotes, String doctorNotes, boolean recordingEnabled, String recordingConsentBy,
        Instant recordingConsentAt, BigDecimal feeAmount, String feeCurrency, boolean paid, String roomId,
        String cancelReason, String endedBy, int revision, String createdBy, Instant createdAt,
        Instant updatedAt, List<Participant> participants, String clinicId) {

    public int durationMinutes() {
        return (int) Duration.between(scheduledStart, scheduledEnd).toMinutes();
    }

    Encounter withParticipants(List<Participant> p) {
        return new Encounter(id, type, status, doctorId, patientId, scheduledStart, scheduledEnd, actualStart,
                actualEnd, chiefComplaint, patientNotes, doctorNotes, recordingEnabled, recordingConsentBy,
                recordingConsentAt, feeAmount, feeCurrency, paid, roomId, cancelReason, endedBy,
                revision, createdBy, createdAt, updatedAt, p, clinicId);
    }
}
