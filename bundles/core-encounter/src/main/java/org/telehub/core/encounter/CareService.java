package org.telehub.core.encounter;

import java.time.Instant;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

/**
 * A patient's care team and break-glass: the care relationships besides visits through which a clinician reaches
 * a patient's data ({@code org.telehub.security.PatientAccess}, implemented by the same component).
 *
 * <p>Members are added and removed by the treating doctor (the doctor of one of the patient's visits), a clinic
 * administrator (a doctor member must be of their clinic) or the system administrator; every change is audited.
 * Break-glass gives one clinician the patient for a configured time, with a reason, audited.
 */
@ProviderType
public interface CareService {

    List<CareTeamMember> careTeam(AuthenticatedUser caller, String patientId);

    /** Adds the account {@code username}; adding a member twice is no change. */
    CareTeamMember addToCareTeam(AuthenticatedUser caller, String patientId, String username);

    /** Removes the member; false if they were not one. */
    boolean removeFromCareTeam(AuthenticatedUser caller, String patientId, String username);

    /** Opens the patient to the calling clinician until {@link BreakGlass#expiresAt()}. */
    BreakGlass breakGlass(AuthenticatedUser caller, String patientId, String reason);

    /**
     * As {@link #breakGlass(AuthenticatedUser, String, String)}; a caller with a second factor must confirm with a
     * current code of it ({@code secondFactorCode}), else 403 naming {@code totp}.
     *
     * @since 1.3
     */
    BreakGlass breakGlass(AuthenticatedUser caller, String patientId, String reason, String secondFactorCode);

    record CareTeamMember(String patientId, String username, String addedBy, Instant addedAt) {
    }

    record BreakGlass(String id, String patientId, String username, String reason, Instant grantedAt,
            Instant expiresAt) {
    }
}
