package org.telehub.core.encounter.internal.schedule;

import static org.telehub.core.encounter.internal.Sql.instant;
import static org.telehub.core.encounter.internal.Sql.ts;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.telehub.core.encounter.PeopleService.Doctor;

/** SQL of working hours and of the time visits hold; every method runs on the caller's handle. */
final class ScheduleStore {
    private ScheduleStore() {
    }

    static Map<DayOfWeek, List<Schedule.Range>> hours(Handle h, String doctorId) {
        Map<DayOfWeek, List<Schedule.Range>> out = new EnumMap<>(DayOfWeek.class);
        h.createQuery("SELECT weekday, start_minute, end_minute, clinic_id FROM encounter_doctor_hours"
                + " WHERE doctor_id = :d ORDER BY weekday, start_minute, clinic_id NULLS FIRST").bind("d", doctorId)
                .map((rs, ctx) -> {
                    out.computeIfAbsent(DayOfWeek.of(rs.getInt(1)), k -> new ArrayList<>())
                            .add(new Schedule.Range(rs.getInt(2), rs.getInt(3), rs.getString(4)));
                    return 0;
                }).list();
        return out;
    }

    static List<Schedule.DayException> exceptions(Handle h, String doctorId) {
        return h.createQuery("SELECT local_date, start_minute, end_minute, kind, reason, clinic_id FROM"
                + " encounter_doctor_exception WHERE doctor_id = :d ORDER BY local_date, start_minute").bind("d", doctorId)
                .map((rs, ctx) -> {
                    int s = rs.getInt(2);
                    Schedule.Range r = rs.wasNull() ? null : new Schedule.Range(s, rs.getInt(3), rs.getString(6));
                    return new Schedule.DayException(rs.getObject(1, LocalDate.class), r, "off".equals(rs.getString(4)),
                            rs.getString(5));
                }).list();
    }

    static Schedule schedule(Handle h, Doctor d) {
        return new Schedule(ZoneId.of(d.timeZone()), d.slotMinutes(), hours(h, d.id()), exceptions(h, d.id()));
    }

    static void replaceAvailability(Handle h, String doctorId, String zone, int slotMinutes,
            Map<DayOfWeek, List<Schedule.Range>> weekly, List<Schedule.DayException> exceptions) {
        h.createUpdate("UPDATE encounter_doctor SET time_zone = :z, slot_minutes = :m WHERE id = :d")
                .bind("z", zone).bind("m", slotMinutes).bind("d", doctorId).execute();
        h.createUpdate("DELETE FROM encounter_doctor_hours WHERE doctor_id = :d").bind("d", doctorId).execute();
        h.createUpdate("DELETE FROM encounter_doctor_exception WHERE doctor_id = :d").bind("d", doctorId).execute();
        for (Map.Entry<DayOfWeek, List<Schedule.Range>> e : weekly.entrySet()) {
            for (Schedule.Range r : e.getValue()) {
                h.createUpdate("INSERT INTO encounter_doctor_hours (doctor_id, weekday, start_minute, end_minute,"
                        + " clinic_id) VALUES (:d, :w, :s, :e, :c)").bind("d", doctorId)
                        .bind("w", e.getKey().getValue()).bind("s", r.start()).bind("e", r.end())
                        .bind("c", r.clinicId()).execute();
            }
        }
        for (Schedule.DayException x : exceptions) {
            h.createUpdate("INSERT INTO encounter_doctor_exception (id, doctor_id, local_date, start_minute, end_minute,"
                    + " kind, reason, clinic_id) VALUES (:id, :d, :day, :s, :e, :k, :r, :c)")
                    .bind("id", UUID.randomUUID().toString())
                    .bind("d", doctorId).bind("day", x.day())
                    .bind("s", x.range() == null ? null : x.range().start())
                    .bind("e", x.range() == null ? null : x.range().end())
                    .bind("k", x.off() ? "off" : "extra").bind("r", x.reason())
                    .bind("c", x.range() == null ? null : x.range().clinicId()).execute();
        }
    }

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
}
