package org.telehub.security.internal;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.persistence.Database;
import org.telehub.work.TelehubExecutors;

/**
 * Keeps the audit trail tamper-evident: seals waiting rows every interval ({@link AuditChain#seal}), one node at a
 * time, writes the newest seal to the seal file and, now and then, to the log; verifies the chain on request
 * ({@code telehub:audit-verify}, {@code GET /api/v1/audit/verify}). A sealer that finds its file's seal gone from the
 * database stops sealing and says so: sealing on would make a chain that hides the deletion.
 */
@Component(service = AuditTrail.class, configurationPid = "org.telehub.security.audit")
@Designate(ocd = AuditConfig.class)
public class AuditTrail {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

    private final Database database;
    private final SealFile file;
    private final int batch;
    private final Duration holeWindow;
    private final Duration logInterval;
    private final ScheduledFuture<?> task;
    private Instant lastLogged = Instant.EPOCH;
    /** Why the sealer refused last time, so it is logged once, not every interval. */
    private volatile String diverged;

    /** Takes {@link Accounts} so the security schema (including the audit tables) is migrated first. */
    @Activate
    public AuditTrail(@Reference Database database, @Reference Accounts accounts,
            @Reference TelehubExecutors executors, AuditConfig config) {
        this(database, config, executors);
    }

    /** Without a schedule (null executors): tests call {@link #sealNow()}. */
    AuditTrail(Database database, AuditConfig config, TelehubExecutors executors) {
        this.database = database;
        this.file = new SealFile(config.sealFile() == null || config.sealFile().isBlank()
                ? Paths.get(System.getProperty("karaf.data", "data"), "telehub", "audit.seal")
                : Paths.get(config.sealFile()));
        this.batch = config.batchSize();
        this.holeWindow = Duration.ofSeconds(config.holeWindowSeconds());
        this.logInterval = Duration.ofSeconds(config.logIntervalSeconds());
        AuditProtection.apply(database);
        this.task = executors == null ? null : executors.pool("audit-sealer", 1).scheduleWithFixedDelay(() -> {
            try {
                sealNow();
            } catch (AuditChain.Diverged d) {
                // logged once when found; checked again every interval, so sealing resumes once repaired
            } catch (RuntimeException e) {
                LOG.warn("Audit sealing failed; retried in {} ms: {}", config.sealIntervalMillis(), e.toString());
            }
        }, config.sealIntervalMillis(), config.sealIntervalMillis(), TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        if (task != null) {
            task.cancel(false);
        }
    }

    Path file() {
        return file.path();
    }

    /**
     * Seals until no full batch waits; the number of seals made. Called by the schedule, one run at a time.
     *
     * @throws AuditChain.Diverged if the database no longer holds the seal in the file (also logged, once)
     */
    int sealNow() {
        int made = 0;
        while (true) {
            SealFile.Stamp stamp = file.read();
            Optional<AuditChain.Seal> seal;
            try {
                seal = database.jdbi().inTransaction(h -> AuditChain.seal(h, batch, holeWindow, stamp));
            } catch (AuditChain.Diverged d) {
                if (!d.getMessage().equals(diverged)) {
                    LOG.error("Audit trail tampered with? {} ({}); run telehub:audit-verify", d.getMessage(),
                            file.path());
                }
                diverged = d.getMessage();
                throw d;
            }
            diverged = null;
            if (seal.isEmpty()) {
                return made;
            }
            AuditChain.Seal s = seal.get();
            file.write(new SealFile.Stamp(s.id(), s.highSeq(), s.hash()));
            made++;
            if (Duration.between(lastLogged, s.sealedAt()).compareTo(logInterval) >= 0) {
                lastLogged = s.sealedAt();
                LOG.info("Audit seal {} up to seq {}: {}", s.id(), s.highSeq(), s.hash());
            } else {
                LOG.debug("Audit seal {} up to seq {}: {}", s.id(), s.highSeq(), s.hash());
            }
            if (s.seqs().length < batch) {
                return made;
            }
        }
    }

    /** A page of the trail, newest first ({@link AuditQuery}). */
    List<AuditQuery.Entry> find(AuditQuery.Filter filter, int offset, int limit) {
        return database.jdbi().withHandle(h -> AuditQuery.find(h, filter, offset, limit));
    }

    /** {@link #verify()} as the shell prints it: OK, or the first broken link. */
    public String report() {
        return verify().toString();
    }

    /** Walks the chain and compares it with the seal file. */
    AuditChain.Verdict verify() {
        SealFile.Stamp stamp = file.read();
        return database.jdbi().withHandle(h -> {
            AuditChain.Verdict v = AuditChain.verify(h, stamp, 500);
            String weak = AuditProtection.weakness(h);
            return weak == null ? v : v.warn(weak);
        });
    }
}
