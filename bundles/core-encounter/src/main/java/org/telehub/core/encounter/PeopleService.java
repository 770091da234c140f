package org.telehub.core.encounter;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

/**
 * Doctors and patients as this module keeps them; {@code username} links each to the Telehub account that acts as
 * them. Administrators create doctors; staff (administrators, front desk, clinicians) create patients; a clinician
 * reads the patients they reach through a care relationship ({@code org.telehub.security.PatientAccess}), a patient
 * their own record, front desk any patient's demographics by id; to anyone else a patient does not exist. Every
 * patient read is in the audit log.
 */
@ProviderType
public interface PeopleService {

    Doctor createDoctor(AuthenticatedUser caller, NewDoctor doctor);

    List<Doctor> doctors(AuthenticatedUser caller, int offset, int limit);

    Doctor doctor(AuthenticatedUser caller, String id);

    Patient createPatient(AuthenticatedUser caller, NewPatient patient);

    /**
     * A page of patients: a clinician's reachable patients (care relationships), every patient for the export role;
     * others are refused (they find one patient with {@link #findPatients}).
     */
    List<Patient> patients(AuthenticatedUser caller, int offset, int limit);

    /**
     * The patients with exactly this name (case aside) and birth date: how front desk, administrators and clinicians
     * find someone to book without paging through everyone. Every patient found is audited.
     *
     * @since 1.2
     */
    List<Patient> findPatients(AuthenticatedUser caller, String displayName, String birthDate);

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
