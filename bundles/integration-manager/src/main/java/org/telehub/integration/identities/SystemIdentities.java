package org.telehub.integration.identities;

import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

/**
 * Which local patient a system's own identifier (its MRN) names, changed by that system's messages rather than by a
 * clinician. Every method works in the caller's open transaction; every change is audited there with the given
 * actor (a system actor such as {@code system:hl7:<adapterId>}).
 */
@ProviderType
public interface SystemIdentities {

    /**
     * The local patient mapped to {@code identifier} in {@code adapterId}, if any. Takes a lock on that identifier
     * until the transaction ends, so two messages about one new identifier cannot both find it absent.
     */
    Optional<String> lockLocalPatient(Handle tx, String adapterId, String identifier);

    /**
     * The identifier {@code adapterId} knows the local patient by, if any (what a message to that system names the
     * patient with).
     *
     * @since 1.1
     */
    Optional<String> identifier(Handle tx, String adapterId, String localPatientId);

    /**
     * Maps the local patient to {@code identifier} in {@code adapterId} (replacing the patient's earlier identifier
     * in that system).
     *
     * @throws org.telehub.domain.UnprocessableException ({@code identifier}) when another local patient has it
     */
    void map(Handle tx, AuthenticatedUser actor, String localPatientId, String adapterId, String identifier);

    /**
     * The system merged {@code retired} into {@code surviving} (HL7 v2 A40): the local patient of the retired
     * identifier now has the surviving one, unless another local patient already has it; then the retired mapping
     * is removed and both local patients are named in the answer, for the clinic to merge their records.
     */
    Merge merge(Handle tx, AuthenticatedUser actor, String adapterId, String surviving, String retired);

    /**
     * @param localPatientId the local patient who now has the surviving identifier, or null if neither was mapped
     * @param duplicateLocalPatientId a second local patient who was the retired identifier's, or null
     */
    record Merge(String localPatientId, String duplicateLocalPatientId) {
    }
}
