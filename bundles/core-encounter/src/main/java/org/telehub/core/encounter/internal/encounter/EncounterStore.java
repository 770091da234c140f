package org.telehub.core.encounter.internal.encounter;

import static org.telehub.core.encounter.internal.Sql.instant;
import static org.telehub.core.encounter.internal.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.Participant;

/** SQL of encounters; every method runs on the caller's handle, so callers choose the transaction. */
public final class EncounterStore {
    private static final String ENCOUNTER_COLUMNS = "id, type, status, doctor_id, patient_id, scheduled_start,"
            + " scheduled_end, actual_start, actual_end, chief_complaint, patient_notes, doctor_notes,"
            + " recording_enabled, recording_consent_by, recording_consent_at, fee_amount, fee_currency, paid,"
            + " room_id, cancel_reason, ended_by, revision, created_by, created_at, updated_at, clinic_id";

    private EncounterStore() {
    }

    static void insertEncounter(Handle h, Encounter e) {
        boolean holds = Lifecycle.holdsTime(e.status());
        h.createUpdate("INSERT INTO encounter (" + ENCOUNTER_COLUMNS + ", doctor_slot, patient_slot) VALUES (:id, :type,"
                + " :status, :doctor, :patient, :start, :end, NULL, NULL, :complaint, :pnotes, NULL, :rec, NULL, NULL,"
                + " :fee, :cur, :paid, :room, NULL, NULL, 1, :by, :now, :now, :clinic, :dslot, :pslot)")
                .bind("id", e.id()).bind("type", e.type()).bind("status", e.status()).bind("doctor", e.doctorId())
                .bind("patient", e.patientId()).bind("start", ts(e.scheduledStart())).bind("end", ts(e.scheduledEnd()))
                .bind("complaint", e.chiefComplaint()).bind("pnotes", e.patientNotes())
                .bind("rec", e.recordingEnabled()).bind("fee", e.feeAmount()).bind("cur", e.feeCurrency())
                .bind("paid", e.paid()).bind("room", e.roomId()).bind("by", e.createdBy()).bind("clinic", e.clinicId())
                .bind("now", ts(e.createdAt())).bind("dslot", holds ? ts(e.scheduledStart()) : null)
                .bind("pslot", holds ? ts(e.scheduledStart()) : null).execute();
        for (Participant p : e.participants()) {
            h.createUpdate("INSERT INTO encounter_participant (id, encounter_id, kind, display_name, email, username,"
                    + " created_at) VALUES (:id, :e, :k, :n, :m, :u, :t)").bind("id", p.id()).bind("e", e.id())
                    .bind("k", p.kind()).bind("n", p.displayName()).bind("m", p.email()).bind("u", p.username())
                    .bind("t", ts(e.createdAt())).execute();
        }
    }

    public static Optional<Encounter> encounter(Handle h, String id) {
        return h.createQuery("SELECT " + ENCOUNTER_COLUMNS + " FROM encounter WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> encounter(rs)).findOne().map(e -> e.withParticipants(participants(h, id)));
    }

    static List<Participant> participants(Handle h, String encounterId) {
        return h.createQuery("SELECT id, kind, display_name, email, username FROM encounter_participant"
                + " WHERE encounter_id = :e ORDER BY created_at, id").bind("e", encounterId)
                .map((rs, ctx) -> new Participant(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5))).list();
    }

    /** Filters of a list; null = any. {@code participant} = username that must take part (doctor or invited). */
    record Filter(String doctorId, String patientId, String status, Instant from, Instant to, String participant) {
    }

    static List<Encounter> list(Handle h, Filter f, int offset, int limit) {
        Query q = h.createQuery("SELECT " + ENCOUNTER_COLUMNS + " FROM encounter" + where(f)
                + " ORDER BY scheduled_start, id LIMIT :l OFFSET :o").bind("o", offset).bind("l", limit);
        bind(q, f);
        List<Encounter> out = q.map((rs, ctx) -> encounter(rs)).list();
        return out.stream().map(e -> e.withParticipants(participants(h, e.id()))).toList();
    }

    static long count(Handle h, Filter f) {
        Query q = h.createQuery("SELECT COUNT(*) FROM encounter" + where(f));
        bind(q, f);
        return q.mapTo(Long.class).one();
    }

    private static String where(Filter f) {
        StringBuilder sb = new StringBuilder(" WHERE 1 = 1");
        if (f.doctorId() != null) {
            sb.append(" AND doctor_id = :doctor");
        }
        if (f.patientId() != null) {
            sb.append(" AND patient_id = :patient");
        }
        if (f.status() != null) {
            sb.append(" AND status = :status");
        }
        if (f.from() != null) {
            sb.append(" AND scheduled_start >= :from");
        }
        if (f.to() != null) {
            sb.append(" AND scheduled_start < :to");
        }
        if (f.participant() != null) {
            sb.append(" AND (doctor_id IN (SELECT id FROM encounter_doctor WHERE username = :who)"
                    + " OR id IN (SELECT encounter_id FROM encounter_participant WHERE username = :who))");
        }
        return sb.toString();
    }

