package org.telehub.adapter.hl7v2.internal;

import java.nio.charset.Charset;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.ErrorCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;

/**
 * One adapter's inbound messages, transport aside: each is stored, with the work item that processes it, in one
 * transaction before it is acknowledged AA; a repeat of a stored one (sending application, facility and control id)
 * is acknowledged without a second row; an unreadable or unsupported one is stored as rejected and answered AR with
 * the reason in ERR; when the database cannot take it the answer is AE, so the sender sends it again. Connections
 * parse and build their ACK on their own threads; one writer stores what they hand it in one transaction per batch
 * (group commit: a transaction per message held the hub to ~750 messages/s on 2 cores, see docs/benchmarks.md).
 */
final class Inbound implements AutoCloseable {
    static final String TOPIC = "hl7v2.inbound";
    /** The part of a refused oversized message that is kept, to show who sent it. */
    static final int KEPT_OF_OVERSIZED = 64 * 1024;
    /** At most this many messages are stored in one transaction. */
    static final int BATCH = 200;
    /** Work service consumers processing an interface's messages (different patients' side by side). */
    static final int CONSUMERS = 4;
    private static final int STORE_TIMEOUT_SECONDS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(Inbound.class);

    private final String adapterId;
    private final Codec codec;
    private final Jdbi jdbi;
    private final WorkService work;
    private final Settings settings;
    private final Counters counters;
    private final Ids ids = new Ids();
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    /** What an adapter's configuration says about inbound messages. */
    record Settings(String application, String facility, Charset fallbackCharset, String identifierType,
            int maxMessageBytes, Set<String> processed) {
        Settings(String application, String facility, Charset fallbackCharset, String identifierType,
                int maxMessageBytes) {
            this(application, facility, fallbackCharset, identifierType, maxMessageBytes, Header.PROCESSED);
        }
    }

    /** The answer to one message: the ACK's bytes and what became of the message. */
    record Answer(byte[] ack, String code, String state, String messageId) {
    }

    Inbound(String adapterId, Codec codec, Jdbi jdbi, WorkService work, Settings settings, Counters counters) {
        this.adapterId = adapterId;
        this.codec = codec;
        this.jdbi = jdbi;
        this.work = work;
        this.settings = settings;
        this.counters = counters;
    }

