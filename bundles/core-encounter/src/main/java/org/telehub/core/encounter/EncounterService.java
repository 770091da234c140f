package org.telehub.core.encounter;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

/**
 * Encounters (visits): booking, rescheduling, the lifecycle, notes and what each caller may see of them. What a
 * caller may do follows from what they are in the visit (its doctor, its patient, an invited participant, an
 * administrator), decided here, never by the transport that called. An encounter the caller may not see does not
 * exist for them ({@code NotFoundException}), so ids reveal nothing.
 *
 * <p>Booking and rescheduling are one transaction each that takes the doctor's and then the patient's row lock and
 * checks working hours and both calendars: concurrent bookings of one doctor or patient, on any number of nodes,
 * are decided one after the other. Every change appends an encounter event in its own transaction (see {@code
 * org.telehub.core.encounter.event}).
 *
 * <p>Times are taken in their ISO-8601 text form so every caller gets the same field-naming errors; failures are
 * the exceptions of {@code org.telehub.domain} ({@code InvalidException}/{@code UnprocessableException} name the
 * field, {@code ConflictException} carries {@code conflict} or {@code allowedTransitions} details).
 */
@ProviderType
public interface EncounterService {
    String SCHEDULED = "scheduled";
    String CONFIRMED = "confirmed";
    String IN_PROGRESS = "in_progress";
    String COMPLETED = "completed";
    String CANCELLED = "cancelled";
    String NO_SHOW = "no_show";

    /** Books a visit; a patient books for themselves, only staff invite participants or set a fee. */
    EncounterDetails book(AuthenticatedUser caller, BookingRequest request);

    EncounterDetails get(AuthenticatedUser caller, String id);

    /**
     * Which of these visits the caller sees (as {@link #get} would answer rather than "No encounter"), without reading
     * them: not audited, for checks of calls that read nothing of the visit (typing in its conversation, counting its
     * new messages). Unknown ids are left out.
     *
     * @since 2.1
     */
    java.util.Set<String> visible(AuthenticatedUser caller, java.util.Collection<String> ids);

    /**
     * What rules about a visit's other records need of the visits among {@code ids} the caller sees (as {@link
     * #visible}): its patient, status and when it ended. Not audited, like {@link #visible}: for a call whose own
     * write is audited (a message sent in the visit's conversation), not for showing the visit.
     *
     * @since 2.2
     */
    Map<String, VisitState> states(AuthenticatedUser caller, java.util.Collection<String> ids);

    /** @param actualEnd when it ended, or null; {@code updatedAt} its last change (a cancellation's time) */
    record VisitState(String id, String patientId, String status, Instant actualEnd, Instant updatedAt) {
    }

    /**
     * The caller's place in the video room of a visit: its doctor is the {@code moderator}, then its {@code patient},
     * then what an invitation naming the caller makes them ({@code colleague}, {@code guest}, {@code interpreter}).
     * Nobody else has one: an administrator who sees the visit gets {@code ForbiddenException}, a caller who does not
     * see it "No encounter". Says nothing about whether the room is open now: {@code joinableFrom} (the start rule's
     * {@code startEarlyMinutes} before the visit, so admitting someone then never meets a "too early" start) and
     * {@code status} tell. Not audited: the room audits what it lets the caller do.
     *
     * @since 2.3
     */
    Seat seat(AuthenticatedUser caller, String id);

    /**
     * @param member who the caller is in the room: the account's username, or {@code visit:<participantId>}
     * @param roomId null for a visit without a room (in person, chat only)
     * @param recordingEnabled the visit is to be recorded (with everyone's consent); since 2.4
     */
    record Seat(String encounterId, String roomId, String type, String status, String patientId, String doctorName,
            String role, String member, String displayName, Instant scheduledStart, Instant scheduledEnd,
            Instant joinableFrom, boolean recordingEnabled) {
    }

    /** The caller's visits (staff: those they take part in; administrators: all), in time order. */
    Page<EncounterDetails> list(AuthenticatedUser caller, Query query);

    /** Moves the visit through its lifecycle; {@code reason} is required to cancel, optional for a no-show. */
    EncounterDetails transition(AuthenticatedUser caller, String id, Action action, String reason);

    /** New time (and optionally length) through the same locks and checks as booking; back to scheduled. */
    EncounterDetails reschedule(AuthenticatedUser caller, String id, Reschedule request);

    EncounterDetails notes(AuthenticatedUser caller, String id, Notes notes);

    /** The patient consents to the recording of a visit that is to be recorded. */
    EncounterDetails consentToRecording(AuthenticatedUser caller, String id);

    /** An administrator marks a visit paid or unpaid. */
    EncounterDetails setPaid(AuthenticatedUser caller, String id, Boolean paid);

    /** The visit's reminders, for its doctor and administrators. */
    List<ReminderInfo> reminders(AuthenticatedUser caller, String id);

