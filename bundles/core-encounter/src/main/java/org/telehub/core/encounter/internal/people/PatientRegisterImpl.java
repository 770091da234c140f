package org.telehub.core.encounter.internal.people;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.core.encounter.PatientRegister;
import org.telehub.core.encounter.PeopleService.Patient;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.domain.NotFoundException;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;

/** {@link PatientRegister} on {@code encounter_patient}, with the checks a person's registration has. */
@Component(service = PatientRegister.class)
public class PatientRegisterImpl implements PatientRegister {
    private final AuditLog audit;

    @Activate
    public PatientRegisterImpl(@Reference EncounterDb db, @Reference AuditLog audit) {
        this.audit = audit; // the schema reference: encounter_patient exists before a system writes to it
    }

    @Override
    public Registered record(Handle tx, AuthenticatedUser actor, String patientId, Demographics d) {
        if (patientId == null || d.displayName() != null) { // a new patient needs a name
            PeopleServiceImpl.name("displayName", d.displayName());
        }
        LocalDate birth = PeopleServiceImpl.birthDate(d.birthDate());
        PeopleServiceImpl.phone(d.phone());
        if (patientId == null) {
            Patient p = new Patient(UUID.randomUUID().toString(), null, d.displayName().trim(), birth, null,
                    d.phone(), null, Instant.now());
            PeopleStore.insertPatient(tx, p);
            audit.record(tx, actor, "patient.register", p.id(), List.of(), "ok");
            return new Registered(p, true);
        }
        Patient was = PeopleStore.lockedPatient(tx, patientId)
                .orElseThrow(() -> new NotFoundException("No patient " + patientId));
        Patient now = new Patient(was.id(), was.username(),
                d.displayName() == null ? was.displayName() : d.displayName().trim(),
                birth == null ? was.birthDate() : birth, was.email(), d.phone() == null ? was.phone() : d.phone(),
                was.timeZone(), was.createdAt());
        if (!now.equals(was)) {
            tx.createUpdate("UPDATE encounter_patient SET display_name = :n, birth_date = :b, phone = :p"
                    + " WHERE id = :id").bind("n", now.displayName()).bind("b", now.birthDate())
                    .bind("p", now.phone()).bind("id", now.id()).execute();
            audit.record(tx, actor, "patient.update", now.id(), List.of(), "ok");
        }
        return new Registered(now, false);
    }
}