    /**
     * Takes one framed message.
     *
     * @param raw the frame's content (at most {@code maxMessageBytes}, or its first part)
     * @param oversized whether the frame was longer and the rest was skipped
     */
    Answer receive(byte[] raw, boolean oversized) {
        Instant now = Instant.now();
        counters.received();
        Charset charset = settings.fallbackCharset();
        if (oversized) {
            return refuse(raw, charset, now, new HL7Exception("message longer than " + settings.maxMessageBytes()
                    + " bytes", ErrorCode.APPLICATION_INTERNAL_ERROR), null);
        }
        String text;
        Message m;
        Header h;
        try {
            charset = Codec.charset(raw, charset);
            text = new String(raw, charset);
            m = codec.parser().parse(text);
            h = Header.of(m, settings.identifierType());
        } catch (HL7Exception e) {
            return refuse(raw, charset, now, e, null);
        } catch (RuntimeException e) { // HAPI throws some of its parse failures unchecked
            return refuse(raw, charset, now, new HL7Exception("unreadable: " + e.getMessage(),
                    ErrorCode.SEGMENT_SEQUENCE_ERROR), null);
        }
        HL7Exception unsupported = unsupported(h, settings.processed());
        if (unsupported != null) {
            return refuse(raw, charset, now, unsupported, m);
        }
        byte[] ack;
        try {
            String fast = codec.fastAck(text, settings.application(), settings.facility());
            ack = fast != null ? fast.getBytes(charset) : encode(Codec.ack(m, AcknowledgmentCode.AA, null,
                    settings.application(), settings.facility()), charset);
        } catch (Exception e) {
            return refuse(raw, charset, now, new HL7Exception("cannot answer: " + e.getMessage(),
                    ErrorCode.APPLICATION_INTERNAL_ERROR), null);
        }
        Pending p = new Pending(ids.next(), h, raw, ack, charset, now, new CompletableFuture<>());
        try {
            if (closed || !queue.offer(p)) {
                throw new IllegalStateException("the interface is stopping");
            }
            if (!p.stored().get(STORE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                counters.duplicate();
                return new Answer(ack, "AA", "duplicate", null);
            }
            counters.accepted();
            return new Answer(ack, "AA", "queued", p.id());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return notStored(m, h, charset, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // not known to be stored: the sender sends it again, and a repeat of one that was is taken as a repeat
            return notStored(m, h, charset, e instanceof ExecutionException ? e.getCause() : e);
        }
    }

    private Answer notStored(Message m, Header h, Charset charset, Throwable why) {
        LOG.warn("HL7 v2 {}: message {} not stored, answered AE: {}", adapterId, h.controlId(), why.toString());
        counters.failed();
        try {
            byte[] ae = encode(Codec.ack(m, AcknowledgmentCode.AE, new HL7Exception("not stored, send it again",
                    ErrorCode.APPLICATION_INTERNAL_ERROR), settings.application(), settings.facility()), charset);
            return new Answer(ae, "AE", "not stored", null);
        } catch (Exception again) {
            throw new IllegalStateException("cannot answer AE", again);
        }
    }

    /** A message waiting for the writer: answered once {@code stored} says whether it was new. */
    private record Pending(String id, Header h, byte[] raw, byte[] ack, Charset charset, Instant at,
            CompletableFuture<Boolean> stored) {
    }

    /**
     * The writer: what the connections have parsed meanwhile is stored in one transaction (group commit), at most
     * {@value #BATCH} messages, with a work item for each new one (one statement each). Runs on the listener's pool
     * until {@link #close()}.
     */
    void write() {
        List<Pending> batch = new ArrayList<>(BATCH);
        while (!closed) {
            try {
                Pending first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                Set<String> inserted = jdbi.inTransaction(tx -> store(tx, batch));
                batch.forEach(p -> p.stored().complete(inserted.contains(p.id())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                batch.forEach(p -> p.stored().completeExceptionally(e));
            }
            batch.clear();
        }
        for (Pending p; (p = queue.poll()) != null;) {
            p.stored().completeExceptionally(new IllegalStateException("the interface stopped"));
        }
    }

    /** Stops the writer; messages not yet stored are answered AE. */
    @Override
    public void close() {
        closed = true;
    }

    /** Stores the batch; returns the ids of the messages that were new (the others repeat a stored one). */
    private Set<String> store(Handle tx, List<Pending> batch) {
        int n = batch.size();
        List<String> ids = new ArrayList<>(n);
        List<String> ats = new ArrayList<>(n);
        List<String> apps = new ArrayList<>(n);
        List<String> facilities = new ArrayList<>(n);
        List<String> controls = new ArrayList<>(n);
        List<String> types = new ArrayList<>(n);
        List<String> versions = new ArrayList<>(n);
        List<String> patients = new ArrayList<>(n);
        List<String> charsets = new ArrayList<>(n);
        List<String> raws = new ArrayList<>(n);
        List<String> acks = new ArrayList<>(n);
        Base64.Encoder b64 = Base64.getEncoder();
        for (Pending p : batch) {
            ids.add(p.id());
            ats.add(p.at().toString());
            apps.add(cut(p.h().sendingApplication(), 227));
            facilities.add(cut(p.h().sendingFacility(), 227));
            controls.add(cut(p.h().controlId(), 199));
            types.add(cut(p.h().messageType(), 30));
            versions.add(cut(p.h().version(), 10));
            patients.add(cut(p.h().patientIdentifier(), 200));
            charsets.add(p.charset().name());
            raws.add(b64.encodeToString(p.raw()));
            acks.add(b64.encodeToString(p.ack()));
        }
        // one statement of fixed text whatever the batch: arrays, bytes as Base64 (a text per row would be parsed
        // for its named parameters by Jdbi each time, and showed in the profile)
        Set<String> inserted = new HashSet<>(tx.createQuery("INSERT INTO hl7_message (id, adapter_id, direction,"
                + " received_at, sending_application, sending_facility, control_id, message_type, version,"
                + " patient_identifier, state, ack_code, charset, raw, ack) SELECT id, :a, 'in', at::timestamptz,"
                + " sa, sf, c, mt, v, p, 'queued', 'AA', cs, decode(raw, 'base64'), decode(ack, 'base64')"
                + " FROM unnest(:ids, :ats, :sas, :sfs, :cs, :mts, :vs, :ps, :css, :raws, :acks)"
                + " AS t(id, at, sa, sf, c, mt, v, p, cs, raw, ack)"
                + " ON CONFLICT (adapter_id, sending_application, sending_facility, control_id)"
                + " WHERE direction = 'in' AND state <> 'rejected' DO NOTHING RETURNING id").bind("a", adapterId)
                .bindArray("ids", String.class, ids).bindArray("ats", String.class, ats)
                .bindArray("sas", String.class, apps).bindArray("sfs", String.class, facilities)
                .bindArray("cs", String.class, controls).bindArray("mts", String.class, types)
                .bindArray("vs", String.class, versions).bindArray("ps", String.class, patients)
                .bindArray("css", String.class, charsets).bindArray("raws", String.class, raws)
                .bindArray("acks", String.class, acks).mapTo(String.class).list());
        List<WorkRequest> items = new ArrayList<>(inserted.size());
        for (Pending p : batch) {
            if (inserted.contains(p.id())) {
                items.add(WorkRequest.of(TOPIC, p.id()).withKey(key(adapterId, p.h().patientIdentifier()))
                        .withIdempotencyKey(p.id()));
            } else {
                tx.createUpdate("UPDATE hl7_message SET duplicates = duplicates + 1 WHERE adapter_id = :a"
                        + " AND direction = 'in' AND state <> 'rejected' AND sending_application = :sa"
                        + " AND sending_facility = :sf AND control_id = :c").bind("a", adapterId)
                        .bind("sa", p.h().sendingApplication()).bind("sf", p.h().sendingFacility())
                        .bind("c", p.h().controlId()).execute();
            }
        }
        work.submitAll(tx, items);
        return inserted;
    }

    /**
     * The ordering key of a message's work item: one patient's messages are processed in the order received (an
     * ordered topic), different patients' side by side.
     */
    static String key(String adapterId, String patientIdentifier) {
        return cut(adapterId + "|" + (patientIdentifier == null ? "" : patientIdentifier), 200);
    }

    private static HL7Exception unsupported(Header h, Set<String> processed) {
        if (h.version() == null || !Codec.VERSIONS.contains(h.version())) {
            return new HL7Exception("version '" + h.version() + "' (MSH-12) is not one of " + Codec.VERSIONS,
                    ErrorCode.UNSUPPORTED_VERSION_ID);
        }
        if (h.controlId() == null || h.controlId().isBlank()) {
            return new HL7Exception("no message control id (MSH-10)", ErrorCode.REQUIRED_FIELD_MISSING);
        }
        if (!processed.contains(h.messageType())) {
            return new HL7Exception("message type " + h.messageType() + " (MSH-9) is not processed here; supported: "
                    + String.join(", ", new java.util.TreeSet<>(processed)),
                    ErrorCode.UNSUPPORTED_MESSAGE_TYPE);
        }
        if (h.patientIdentifier() == null) {
            return new HL7Exception("no patient identifier (PID-3)", ErrorCode.REQUIRED_FIELD_MISSING);
        }
        if (h.patientIdentifier().length() > 200) {
            return new HL7Exception("patient identifier longer than 200 characters", ErrorCode.DATA_TYPE_ERROR);
        }
        return null;
    }

    /** Answers AR and keeps the message as rejected (best effort: the AR goes out even if storing fails). */
    private Answer refuse(byte[] raw, Charset charset, Instant now, HL7Exception why, Message parsed) {
        counters.rejected();
        byte[] ack;
        try {
            Message ar = parsed != null
                    ? Codec.ack(parsed, AcknowledgmentCode.AR, why, settings.application(), settings.facility())
                    : codec.reject(new String(raw, charset), why, settings.application(), settings.facility());
            ack = encode(ar, charset);
        } catch (Exception e) {
            throw new IllegalStateException("cannot answer AR", e);
        }
        Header h = null;
        if (parsed != null) {
            try {
                h = Header.of(parsed, settings.identifierType());
            } catch (HL7Exception ignored) {
                // kept without its header
            }
        }
        String id = ids.next();
        byte[] kept = raw.length > KEPT_OF_OVERSIZED ? Arrays.copyOf(raw, KEPT_OF_OVERSIZED) : raw;
        Header header = h;
        try {
            jdbi.useTransaction(tx -> insert(tx, id, now, header, "rejected", "AR", why.getMessage(), charset, kept,
                    ack));
        } catch (RuntimeException e) {
            LOG.warn("HL7 v2 {}: a refused message was not kept: {}", adapterId, e.toString());
        }
        return new Answer(ack, "AR", "rejected", id);
    }

    private Optional<String> insert(Handle tx, String id, Instant at, Header h, String state, String ackCode,
            String error, Charset charset, byte[] raw, byte[] ack) {
        return tx.createQuery("INSERT INTO hl7_message (id, adapter_id, direction, received_at, sending_application,"
                + " sending_facility, control_id, message_type, version, patient_identifier, state, ack_code, error,"
                + " charset, raw, ack) VALUES (:id, :a, 'in', :t, :sa, :sf, :c, :mt, :v, :p, :s, :ac, :e, :cs, :raw,"
                + " :ack) ON CONFLICT (adapter_id, sending_application, sending_facility, control_id)"
                + " WHERE direction = 'in' AND state <> 'rejected' DO NOTHING RETURNING id")
                .bind("id", id).bind("a", adapterId).bind("t", Timestamp.from(at))
                .bind("sa", h == null ? null : cut(h.sendingApplication(), 227))
                .bind("sf", h == null ? null : cut(h.sendingFacility(), 227))
                .bind("c", h == null ? null : cut(h.controlId(), 199))
                .bind("mt", h == null ? null : cut(h.messageType(), 30))
                .bind("v", h == null ? null : cut(h.version(), 10))
                .bind("p", h == null ? null : cut(h.patientIdentifier(), 200)).bind("s", state).bind("ac", ackCode)
                .bind("e", error == null ? null : cut(error.replaceAll("\\p{Cntrl}", "?"), 2000)) // PG text: no NUL
                .bind("cs", charset.name()).bind("raw", raw).bind("ack", ack)
                .mapTo(String.class).findOne();
    }

    /** {@code s} at most {@code max} characters long (the columns' sizes). */
    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    static byte[] encode(Message m, Charset charset) throws HL7Exception {
        return m.encode().getBytes(charset);
    }
}
