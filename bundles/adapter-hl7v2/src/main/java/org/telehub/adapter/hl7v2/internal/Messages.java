package org.telehub.adapter.hl7v2.internal;

import java.nio.charset.Charset;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.domain.ConflictException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;

/**
 * The message store as administrators see it (REST and {@code telehub:hl7}): search, one message with its segments
 * and its ACK, replay. Messages carry patient data: only administrators read them, and every read is audited.
 */
@Component(service = Messages.class)
public class Messages {
    private static final Set<String> STATES = Set.of("queued", "processed", "failed", "rejected", "sending", "accepted",
            "error", "refused");
    private static final Pattern TYPE = Pattern.compile("[A-Z0-9]{3}(\\^[A-Z0-9]{3})?");
    private static final String COLUMNS = "id, adapter_id, direction, received_at, sending_application,"
            + " sending_facility, control_id, message_type, version, patient_identifier, local_patient_id, state,"
            + " ack_code, error, processed_at, duplicates";

    private final Jdbi jdbi;
    private final WorkService work;
    private final AuditLog audit;

    @Activate
    public Messages(@Reference Hl7Schema schema, @Reference WorkService work, @Reference AuditLog audit) {
        this.jdbi = schema.jdbi();
        this.work = work;
        this.audit = audit;
    }

    /** A search; fields left null do not constrain. {@code patient}: the sender's identifier or a local id. */
    public record Search(String adapterId, String patient, String type, String controlId, String state, String from,
            String to, Integer limit) {
    }

    public record MessageSummary(String id, String adapterId, String direction, Instant receivedAt,
            String sendingApplication, String sendingFacility, String controlId, String messageType, String version,
            String patientIdentifier, String localPatientId, String state, String ackCode, String error,
            Instant processedAt, int duplicates) {
    }

    /** One segment: its name and its fields as sent (fields[0] is MSH-1 for MSH, else field 1). */
    public record MessageSegment(String name, List<String> fields) {
    }

    /**
     * One message whole. The records' names are the API document's schema names: named for what they are, so that
     * installing this adapter does not take a name such as {@code Summary} from another bundle's schema (the
     * generator then renamed the chat's conversation summary, which the web app reads).
     */
    public record MessageDetail(MessageSummary summary, String charset, String text, List<MessageSegment> segments,
            String ack) {
    }

    public List<MessageSummary> search(AuthenticatedUser who, Search s) {
        admin(who);
        int limit = s.limit() == null ? 100 : s.limit();
        if (limit < 1 || limit > 500) {
            throw new InvalidException("limit", "1 to 500");
        }
        if (s.state() != null && !STATES.contains(s.state())) {
            throw new InvalidException("state", "One of " + new java.util.TreeSet<>(STATES));
        }
        if (s.type() != null && !TYPE.matcher(s.type()).matches()) {
            throw new InvalidException("type", "A message type such as ADT or ADT^A04");
        }
        Instant from = instant("from", s.from());
        Instant to = instant("to", s.to());
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM hl7_message WHERE TRUE");
        if (s.adapterId() != null) {
            sql.append(" AND adapter_id = :a");
        }
        if (s.patient() != null) {
            sql.append(" AND (patient_identifier = :p OR local_patient_id = :p)");
        }
        if (s.type() != null) {
            sql.append(s.type().contains("^") ? " AND message_type = :ty" : " AND message_type LIKE :ty || '^%'");
        }
        if (s.controlId() != null) {
            sql.append(" AND control_id = :c");
        }
        if (s.state() != null) {
            sql.append(" AND state = :s");
        }
        if (from != null) {
            sql.append(" AND received_at >= :f");
        }
        if (to != null) {
            sql.append(" AND received_at < :to");
        }
        sql.append(" ORDER BY received_at DESC, id LIMIT :l");
        List<MessageSummary> found = jdbi.withHandle(h -> {
            Query q = h.createQuery(sql.toString()).bind("a", s.adapterId()).bind("p", s.patient())
                    .bind("ty", s.type()).bind("c", s.controlId()).bind("s", s.state())
                    .bind("f", from == null ? null : Timestamp.from(from)).bind("to", to == null ? null
                            : Timestamp.from(to)).bind("l", limit);
            q.configure(org.jdbi.v3.core.statement.SqlStatements.class, c -> c.setUnusedBindingAllowed(true));
            return q.map((rs, ctx) -> summary(rs)).list();
        });
        audit.record(who, "hl7.message.search", s.patient() == null ? null : found.stream()
                .map(MessageSummary::localPatientId).filter(p -> p != null).findFirst().orElse(null),
                s.adapterId() == null ? List.of() : List.of(s.adapterId()), "ok: " + found.size());
        return found;
    }

