package org.telehub.integration.manager.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.domain.UnprocessableException;
import org.telehub.integration.identities.SystemIdentities;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;

/** {@link SystemIdentities} on {@code integration_patient_identifier}, in the caller's transaction. */
@Component(service = SystemIdentities.class)
public class SystemIdentitiesImpl implements SystemIdentities {
    private final AuditLog audit;

    @Activate
    public SystemIdentitiesImpl(@Reference IntegrationSchema schema, @Reference AuditLog audit) {
        this.audit = audit; // the schema reference: the table exists before a message is processed
    }

    @Override
    public Optional<String> lockLocalPatient(Handle tx, String adapterId, String identifier) {
        tx.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(:a), hashtext(:i))) l")
                .bind("a", adapterId).bind("i", identifier).mapTo(Integer.class).one();
        return local(tx, adapterId, identifier);
    }

    @Override
    public Optional<String> identifier(Handle tx, String adapterId, String localPatientId) {
        return tx.createQuery("SELECT identifier FROM integration_patient_identifier WHERE local_patient_id = :p"
                + " AND adapter_id = :a").bind("p", localPatientId).bind("a", adapterId).mapTo(String.class).findOne();
    }

    @Override
    public void map(Handle tx, AuthenticatedUser actor, String localPatientId, String adapterId, String identifier) {
        Optional<String> holder = local(tx, adapterId, identifier);
        if (holder.isPresent() && !holder.get().equals(localPatientId)) {
            audit.record(tx, actor, "integration.identifier.write", localPatientId, List.of(adapterId),
                    "denied: taken");
            throw new UnprocessableException("identifier", "This identifier belongs to another patient in '"
                    + adapterId + "'");
        }
        if (holder.isPresent()) {
            return;
        }
        Timestamp now = Timestamp.from(Instant.now());
        int updated = tx.createUpdate("UPDATE integration_patient_identifier SET identifier = :i, updated_at = :t,"
                + " updated_by = :b WHERE local_patient_id = :p AND adapter_id = :a").bind("i", identifier)
                .bind("t", now).bind("b", actor.username()).bind("p", localPatientId).bind("a", adapterId).execute();
        if (updated == 0) {
            tx.createUpdate("INSERT INTO integration_patient_identifier (local_patient_id, adapter_id, identifier,"
                    + " updated_at, updated_by) VALUES (:p, :a, :i, :t, :b)").bind("i", identifier).bind("t", now)
                    .bind("b", actor.username()).bind("p", localPatientId).bind("a", adapterId).execute();
        }
        audit.record(tx, actor, "integration.identifier.write", localPatientId, List.of(adapterId), "ok");
    }

    @Override
    public Merge merge(Handle tx, AuthenticatedUser actor, String adapterId, String surviving, String retired) {
        Optional<String> kept = lockLocalPatient(tx, adapterId, surviving);
        Optional<String> gone = lockLocalPatient(tx, adapterId, retired);
        if (gone.isEmpty()) {
            return new Merge(kept.orElse(null), null);
        }
        if (kept.isEmpty()) {
            tx.createUpdate("UPDATE integration_patient_identifier SET identifier = :s, updated_at = :t,"
                    + " updated_by = :b WHERE adapter_id = :a AND identifier = :r").bind("s", surviving)
                    .bind("t", Timestamp.from(Instant.now())).bind("b", actor.username()).bind("a", adapterId)
                    .bind("r", retired).execute();
            audit.record(tx, actor, "integration.identifier.merge", gone.get(), List.of(adapterId), "ok");
            return new Merge(gone.get(), null);
        }
        tx.createUpdate("DELETE FROM integration_patient_identifier WHERE adapter_id = :a AND identifier = :r")
                .bind("a", adapterId).bind("r", retired).execute();
        audit.record(tx, actor, "integration.identifier.merge", gone.get(), List.of(adapterId),
                "retired: one person with " + kept.get());
        audit.record(tx, actor, "integration.identifier.merge", kept.get(), List.of(adapterId),
                "ok: also " + gone.get());
        return new Merge(kept.get(), gone.get());
    }

    private static Optional<String> local(Handle tx, String adapterId, String identifier) {
        return tx.createQuery("SELECT local_patient_id FROM integration_patient_identifier WHERE adapter_id = :a"
                + " AND identifier = :i ORDER BY local_patient_id LIMIT 1").bind("a", adapterId).bind("i", identifier)
                .mapTo(String.class).findOne();
    }
}
