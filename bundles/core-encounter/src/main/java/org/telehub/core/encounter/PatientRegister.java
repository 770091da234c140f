package org.telehub.core.encounter;

import org.jdbi.v3.core.Handle;
import org.osgi.annotation.versioning.ProviderType;
import org.telehub.core.encounter.PeopleService.Patient;
import org.telehub.security.AuthenticatedUser;

/**
 * The patient register as an external system of record feeds it (an HL7 v2 ADT A04 registers, an A08 updates), on
 * behalf of a system rather than a person: no care relationship is created, and every change is audited with the
 * system actor. Works in the caller's transaction, so that the change and the message's processed mark commit
 * together.
 *
 * @since 2.6
 */
@ProviderType
public interface PatientRegister {

    /**
     * Registers a new patient ({@code patientId} null) or updates the demographics the system sent for an existing
     * one (fields left null stay as they are).
     *
     * @throws org.telehub.domain.InvalidException naming the field the system sent wrong
     * @throws org.telehub.domain.NotFoundException when {@code patientId} names no patient
     */
    Registered record(Handle tx, AuthenticatedUser actor, String patientId, Demographics demographics);

    /** {@code birthDate} ISO (1980-04-23); {@code phone} digits, spaces, ( ) - and an optional leading +. */
    record Demographics(String displayName, String birthDate, String phone) {
    }

    record Registered(Patient patient, boolean created) {
    }
}