    public MessageDetail get(AuthenticatedUser who, String id) {
        admin(who);
        record Row(MessageSummary summary, String charset, byte[] raw, byte[] ack) {
        }
        Row r = jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + ", charset, raw, ack FROM hl7_message"
                + " WHERE id = :id").bind("id", id).map((rs, ctx) -> new Row(summary(rs), rs.getString("charset"),
                        rs.getBytes("raw"), rs.getBytes("ack"))).findOne())
                .orElseThrow(() -> new NotFoundException("No message " + id));
        audit.record(who, "hl7.message.read", r.summary().localPatientId(), List.of(r.summary().adapterId()), "ok");
        Charset cs = r.charset() == null ? Charset.forName("UTF-8") : Charset.forName(r.charset());
        String text = new String(r.raw(), cs);
        return new MessageDetail(r.summary(), r.charset(), text, segments(text), r.ack() == null ? null
                : new String(r.ack(), cs));
    }

    /**
     * Processes a processed or failed inbound message again (its effects are idempotent: a registration finds its
     * patient, an update sets the same values).
     */
    public MessageSummary replay(AuthenticatedUser who, String id) {
        admin(who);
        return jdbi.inTransaction(tx -> {
            MessageSummary s = tx.createQuery("SELECT " + COLUMNS + " FROM hl7_message WHERE id = :id FOR UPDATE")
                    .bind("id", id).map((rs, ctx) -> summary(rs)).findOne()
                    .orElseThrow(() -> new NotFoundException("No message " + id));
            if (!s.direction().equals("in") || !(s.state().equals("processed") || s.state().equals("failed"))) {
                throw new ConflictException("Message " + id + " is " + s.state() + "; processed or failed inbound "
                        + "messages replay");
            }
            tx.createUpdate("UPDATE hl7_message SET state = 'queued', error = NULL, processed_at = NULL"
                    + " WHERE id = :id").bind("id", id).execute();
            work.submit(tx, WorkRequest.of(Inbound.TOPIC, id).withKey(Inbound.key(s.adapterId(),
                    s.patientIdentifier())).withIdempotencyKey(id + "/replay/" + Instant.now()));
            audit.record(tx, who, "hl7.message.replay", s.localPatientId(), List.of(s.adapterId()), "ok");
            return tx.createQuery("SELECT " + COLUMNS + " FROM hl7_message WHERE id = :id").bind("id", id)
                    .map((rs, ctx) -> summary(rs)).one();
        });
    }

    /** Segments split as the message's own MSH declares (field separator MSH-1). */
    static List<MessageSegment> segments(String text) {
        List<MessageSegment> out = new ArrayList<>();
        if (text.length() < 4 || !text.startsWith("MSH")) {
            return out;
        }
        String sep = String.valueOf(text.charAt(3));
        for (String line : text.split("\r\n|\r|\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split(Pattern.quote(sep), -1);
            List<String> fields = new ArrayList<>(Arrays.asList(parts).subList(1, parts.length));
            if (parts[0].equals("MSH")) {
                fields.add(0, sep);
            }
            out.add(new MessageSegment(parts[0], fields));
        }
        return out;
    }

    private static void admin(AuthenticatedUser who) {
        if (who == null || !who.hasRole(Roles.ADMIN)) {
            throw new ForbiddenException("Only administrators read the HL7 message store");
        }
    }

    private static Instant instant(String field, String v) {
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new InvalidException(field, "An instant such as 2026-12-01T08:00:00Z");
        }
    }

    private static MessageSummary summary(ResultSet rs) throws SQLException {
        return new MessageSummary(rs.getString("id"), rs.getString("adapter_id"), rs.getString("direction"),
                at(rs, "received_at"), rs.getString("sending_application"), rs.getString("sending_facility"),
                rs.getString("control_id"), rs.getString("message_type"), rs.getString("version"),
                rs.getString("patient_identifier"), rs.getString("local_patient_id"), rs.getString("state"),
                rs.getString("ack_code"), rs.getString("error"), at(rs, "processed_at"), rs.getInt("duplicates"));
    }

    private static Instant at(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

}
