package org.telehub.security;

import java.util.Collection;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Who reaches which patient: the one rule every bundle holding patient data asks before it reads or writes it,
 * so the rule lives in one place (core-encounter implements it over its visits, care teams and break-glass
 * grants; the integration manager and later bundles only reference it).
 *
 * <p>A clinician reaches a patient as a participant of one of the patient's visits (its doctor or an invited
 * colleague), as a member of the patient's care team, or through an unexpired break-glass grant; a patient reaches
 * themselves; the export role reaches every patient for reads. Administrators, front desk and visit-scoped
 * identities reach no patient's clinical data.
 *
 * <p>A consumer must fail closed when no implementation is registered (the domain's {@code UnavailableException},
 * 503), never open.
 */
@ProviderType
public interface PatientAccess {

    /** Whether {@code user} reaches the local patient {@code patientId} (an unknown id is never reached). */
    boolean reaches(AuthenticatedUser user, String patientId);

    /** Of {@code patientIds}, those {@code user} reaches (one round trip for a page of results). */
    Set<String> reachable(AuthenticatedUser user, Collection<String> patientIds);
}
