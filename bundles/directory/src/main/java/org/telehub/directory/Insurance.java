package org.telehub.directory;

import java.time.LocalDate;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

/**
 * Insurance as booking needs it, no claims: organisations and their plans (kept by administrators), a patient's
 * coverage (the patient themselves, or an administrator), and the plans a doctor accepts (those who edit the doctor's
 * profile) or a clinic accepts for all its doctors (an administrator or the clinic's administrator). Everyone signed
 * in reads the list of plans. Refusals are {@code org.telehub.domain} exceptions.
 *
 * @since 1.1
 */
@ProviderType
public interface Insurance {
    List<Insurer> insurers(AuthenticatedUser caller);

    Insurer createInsurer(AuthenticatedUser caller, String name);

    Plan addPlan(AuthenticatedUser caller, String insurerId, String name);

    /** A patient's coverage, newest first; {@code patientId} null: the calling patient's own. */
    List<Coverage> coverage(AuthenticatedUser caller, String patientId);

    Coverage addCoverage(AuthenticatedUser caller, String patientId, CoverageInput input);

    void removeCoverage(AuthenticatedUser caller, String coverageId);

    /** The plans the doctor accepts themselves (a profile's {@code acceptedPlans} adds their clinics'). */
    List<PlanRef> doctorPlans(AuthenticatedUser caller, String doctorId);

    /** Replaces the plans the doctor accepts themselves (their clinics' plans are the clinics'). */
    List<PlanRef> setDoctorPlans(AuthenticatedUser caller, String doctorId, List<String> planIds);

    List<PlanRef> clinicPlans(AuthenticatedUser caller, String clinicId);

    List<PlanRef> setClinicPlans(AuthenticatedUser caller, String clinicId, List<String> planIds);

    record Insurer(String id, String name, List<Plan> plans) {
    }

    record Plan(String id, String insurerId, String name) {
    }

    /** A plan with its organisation's name, as shown beside a doctor. */
    record PlanRef(String id, String insurer, String name) {
    }

    /** {@code validTo} null: open-ended. */
    record CoverageInput(String planId, String memberId, LocalDate validFrom, LocalDate validTo) {
    }

    /** {@code valid}: valid today (in UTC). */
    record Coverage(String id, String patientId, PlanRef plan, String memberId, LocalDate validFrom,
            LocalDate validTo, boolean valid) {
    }
}
