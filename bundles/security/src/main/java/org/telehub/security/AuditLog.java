package org.telehub.security;

import java.util.Collection;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The PHI access log: who read or sent which patient's data, through which systems, when, and with what outcome.
 * Append-only; an entry is written in its own transaction, so it stays even if the caller's work fails.
 */
@ProviderType
public interface AuditLog {

    /**
     * Records one access.
     *
     * @param actor the authenticated user (never null: anonymous callers cannot reach PHI)
     * @param action what was done, e.g. {@code integration.all-systems.read}
     * @param patientId the local patient id
     * @param systems the external systems involved (adapter ids), may be empty
     * @param outcome e.g. {@code ok}, {@code partial}, {@code denied}
     */
    void record(AuthenticatedUser actor, String action, String patientId, Collection<String> systems, String outcome);
}
