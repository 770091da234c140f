package org.telehub.core.encounter;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

/**
 * Doctors and patients as this module keeps them; {@code username} links each to the Telehub account that acts as
 * them. Administrators create doctors; staff create and list patients; a patient reads only their own record
 * (another one does not exist for them). Every patient read is in the audit log.
 */
@ProviderType
public interface PeopleService {

    Doctor createDoctor(AuthenticatedUser caller, NewDoctor doctor);

    List<Doctor> doctors(AuthenticatedUser caller, int offset, int limit);

    Doctor doctor(AuthenticatedUser caller, String id);

    Patient createPatient(AuthenticatedUser caller, NewPatient patient);

    List<Patient> patients(AuthenticatedUser caller, int offset, int limit);

    Patient patient(AuthenticatedUser caller, String id);

    record Doctor(String id, String username, String displayName, String speciality, String clinic, String timeZone,
            int slotMinutes, Instant createdAt) {
    }

    record Patient(String id, String username, String displayName, LocalDate birthDate, String email, String phone,
            String timeZone, Instant createdAt) {
    }

    /** {@code slotMinutes} null: 30. */
    record NewDoctor(String username, String displayName, String speciality, String clinic, String timeZone,
            Integer slotMinutes) {
    }

    /** {@code birthDate} ISO date such as 1980-04-23. */
    record NewPatient(String username, String displayName, String birthDate, String email, String phone,
            String timeZone) {
    }
}
