package org.telehub.core.encounter.internal.people;

import org.telehub.core.encounter.PeopleService.Doctor;
import org.telehub.core.encounter.PeopleService.Patient;
import org.telehub.core.encounter.internal.Checks;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/** The caller and the doctor / patient record their account acts as (if any): what the rules of a visit ask. */
public record Caller(AuthenticatedUser user, String doctorId, String patientId) {

    /** Looks up the records linked to the account; none for administrators and nurses (no round trip). */
    public static Caller of(EncounterDb db, AuthenticatedUser user) {
        Checks.signedIn(user);
        if (!user.hasRole(Roles.DOCTOR) && !user.hasRole(Roles.PATIENT)) {
            return new Caller(user, null, null);
        }
        return db.jdbi().withHandle(h -> new Caller(user,
                user.hasRole(Roles.DOCTOR) ? PeopleStore.doctorByUsername(h, user.username()).map(Doctor::id)
                        .orElse(null) : null,
                user.hasRole(Roles.PATIENT) ? PeopleStore.patientByUsername(h, user.username()).map(Patient::id)
                        .orElse(null) : null));
    }

    public boolean admin() {
        return user.hasRole(Roles.ADMIN);
    }

    /** Clinic staff who book and register: administrators, doctors, nurses, front desk. */
    public boolean staff() {
        return admin() || user.hasRole(Roles.DOCTOR) || user.hasRole(Roles.NURSE) || user.hasRole(Roles.FRONT_DESK);
    }
}
