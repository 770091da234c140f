package org.telehub.core.encounter.internal.people;

import static org.telehub.core.encounter.internal.Sql.instant;
import static org.telehub.core.encounter.internal.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.telehub.core.encounter.PeopleService.Doctor;
import org.telehub.core.encounter.PeopleService.Patient;
import org.telehub.core.encounter.internal.access.CareRelationships;

/** SQL of doctors and patients; every method runs on the caller's handle, so callers choose the transaction. */
public final class PeopleStore {
    private PeopleStore() {
    }

    static void insertDoctor(Handle h, Doctor d) {
        h.createUpdate("INSERT INTO encounter_doctor (id, username, display_name, speciality, clinic, time_zone,"
                + " slot_minutes, created_at) VALUES (:id, :u, :n, :s, :c, :z, :m, :t)")
                .bind("id", d.id()).bind("u", d.username()).bind("n", d.displayName()).bind("s", d.speciality())
                .bind("c", d.clinic()).bind("z", d.timeZone()).bind("m", d.slotMinutes()).bind("t", ts(d.createdAt()))
                .execute();
    }

    public static Optional<Doctor> doctor(Handle h, String id) {
        return h.createQuery("SELECT * FROM encounter_doctor WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> doctor(rs)).findOne();
    }

    public static Optional<Doctor> doctorByUsername(Handle h, String username) {
        return h.createQuery("SELECT * FROM encounter_doctor WHERE username = :u").bind("u", username)
                .map((rs, ctx) -> doctor(rs)).findOne();
    }

    static List<Doctor> doctors(Handle h, int offset, int limit) {
        return h.createQuery("SELECT * FROM encounter_doctor ORDER BY display_name, id LIMIT :l OFFSET :o")
                .bind("o", offset).bind("l", limit).map((rs, ctx) -> doctor(rs)).list();
    }

    /** Reads the doctor and takes their row lock: bookings and availability changes of one doctor run one at a time. */
    public static Optional<Doctor> lockedDoctor(Handle h, String id) {
        return h.createQuery("SELECT * FROM encounter_doctor WHERE id = :id FOR UPDATE").bind("id", id)
                .map((rs, ctx) -> doctor(rs)).findOne();
    }

    public static Optional<Patient> lockedPatient(Handle h, String id) {
        return h.createQuery("SELECT * FROM encounter_patient WHERE id = :id FOR UPDATE").bind("id", id)
                .map((rs, ctx) -> patient(rs)).findOne();
    }

    static void insertPatient(Handle h, Patient p) {
        h.createUpdate("INSERT INTO encounter_patient (id, username, display_name, birth_date, email, phone, time_zone,"
                + " created_at) VALUES (:id, :u, :n, :b, :e, :p, :z, :t)")
                .bind("id", p.id()).bind("u", p.username()).bind("n", p.displayName()).bind("b", p.birthDate())
                .bind("e", p.email()).bind("p", p.phone()).bind("z", p.timeZone()).bind("t", ts(p.createdAt()))
                .execute();
    }

    public static Optional<Patient> patient(Handle h, String id) {
        return h.createQuery("SELECT * FROM encounter_patient WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> patient(rs)).findOne();
    }

    static Optional<Patient> patientByUsername(Handle h, String username) {
        return h.createQuery("SELECT * FROM encounter_patient WHERE username = :u").bind("u", username)
                .map((rs, ctx) -> patient(rs)).findOne();
    }

    static List<Patient> patients(Handle h, int offset, int limit) {
        return h.createQuery("SELECT * FROM encounter_patient ORDER BY display_name, id LIMIT :l OFFSET :o")
                .bind("o", offset).bind("l", limit).map((rs, ctx) -> patient(rs)).list();
    }

    /** A page of the patients {@code who} reaches ({@link CareRelationships#REACHED}). */
    static List<Patient> reachablePatients(Handle h, String who, int offset, int limit) {
        return h.createQuery("SELECT * FROM encounter_patient WHERE id IN (" + CareRelationships.REACHED
                + ") ORDER BY display_name, id LIMIT :l OFFSET :o").bind("who", who).bind("now", ts(Instant.now()))
                .bind("l", limit).bind("o", offset).map((rs, ctx) -> patient(rs)).list();
    }

    static List<Patient> patientsNamed(Handle h, String name, LocalDate birthDate) {
        return h.createQuery("SELECT * FROM encounter_patient WHERE LOWER(display_name) = LOWER(:n)"
                + " AND birth_date = :b ORDER BY id LIMIT 50").bind("n", name).bind("b", birthDate)
                .map((rs, ctx) -> patient(rs)).list();
    }

    private static Doctor doctor(ResultSet rs) throws SQLException {
        return new Doctor(rs.getString("id"), rs.getString("username"), rs.getString("display_name"),
                rs.getString("speciality"), rs.getString("clinic"), rs.getString("time_zone"),
                rs.getInt("slot_minutes"), instant(rs, "created_at"));
    }

    private static Patient patient(ResultSet rs) throws SQLException {
        return new Patient(rs.getString("id"), rs.getString("username"), rs.getString("display_name"),
                rs.getObject("birth_date", LocalDate.class), rs.getString("email"), rs.getString("phone"),
                rs.getString("time_zone"), instant(rs, "created_at"));
    }
}