    private static void bind(Query q, Filter f) {
        if (f.doctorId() != null) {
            q.bind("doctor", f.doctorId());
        }
        if (f.patientId() != null) {
            q.bind("patient", f.patientId());
        }
        if (f.status() != null) {
            q.bind("status", f.status());
        }
        if (f.from() != null) {
            q.bind("from", ts(f.from()));
        }
        if (f.to() != null) {
            q.bind("to", ts(f.to()));
        }
        if (f.participant() != null) {
            q.bind("who", f.participant());
        }
    }

    /**
     * Moves an encounter from {@code from} to {@code to} status if it is still in {@code from}; frees its time when
     * the new status does not hold it. False if another change came first.
     */
    static boolean transition(Handle h, String id, String from, String to, Instant now, String reason, String by) {
        boolean holds = Lifecycle.holdsTime(to);
        String set = switch (to) {
            case EncounterService.IN_PROGRESS -> ", actual_start = :now";
            case EncounterService.COMPLETED -> ", actual_end = :now, ended_by = :by";
            case EncounterService.CANCELLED, EncounterService.NO_SHOW -> ", cancel_reason = :reason, ended_by = :by";
            default -> "";
        };
        var u = h.createUpdate("UPDATE encounter SET status = :to, revision = revision + 1, updated_at = :now" + set
                + (holds ? "" : ", doctor_slot = NULL, patient_slot = NULL")
                + " WHERE id = :id AND status = :from")
                .bind("to", to).bind("now", ts(now)).bind("id", id).bind("from", from);
        if (set.contains(":by")) {
            u.bind("by", by);
        }
        if (set.contains(":reason")) {
            u.bind("reason", reason);
        }
        return u.execute() == 1;
    }

    static boolean reschedule(Handle h, String id, int revision, Instant start, Instant end, String clinicId,
            Instant now) {
        return h.createUpdate("UPDATE encounter SET scheduled_start = :s, scheduled_end = :e, doctor_slot = :s,"
                + " patient_slot = :s, clinic_id = :c, status = :scheduled, revision = revision + 1, updated_at = :now"
                + " WHERE id = :id AND revision = :rev AND status IN (:scheduled, :confirmed)")
                .bind("s", ts(start)).bind("e", ts(end)).bind("c", clinicId).bind("scheduled", EncounterService.SCHEDULED)
                .bind("confirmed", EncounterService.CONFIRMED).bind("now", ts(now)).bind("id", id).bind("rev", revision)
                .execute() == 1;
    }

    /** Sets one of the free-text or flag columns (a fixed whitelist, never caller input). */
    static boolean set(Handle h, String id, int revision, String column, Object value, Instant now) {
        if (!List.of("patient_notes", "doctor_notes", "paid", "recording_enabled").contains(column)) {
            throw new IllegalArgumentException(column);
        }
        return h.createUpdate("UPDATE encounter SET " + column + " = :v, revision = revision + 1, updated_at = :now"
                + " WHERE id = :id AND revision = :rev").bind("v", value).bind("now", ts(now)).bind("id", id)
                .bind("rev", revision).execute() == 1;
    }

    static boolean consent(Handle h, String id, int revision, String by, Instant now) {
        return h.createUpdate("UPDATE encounter SET recording_consent_by = :by, recording_consent_at = :now,"
                + " revision = revision + 1, updated_at = :now WHERE id = :id AND revision = :rev")
                .bind("by", by).bind("now", ts(now)).bind("id", id).bind("rev", revision).execute() == 1;
    }

    private static Encounter encounter(ResultSet rs) throws SQLException {
        return new Encounter(rs.getString("id"), rs.getString("type"), rs.getString("status"),
                rs.getString("doctor_id"), rs.getString("patient_id"), instant(rs, "scheduled_start"),
                instant(rs, "scheduled_end"), instant(rs, "actual_start"), instant(rs, "actual_end"),
                rs.getString("chief_complaint"), rs.getString("patient_notes"), rs.getString("doctor_notes"),
                rs.getBoolean("recording_enabled"), rs.getString("recording_consent_by"),
                instant(rs, "recording_consent_at"), rs.getBigDecimal("fee_amount"), rs.getString("fee_currency"),
                rs.getBoolean("paid"), rs.getString("room_id"),
                rs.getString("cancel_reason"), rs.getString("ended_by"), rs.getInt("revision"),
                rs.getString("created_by"), instant(rs, "created_at"), instant(rs, "updated_at"), List.of(),
                rs.getString("clinic_id"));
    }

    /** The visit moved: its invitations' links not yet used or revoked end at {@code until} (new end + grace). */
    static void invitationsExpireAt(Handle h, String encounterId, Instant until) {
        h.createUpdate("UPDATE encounter_invitation SET expires_at = :u WHERE encounter_id = :e AND redeemed_at IS NULL"
                + " AND revoked_at IS NULL").bind("u", ts(until)).bind("e", encounterId).execute();
    }
}
