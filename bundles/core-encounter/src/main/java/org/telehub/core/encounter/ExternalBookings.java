package org.telehub.core.encounter;

import java.time.Instant;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

/**
 * Visits as an external scheduler books them (an HL7 v2 interface's SIU S12–S15), on behalf of a system the clinic
 * lets book: which systems may, and which of their resource ids is which doctor, is the caller's configuration,
 * decided by an administrator. A booking makes its doctor a carer of the patient, as any booking does. Each
 * appointment of a system is one visit: booked once, then moved or cancelled by the same appointment id.
 *
 * <p>Runs in the caller's transaction, so the visit, its event and the message's processed mark commit together;
 * the same doctor-then-patient locks and calendar checks as {@link EncounterService#book}. Working hours are not
 * checked: the scheduler keeps the doctor's calendar, Telehub's hours are for its own booking. Every change is
 * audited with the system actor and appends its encounter event (reminders, webhooks follow as for any booking).
 *
 * @since 2.7
 */
@ProviderType
public interface ExternalBookings {

    /**
     * Books the appointment, or moves the visit already booked for it to the given time and length (nothing when
     * they are unchanged).
     *
     * @throws org.telehub.domain.UnprocessableException naming {@code doctor}, {@code patientId}, {@code start},
     *             {@code scheduledStart} or {@code durationMinutes}: no such doctor or patient, not on a whole minute,
     *             in the past or beyond the booking horizon, another doctor or patient than the visit already booked
     *             for the appointment
     * @throws org.telehub.domain.ConflictException the doctor or the patient has another visit then, or the visit
     *             can no longer be moved (started, ended, cancelled)
     */
    Booked book(Handle tx, AuthenticatedUser system, String systemId, String appointmentId, Appointment appointment);

    /**
     * Cancels the visit booked for the appointment; empty when there is none, the visit id when it was cancelled
     * now or before.
     *
     * @throws org.telehub.domain.ConflictException the visit has started or ended
     */
    Optional<String> cancel(Handle tx, AuthenticatedUser system, String systemId, String appointmentId,
            String reason);

    /** The appointment id under which {@code systemId} booked the visit, if it did. */
    Optional<String> appointment(String systemId, String encounterId);

    /**
     * @param type in_person, video, audio, chat or follow_up
     * @param doctorUsername the doctor's account
     * @param start on a whole minute
     * @param durationMinutes null: the doctor's slot length
     * @param reason the chief complaint, or null
     */
    record Appointment(String type, String doctorUsername, String patientId, Instant start, Integer durationMinutes,
            String reason) {
    }

    /** @param created a visit was booked now; {@code moved} an existing one got a new time */
    record Booked(String encounterId, boolean created, boolean moved) {
    }
}
