package org.telehub.core.encounter.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.telehub.core.encounter.internal.Model.Doctor;
import org.telehub.core.encounter.internal.Model.Encounter;
import org.telehub.core.encounter.internal.Model.Participant;
import org.telehub.core.encounter.internal.Model.Patient;
import org.telehub.core.encounter.internal.Model.Reminder;

/** SQL of the encounter module; every method runs on the caller's handle, so callers choose the transaction. */
final class EncounterStore {
    private static final String ENCOUNTER_COLUMNS = "id, type, status, doctor_id, patient_id, scheduled_start,"
            + " scheduled_end, actual_start, actual_end, chief_complaint, patient_notes, doctor_notes,"
            + " recording_enabled, recording_consent_by, recording_consent_at, fee_amount, fee_currency, paid,"
            + " access_code, room_id, cancel_reason, ended_by, revision, created_by, created_at, updated_at";

    private EncounterStore() {
    }

    // ---- people

    static void insertDoctor(Handle h, Doctor d) {
        h.createUpdate("INSERT INTO encounter_doctor (id, username, display_name, speciality, clinic, time_zone,"
                + " slot_minutes, created_at) VALUES (:id, :u, :n, :s, :c, :z, :m, :t)")
                .bind("id", d.id()).bind("u", d.username()).bind("n", d.displayName()).bind("s", d.speciality())
                .bind("c", d.clinic()).bind("z", d.timeZone()).bind("m", d.slotMinutes()).bind("t", ts(d.createdAt()))
                .execute();
    }

