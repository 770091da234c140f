package org.telehub.security;

import java.util.Collection;

import org.jdbi.v3.core.Handle;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The PHI access log: who read or sent which patient's data, through which systems, when, and with what outcome.
 * Append-only and tamper-evident: every row gets a sequence number, a sealer hashes the rows in batches into a chain,
 * and the hub's database role may insert rows but not change or delete them (ARCHITECTURE.md, "The audit trail").
 */
@ProviderType
public interface AuditLog {

    /**
     * Records one access in the caller's transaction: the row commits with the change it describes and disappears
     * with it on a rollback (a write that never happened is not audited as done), and costs no commit of its own.
     * Use this wherever the audited work runs in a transaction.
     *
     * @param tx the caller's open transaction
     * @param actor the authenticated user (never null: anonymous callers cannot reach PHI)
     * @param action what was done, e.g. {@code encounter.create}
     * @param patientId the local patient id
     * @param systems the external systems involved (adapter ids), may be empty
     * @param outcome e.g. {@code ok}, {@code partial}, {@code denied}
     * @since 1.1
     */
    void record(Handle tx, AuthenticatedUser actor, String action, String patientId, Collection<String> systems,
            String outcome);

    /**
     * Records one access in a transaction of its own, so it stays even if the caller's work fails: for reads,
     * refusals and calls to external systems, which have no transaction to join.
     *
     * @param actor the authenticated user (never null: anonymous callers cannot reach PHI)
     * @param action what was done, e.g. {@code integration.all-systems.read}
     * @param patientId the local patient id
     * @param systems the external systems involved (adapter ids), may be empty
     * @param outcome e.g. {@code ok}, {@code partial}, {@code denied}
     */
    void record(AuthenticatedUser actor, String action, String patientId, Collection<String> systems, String outcome);
}