    /** A lifecycle step: its name in APIs and the status it leads to. */
    enum Action {
        CONFIRM(CONFIRMED), START(IN_PROGRESS), END(COMPLETED), CANCEL(CANCELLED), NO_SHOW(EncounterService.NO_SHOW);

        private final String target;

        Action(String target) {
            this.target = target;
        }

        /** The status this step leads to. */
        public String target() {
            return target;
        }

        /** {@code confirm}, {@code start}, {@code end}, {@code cancel}, {@code no-show}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The step that leads to {@code status}, or null. */
        public static Action leadingTo(String status) {
            for (Action a : values()) {
                if (a.target.equals(status)) {
                    return a;
                }
            }
            return null;
        }
    }

    record Fee(BigDecimal amount, String currency) {
    }

    /** An invitation: {@code kind} colleague, guest or interpreter; {@code username} links it to an account. */
    record ParticipantRequest(String kind, String displayName, String email, String username) {
    }

    /**
     * @param type in_person, video, audio, chat or follow_up
     * @param patientId may be null when a patient books for themselves
     * @param scheduledStart ISO-8601 date-time with offset, on a whole minute
     * @param durationMinutes null: the doctor's slot length
     * @param clinicId the clinic the visit is at: it must lie in the doctor's hours there; null: in any of their
     *        hours, and at the clinic whose hours alone hold it (since 2.5)
     */
    record BookingRequest(String type, String doctorId, String patientId, String scheduledStart,
            Integer durationMinutes, String chiefComplaint, String patientNotes, List<ParticipantRequest> participants,
            Boolean recordingEnabled, Fee fee, String clinicId) {
        public BookingRequest(String type, String doctorId, String patientId, String scheduledStart,
                Integer durationMinutes, String chiefComplaint, String patientNotes,
                List<ParticipantRequest> participants, Boolean recordingEnabled, Fee fee) {
            this(type, doctorId, patientId, scheduledStart, durationMinutes, chiefComplaint, patientNotes,
                    participants, recordingEnabled, fee, null);
        }
    }

    record Reschedule(String scheduledStart, Integer durationMinutes) {
    }

    /** Either or both; null leaves a note as it is. */
    record Notes(String patientNotes, String doctorNotes) {
    }

    /** Filters (null = any); {@code from}/{@code to} ISO-8601 date-times with offset or dates (UTC midnight). */
    record Query(String doctorId, String patientId, String status, String from, String to, int offset, int limit) {
    }

    record Page<T>(List<T> items, int offset, int limit, long total) {
    }

    record Participant(String id, String kind, String displayName, String email, String username) {
    }

    /**
     * A visit as this caller may see it: {@code doctorNotes} only for who runs it and invited colleagues,
     * {@code joinLinks} only the caller's own (all of them for who runs it), {@code allowedTransitions} the
     * {@link Action#wireName()}s its status allows, {@code timeZone} the zone to show it in (the patient's own
     * for the patient, else the doctor's), {@code accessCode} the 9 digits guests join by (for who runs it and the
     * patient; null for others and for a visit without a room), {@code clinicId} the clinic it is at (null: none
     * in particular; since 2.5).
     */
    record EncounterDetails(String id, String type, String status, List<String> allowedTransitions, String doctorId,
            String doctorName, String patientId, String patientName, Instant scheduledStart, Instant scheduledEnd,
            int durationMinutes, String timeZone, Instant actualStart, Instant actualEnd, String chiefComplaint,
            String patientNotes, String doctorNotes, List<Participant> participants, boolean recordingEnabled,
            String recordingConsentBy, Instant recordingConsentAt, Fee fee, boolean paid, String accessCode,
            String roomId, Map<String, String> joinLinks, String cancelReason, int revision, String createdBy,
            Instant createdAt, Instant updatedAt, String clinicId) {
        public EncounterDetails(String id, String type, String status, List<String> allowedTransitions,
                String doctorId, String doctorName, String patientId, String patientName, Instant scheduledStart,
                Instant scheduledEnd, int durationMinutes, String timeZone, Instant actualStart, Instant actualEnd,
                String chiefComplaint, String patientNotes, String doctorNotes, List<Participant> participants,
                boolean recordingEnabled, String recordingConsentBy, Instant recordingConsentAt, Fee fee, boolean paid,
                String accessCode, String roomId, Map<String, String> joinLinks, String cancelReason, int revision,
                String createdBy, Instant createdAt, Instant updatedAt) {
            this(id, type, status, allowedTransitions, doctorId, doctorName, patientId, patientName, scheduledStart,
                    scheduledEnd, durationMinutes, timeZone, actualStart, actualEnd, chiefComplaint, patientNotes,
                    doctorNotes, participants, recordingEnabled, recordingConsentBy, recordingConsentAt, fee, paid,
                    accessCode, roomId, joinLinks, cancelReason, revision, createdBy, createdAt, updatedAt, null);
        }
    }

    /** One reminder: {@code state} pending, sending, sent, failed, cancelled or replaced. */
    record ReminderInfo(String id, long offsetSeconds, Instant dueAt, String state, String detail, Instant sentAt) {
    }
}
