package org.telehub.directory.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jdbi.v3.core.Handle;
import org.telehub.directory.Directory.ClinicRef;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.NotAuthenticatedException;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/** Who may: the directory's rules shared by its services. */
final class Access {
    private Access() {
    }

    /** Signed in with an account (a visit identity reads no directory). */
    static void reader(AuthenticatedUser caller) {
        if (caller == null) {
            throw new NotAuthenticatedException("Sign in to read the directory");
        }
        if (caller.roles().stream().map(Roles::base).noneMatch(Roles.ALL::contains)) {
            throw new ForbiddenException("A visit's guest reads no directory");
        }
    }

    static void administrator(AuthenticatedUser caller, String what) {
        reader(caller);
        if (!caller.hasRole(Roles.ADMIN)) {
            throw new ForbiddenException("Only an administrator " + what);
        }
    }

    static boolean clinicAdminOf(AuthenticatedUser caller, String clinicName) {
        return clinicName != null && caller.scopes(Roles.CLINIC_ADMIN).contains(clinicName);
    }

    static boolean mayEdit(AuthenticatedUser caller, String doctorId, String own, List<ClinicRef> clinics) {
        if (caller.hasRole(Roles.ADMIN) || doctorId.equals(own)) {
            return true;
        }
        Set<String> scopes = caller.scopes(Roles.CLINIC_ADMIN);
        return !scopes.isEmpty() && clinics.stream().anyMatch(c -> scopes.contains(c.name()));
    }

    /** An administrator, the doctor themselves, or an administrator of one of the doctor's clinics. */
    static boolean mayEdit(Handle h, AuthenticatedUser caller, String doctorId) {
        return caller != null && mayEdit(caller, doctorId, ownDoctorId(h, caller), clinicRefs(h, List.of(doctorId))
                .getOrDefault(doctorId, List.of()));
    }

    static Map<String, List<ClinicRef>> clinicRefs(Handle h, List<String> ids) {
        Map<String, List<ClinicRef>> out = new LinkedHashMap<>();
        h.createQuery("SELECT m.doctor_id, c.id, c.name FROM directory_clinic_doctor m JOIN directory_clinic c ON"
                + " c.id = m.clinic_id WHERE m.doctor_id IN (<ids>) ORDER BY c.name").bindList("ids", ids).mapToMap()
                .forEach(m -> out.computeIfAbsent((String) m.get("doctor_id"), k -> new ArrayList<>())
                        .add(new ClinicRef((String) m.get("id"), (String) m.get("name"))));
        return out;
    }

    /** The doctor record a doctor's account acts as, if any. */
    static String ownDoctorId(Handle h, AuthenticatedUser caller) {
        if (!caller.hasRole(Roles.DOCTOR)) {
            return null;
        }
        return h.createQuery("SELECT id FROM encounter_doctor WHERE username = :u").bind("u", caller.username())
                .mapTo(String.class).findOne().orElse(null);
    }

    /** The patient record a patient's account acts as, if any. */
    static String ownPatientId(Handle h, AuthenticatedUser caller) {
        if (!caller.hasRole(Roles.PATIENT)) {
            return null;
        }
        return h.createQuery("SELECT id FROM encounter_patient WHERE username = :u").bind("u", caller.username())
                .mapTo(String.class).findOne().orElse(null);
    }
}