    static Optional<Doctor> doctor(Handle h, String id) {
        return h.createQuery("SELECT * FROM encounter_doctor WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> doctor(rs)).findOne();
    }

    static Optional<Doctor> doctorByUsername(Handle h, String username) {
        return h.createQuery("SELECT * FROM encounter_doctor WHERE username = :u").bind("u", username)
                .map((rs, ctx) -> doctor(rs)).findOne();
    }

    static List<Doctor> doctors(Handle h, int offset, int limit) {
        return h.createQuery("SELECT * FROM encounter_doctor ORDER BY display_name, id LIMIT :l OFFSET :o")
                .bind("o", offset).bind("l", limit).map((rs, ctx) -> doctor(rs)).list();
    }

    /** Reads the doctor and takes their row lock: bookings and availability changes of one doctor run one at a time. */
    static Optional<Doctor> lockedDoctor(Handle h, String id) {
        return h.createQuery("SELECT * FROM encounter_doctor WHERE id = :id FOR UPDATE").bind("id", id)
                .map((rs, ctx) -> doctor(rs)).findOne();
    }

    static Optional<Patient> lockedPatient(Handle h, String id) {
        return h.createQuery("SELECT * FROM encounter_patient WHERE id = :id FOR UPDATE").bind("id", id)
                .map((rs, ctx) -> patient(rs)).findOne();
    }

    static void insertPatient(Handle h, Patient p) {
        h.createUpdate("INSERT INTO encounter_patient (id, username, display_name, birth_date, email, phone, time_zone,"
                + " created_at) VALUES (:id, :u, :n, :b, :e, :p, :z, :t)")
                .bind("id", p.id()).bind("u", p.username()).bind("n", p.displayName()).bind("b", p.birthDate())
                .bind("e", p.email()).bind("p", p.phone()).bind("z", p.timeZone()).bind("t", ts(p.createdAt()))
                .execute();
    }

    static Optional<Patient> patient(Handle h, String id) {
        return h.createQuery("SELECT * FROM encounter_patient WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> patient(rs)).findOne();
    }

    static Optional<Patient> patientByUsername(Handle h, String username) {
        return h.createQuery("SELECT * FROM encounter_patient WHERE username = :u").bind("u", username)
                .map((rs, ctx) -> patient(rs)).findOne();
    }

    static List<Patient> patients(Handle h, int offset, int limit) {
        return h.createQuery("SELECT * FROM encounter_patient ORDER BY display_name, id LIMIT :l OFFSET :o")
                .bind("o", offset).bind("l", limit).map((rs, ctx) -> patient(rs)).list();
    }

    // ---- availability

    static Map<DayOfWeek, List<Schedule.Range>> hours(Handle h, String doctorId) {
        Map<DayOfWeek, List<Schedule.Range>> out = new EnumMap<>(DayOfWeek.class);
        h.createQuery("SELECT weekday, start_minute, end_minute FROM encounter_doctor_hours WHERE doctor_id = :d"
                + " ORDER BY weekday, start_minute").bind("d", doctorId)
                .map((rs, ctx) -> {
                    out.computeIfAbsent(DayOfWeek.of(rs.getInt(1)), k -> new ArrayList<>())
                            .add(new Schedule.Range(rs.getInt(2), rs.getInt(3)));
                    return 0;
                }).list();
        return out;
    }

    static List<Schedule.DayException> exceptions(Handle h, String doctorId) {
        return h.createQuery("SELECT local_date, start_minute, end_minute, kind, reason FROM encounter_doctor_exception"
                + " WHERE doctor_id = :d ORDER BY local_date, start_minute").bind("d", doctorId)
                .map((rs, ctx) -> {
                    int s = rs.getInt(2);
                    Schedule.Range r = rs.wasNull() ? null : new Schedule.Range(s, rs.getInt(3));
                    return new Schedule.DayException(rs.getObject(1, LocalDate.class), r, "off".equals(rs.getString(4)),
                            rs.getString(5));
                }).list();
    }

    static Schedule schedule(Handle h, Doctor d) {
        return new Schedule(java.time.ZoneId.of(d.timeZone()), d.slotMinutes(), hours(h, d.id()), exceptions(h, d.id()));
    }

    static void replaceAvailability(Handle h, String doctorId, String zone, int slotMinutes,
            Map<DayOfWeek, List<Schedule.Range>> weekly, List<Schedule.DayException> exceptions) {
        h.createUpdate("UPDATE encounter_doctor SET time_zone = :z, slot_minutes = :m WHERE id = :d")
                .bind("z", zone).bind("m", slotMinutes).bind("d", doctorId).execute();
        h.createUpdate("DELETE FROM encounter_doctor_hours WHERE doctor_id = :d").bind("d", doctorId).execute();
        h.createUpdate("DELETE FROM encounter_doctor_exception WHERE doctor_id = :d").bind("d", doctorId).execute();
        for (Map.Entry<DayOfWeek, List<Schedule.Range>> e : weekly.entrySet()) {
            for (Schedule.Range r : e.getValue()) {
                h.createUpdate("INSERT INTO encounter_doctor_hours (doctor_id, weekday, start_minute, end_minute)"
                        + " VALUES (:d, :w, :s, :e)").bind("d", doctorId).bind("w", e.getKey().getValue())
                        .bind("s", r.start()).bind("e", r.end()).execute();
            }
        }
        for (Schedule.DayException x : exceptions) {
            h.createUpdate("INSERT INTO encounter_doctor_exception (id, doctor_id, local_date, start_minute, end_minute, kind,"
                    + " reason) VALUES (:id, :d, :day, :s, :e, :k, :r)").bind("id", java.util.UUID.randomUUID().toString())
                    .bind("d", doctorId).bind("day", x.day())
                    .bind("s", x.range() == null ? null : x.range().start())
                    .bind("e", x.range() == null ? null : x.range().end())
                    .bind("k", x.off() ? "off" : "extra").bind("r", x.reason()).execute();
        }
    }

    // ---- encounters

    /** The id of an encounter of this doctor (or patient) that holds time overlapping [start, end), if any. */
    static Optional<String> overlapping(Handle h, String party, String partyId, Instant start, Instant end,
            int longestMinutes, String except) {
        String column = party.equals("doctor") ? "doctor_id" : "patient_id";
        String slot = party.equals("doctor") ? "doctor_slot" : "patient_slot";
        return h.createQuery("SELECT id FROM encounter WHERE " + column + " = :p AND " + slot + " IS NOT NULL"
                + " AND scheduled_start > :earliest AND scheduled_start < :end AND scheduled_end > :start"
                + " AND id <> :self FETCH FIRST 1 ROWS ONLY")
                .bind("p", partyId).bind("earliest", ts(start.minusSeconds(60L * longestMinutes)))
                .bind("end", ts(end)).bind("start", ts(start)).bind("self", except == null ? "" : except)
                .mapTo(String.class).findOne();
    }

    /** Busy time of a doctor in [from, to). */
    static List<Schedule.Window> busy(Handle h, String doctorId, Instant from, Instant to, int longestMinutes) {
        return h.createQuery("SELECT scheduled_start, scheduled_end FROM encounter WHERE doctor_id = :d"
                + " AND doctor_slot IS NOT NULL AND scheduled_start > :earliest AND scheduled_start < :to"
                + " AND scheduled_end > :from")
                .bind("d", doctorId).bind("earliest", ts(from.minusSeconds(60L * longestMinutes)))
                .bind("to", ts(to)).bind("from", ts(from))
                .map((rs, ctx) -> new Schedule.Window(instant(rs, 1), instant(rs, 2))).list();
    }

    static void insertEncounter(Handle h, Encounter e) {
        boolean holds = Model.holdsTime(e.status());
        h.createUpdate("INSERT INTO encounter (" + ENCOUNTER_COLUMNS + ", doctor_slot, patient_slot) VALUES (:id, :type,"
                + " :status, :doctor, :patient, :start, :end, NULL, NULL, :complaint, :pnotes, NULL, :rec, NULL, NULL,"
                + " :fee, :cur, :paid, :code, :room, NULL, NULL, 1, :by, :now, :now, :dslot, :pslot)")
                .bind("id", e.id()).bind("type", e.type()).bind("status", e.status()).bind("doctor", e.doctorId())
                .bind("patient", e.patientId()).bind("start", ts(e.scheduledStart())).bind("end", ts(e.scheduledEnd()))
                .bind("complaint", e.chiefComplaint()).bind("pnotes", e.patientNotes())
                .bind("rec", e.recordingEnabled()).bind("fee", e.feeAmount()).bind("cur", e.feeCurrency())
                .bind("paid", e.paid()).bind("code", e.accessCode()).bind("room", e.roomId()).bind("by", e.createdBy())
                .bind("now", ts(e.createdAt())).bind("dslot", holds ? ts(e.scheduledStart()) : null)
                .bind("pslot", holds ? ts(e.scheduledStart()) : null).execute();
        for (Participant p : e.participants()) {
            h.createUpdate("INSERT INTO encounter_participant (id, encounter_id, kind, display_name, email, username,"
                    + " created_at) VALUES (:id, :e, :k, :n, :m, :u, :t)").bind("id", p.id()).bind("e", e.id())
                    .bind("k", p.kind()).bind("n", p.displayName()).bind("m", p.email()).bind("u", p.username())
                    .bind("t", ts(e.createdAt())).execute();
        }
    }

    static Optional<Encounter> encounter(Handle h, String id) {
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
        boolean holds = Model.holdsTime(to);
        String set = switch (to) {
            case Model.IN_PROGRESS -> ", actual_start = :now";
            case Model.COMPLETED -> ", actual_end = :now, ended_by = :by";
            case Model.CANCELLED, Model.NO_SHOW -> ", cancel_reason = :reason, ended_by = :by";
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

    static boolean reschedule(Handle h, String id, int revision, Instant start, Instant end, Instant now) {
        return h.createUpdate("UPDATE encounter SET scheduled_start = :s, scheduled_end = :e, doctor_slot = :s,"
                + " patient_slot = :s, status = :scheduled, revision = revision + 1, updated_at = :now"
                + " WHERE id = :id AND revision = :rev AND status IN (:scheduled, :confirmed)")
                .bind("s", ts(start)).bind("e", ts(end)).bind("scheduled", Model.SCHEDULED)
                .bind("confirmed", Model.CONFIRMED).bind("now", ts(now)).bind("id", id).bind("rev", revision)
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

    // ---- reminders

    static void insertReminder(Handle h, Reminder r) {
        h.createUpdate("INSERT INTO encounter_reminder (id, encounter_id, offset_seconds, due_at, state, detail,"
                + " created_at, updated_at) VALUES (:id, :e, :o, :due, :s, NULL, :now, :now)")
                .bind("id", r.id()).bind("e", r.encounterId()).bind("o", r.offsetSeconds()).bind("due", ts(r.dueAt()))
                .bind("s", r.state()).bind("now", ts(r.createdAt())).execute();
    }

    /** Pending reminders of an encounter become {@code state} (cancelled, replaced); returns how many. */
    static int closeReminders(Handle h, String encounterId, String state, String detail, Instant now) {
        return h.createUpdate("UPDATE encounter_reminder SET state = :s, detail = :d, updated_at = :now"
                + " WHERE encounter_id = :e AND state = 'pending'")
                .bind("s", state).bind("d", detail).bind("now", ts(now)).bind("e", encounterId).execute();
    }

    static List<Reminder> reminders(Handle h, String encounterId) {
        return h.createQuery("SELECT id, encounter_id, offset_seconds, due_at, state, detail, created_at, sent_at"
                + " FROM encounter_reminder WHERE encounter_id = :e ORDER BY due_at, id").bind("e", encounterId)
                .map((rs, ctx) -> reminder(rs)).list();
    }

    static Optional<Reminder> reminder(Handle h, String id) {
        return h.createQuery("SELECT id, encounter_id, offset_seconds, due_at, state, detail, created_at, sent_at"
                + " FROM encounter_reminder WHERE id = :id").bind("id", id).map((rs, ctx) -> reminder(rs)).findOne();
    }

    /** Takes a pending reminder for sending (one node, one worker): false if it is not pending. */
    static boolean claimReminder(Handle h, String id, Instant now) {
        return h.createUpdate("UPDATE encounter_reminder SET state = 'sending', updated_at = :now"
                + " WHERE id = :id AND state = 'pending'").bind("now", ts(now)).bind("id", id).execute() == 1;
    }

    static void finishReminder(Handle h, String id, String state, String detail, Instant now) {
        h.createUpdate("UPDATE encounter_reminder SET state = :s, detail = :d, updated_at = :now,"
                + " sent_at = CASE WHEN :s = 'sent' THEN :now ELSE sent_at END WHERE id = :id")
                .bind("s", state).bind("d", detail == null ? null : detail.substring(0, Math.min(500, detail.length())))
                .bind("now", ts(now)).bind("id", id).execute();
    }

    /**
     * Recovery: reminders left 'sending' by a crash (for twice {@code graceSeconds}) go back to pending; pending
     * ones past due by more than {@code graceSeconds} (their message lost) are returned to be looked at now.
     */
    static List<String> overdueReminders(Handle h, Instant now, long graceSeconds) {
        h.createUpdate("UPDATE encounter_reminder SET state = 'pending', updated_at = :now WHERE state = 'sending'"
                + " AND updated_at < :stuck").bind("now", ts(now)).bind("stuck", ts(now.minusSeconds(2 * graceSeconds)))
                .execute();
        return h.createQuery("SELECT id FROM encounter_reminder WHERE state = 'pending' AND due_at < :late"
                + " ORDER BY due_at FETCH FIRST 500 ROWS ONLY").bind("late", ts(now.minusSeconds(graceSeconds)))
                .mapTo(String.class).list();
    }

    // ---- join key

    static Optional<String> key(Handle h, String name) {
        return h.createQuery("SELECT key_value FROM encounter_key WHERE name = :n").bind("n", name)
                .mapTo(String.class).findOne();
    }

    static void insertKey(Handle h, String name, String value, Instant now) {
        h.createUpdate("INSERT INTO encounter_key (name, key_value, created_at) VALUES (:n, :v, :t)")
                .bind("n", name).bind("v", value).bind("t", ts(now)).execute();
    }

    // ---- mapping

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Doctor doctor(ResultSet rs) throws SQLException {
        return new Doctor(rs.getString("id"), rs.getString("username"), rs.getString("display_name"),
                rs.getString("speciality"), rs.getString("clinic"), rs.getString("time_zone"),
                rs.getInt("slot_minutes"), instant(rs, "created_at"));
    }

    private static Patient patient(ResultSet rs) throws SQLException {
        return new Patient(rs.getString("id"), rs.getString("username"), rs.getString("display_name"),
                rs.getObject("birth_date", LocalDate.class), rs.getString("email"), rs.getString("phone"),
                rs.getString("time_zone"), instant(rs, "created_at"));
    }

    private static Encounter encounter(ResultSet rs) throws SQLException {
        return new Encounter(rs.getString("id"), rs.getString("type"), rs.getString("status"),
                rs.getString("doctor_id"), rs.getString("patient_id"), instant(rs, "scheduled_start"),
                instant(rs, "scheduled_end"), instant(rs, "actual_start"), instant(rs, "actual_end"),
                rs.getString("chief_complaint"), rs.getString("patient_notes"), rs.getString("doctor_notes"),
                rs.getBoolean("recording_enabled"), rs.getString("recording_consent_by"),
                instant(rs, "recording_consent_at"), rs.getBigDecimal("fee_amount"), rs.getString("fee_currency"),
                rs.getBoolean("paid"), rs.getString("access_code"), rs.getString("room_id"),
                rs.getString("cancel_reason"), rs.getString("ended_by"), rs.getInt("revision"),
                rs.getString("created_by"), instant(rs, "created_at"), instant(rs, "updated_at"), List.of());
    }

    private static Reminder reminder(ResultSet rs) throws SQLException {
        return new Reminder(rs.getString(1), rs.getString(2), rs.getLong(3), instant(rs, 4), rs.getString(5),
                rs.getString(6), instant(rs, 7), instant(rs, 8));
    }
}
