package org.telehub.security.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.TreeSet;

import org.jdbi.v3.core.Handle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.persistence.Database;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;

/** {@link AuditLog} in the Telehub database ({@code audit_event}, created by the security migrations). */
@Component(service = AuditLog.class)
public class DbAuditLog implements AuditLog {
    private final Database database;

    /** Takes {@link Accounts} so the security schema (including {@code audit_event}) is migrated first. */
    @Activate
    public DbAuditLog(@Reference Database database, @Reference Accounts accounts) {
        this.database = database;
    }

    /** The column's size: a longer outcome is cut, never a reason to fail the audited request. */
    static final int OUTCOME_LENGTH = 500;

    static String fit(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    @Override
    public void record(Handle tx, AuthenticatedUser actor, String action, String patientId,
            Collection<String> systems, String outcome) {
        insert(tx, actor.id(), actor.username(), action, patientId, systems, outcome);
    }

    @Override
    public void record(AuthenticatedUser actor, String action, String patientId, Collection<String> systems,
            String outcome) {
        database.jdbi().useHandle(h -> record(h, actor, action, patientId, systems, outcome));
    }

    /**
     * The one INSERT into {@code audit_event} (also for {@link Accounts}' logins, whose actor may be no account):
     * the row's {@code id} is its sequence number, which orders the sealer's hash chain ({@link AuditChain}).
     */
    static void insert(Handle h, long actorId, String actor, String action, String patientId,
            Collection<String> systems, String outcome) {
        h.createUpdate("INSERT INTO audit_event (at, actor_id, actor, action, patient_id, systems, outcome)"
                + " VALUES (:at, :aid, :actor, :action, :pid, :systems, :outcome)")
                .bind("at", Timestamp.from(Instant.now())).bind("aid", actorId).bind("actor", actor)
                .bind("action", action).bind("pid", patientId)
                .bind("systems", systems == null ? "" : String.join(",", new TreeSet<>(systems)))
                .bind("outcome", fit(outcome, OUTCOME_LENGTH)).execute();
    }
}
