package org.telehub.security;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The roles of Telehub, defined once: what each may do is the table in ARCHITECTURE.md ("Roles and care
 * relationships"); the domain services enforce it, {@code @RolesAllowed} only turns away a role that never may.
 *
 * <p>A role may carry a scope after a colon: {@code clinic-admin:North Clinic}. Only {@link #CLINIC_ADMIN} has one
 * today, and it must: the clinic is the free-text {@code clinic} of doctor records (there is no clinic entity yet),
 * so the scope is a string compared as written. {@link AuthenticatedUser#hasRole} is true for a scoped role asked
 * for without its scope, so {@code @RolesAllowed(CLINIC_ADMIN)} admits every clinic's administrator and the
 * domain service checks the scope.
 */
public final class Roles {
    /** System administrator: accounts, adapters, configuration, deliveries' metadata; not a clinician. */
    public static final String ADMIN = "admin";
    /** Administrator of one clinic (scoped, {@code clinic-admin:<clinic>}): assigns care teams; not a clinician. */
    public static final String CLINIC_ADMIN = "clinic-admin";
    /** Clinician: reaches a patient's data through a care relationship or break-glass; signs. */
    public static final String DOCTOR = "doctor";
    /** Clinician: reaches a patient's data through a care relationship or break-glass; prepares. */
    public static final String NURSE = "nurse";
    /** Registers patients, finds one by exact name and birth date, books visits; no clinical data. */
    public static final String FRONT_DESK = "front-desk";
    /** A patient: their own record and visits only. */
    public static final String PATIENT = "patient";
    /** Bulk reads across patients (PACS/EHR queries without a patient, every patient listed), each audited. */
    public static final String EXPORT = "export";

    /** Every account role there is ({@link #CLINIC_ADMIN} only with its scope). */
    public static final SortedSet<String> ALL = java.util.Collections.unmodifiableSortedSet(
            new TreeSet<>(Set.of(ADMIN, CLINIC_ADMIN, DOCTOR, NURSE, FRONT_DESK, PATIENT, EXPORT)));

    /** Roles that reach patients' clinical data through care relationships. */
    public static final Set<String> CLINICIANS = Set.of(DOCTOR, NURSE);

    /**
     * Visit-scoped identities without an account: kinds of invitation to one visit, issued by the sign-in and
     * invitations work as visit-scoped tokens. They are never account roles and never reach a patient's records.
     */
    public static final String GUEST = "guest";
    public static final String INTERPRETER = "interpreter";
    public static final Set<String> VISIT_KINDS = Set.of(GUEST, INTERPRETER);

    private static final Pattern SCOPE = Pattern.compile("[^,:\\p{Cntrl}]{1,100}");

    private Roles() {
    }

    /** {@code clinic-admin:<clinic>}. */
    public static String clinicAdmin(String clinic) {
        if (clinic == null || !SCOPE.matcher(clinic).matches() || clinic.isBlank()) {
            throw new IllegalArgumentException("A clinic: 1 to 100 characters, no ',' or ':'");
        }
        return CLINIC_ADMIN + ":" + clinic;
    }

    /** Whether an account may hold {@code role}: one of {@link #ALL}, a clinic administrator with a clinic. */
    public static boolean valid(String role) {
        if (role == null) {
            return false;
        }
        if (role.startsWith(CLINIC_ADMIN + ":")) {
            String scope = role.substring(CLINIC_ADMIN.length() + 1);
            return SCOPE.matcher(scope).matches() && !scope.isBlank();
        }
        return ALL.contains(role) && !role.equals(CLINIC_ADMIN);
    }

    /** The role without its scope. */
    public static String base(String role) {
        int colon = role.indexOf(':');
        return colon < 0 ? role : role.substring(0, colon);
    }
}
