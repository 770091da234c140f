package org.telehub.adapter.hl7v2.internal;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;

/**
 * The message store's retention ({@code etc/org.telehub.adapter.hl7v2.store.cfg}): once a day, on the work service
 * (one run a day whatever the number of nodes: the item's idempotency key is the day), messages older than
 * {@code retentionDays} are deleted — except those still to be acted on (queued, failed, being sent or sent with an
 * error), received ORU R01s, whose results the patient panel shows, and the messages that hold a document it lists
 * (a document's content is decoded from its message).
 */
@Component(service = WorkHandler.class, configurationPid = Retention.PID, immediate = true, // schedules itself
        property = WorkHandler.TOPIC + "=" + Retention.TOPIC)
@Designate(ocd = Retention.Config.class)
public class Retention implements WorkHandler {
    static final String PID = "org.telehub.adapter.hl7v2.store";
    static final String TOPIC = "hl7v2.retention";
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private static final int CHUNK = 5000;

    @ObjectClassDefinition(name = "Telehub HL7 v2 message store", description = "How long HL7 v2 messages are kept.")
    @interface Config {
        @AttributeDefinition(name = "Retention (days)", description = "Messages older than this are deleted once a "
                + "day (not those still to be acted on, nor received results); 0 keeps them all", min = "0")
        int retentionDays() default 90;
    }

    private final Jdbi jdbi;
    private final WorkService work;
    private final int days;

    @Activate
    public Retention(Config config, @Reference Hl7Schema schema, @Reference WorkService work) {
        this.jdbi = schema.jdbi();
        this.work = work;
        this.days = config.retentionDays();
        schedule(Instant.now());
    }

    @Override
    public Verdict handle(WorkItem item) {
        int deleted = days > 0 ? purge(jdbi, Instant.now().minus(Duration.ofDays(days))) : 0;
        if (deleted > 0) {
            LOG.info("HL7 v2 message store: {} messages older than {} days deleted", deleted, days);
        }
        schedule(Instant.now().plus(Duration.ofHours(1)));
        return Verdict.done();
    }

    /** Deletes what the retention allows that was received before {@code before}, in chunks; returns how many. */
    static int purge(Jdbi jdbi, Instant before) {
        int total = 0;
        int n;
        do {
            n = jdbi.withHandle(h -> h.createUpdate("DELETE FROM hl7_message WHERE id IN (SELECT id FROM hl7_message"
                    + " WHERE received_at < :b AND state IN ('processed', 'rejected', 'accepted', 'refused')"
                    + " AND (direction = 'out' OR message_type IS DISTINCT FROM 'ORU^R01')"
                    + " AND NOT EXISTS (SELECT 1 FROM hl7_document d WHERE d.message_id = hl7_message.id) LIMIT :l)")
                    .bind("b", Timestamp.from(before)).bind("l", CHUNK).execute());
            total += n;
        } while (n == CHUNK);
        return total;
    }

    /** The run of the first day after {@code after} (at 02:00 UTC), once. */
    private void schedule(Instant after) {
        LocalDate day = after.atZone(ZoneOffset.UTC).toLocalDate().plusDays(1);
        jdbi.useTransaction(tx -> work.submit(tx, WorkRequest.of(TOPIC, "").notBefore(day.atTime(2, 0)
                .toInstant(ZoneOffset.UTC)).withIdempotencyKey("retention/" + day)));
    }
}
