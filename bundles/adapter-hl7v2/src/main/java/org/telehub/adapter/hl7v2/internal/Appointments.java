package org.telehub.adapter.hl7v2.internal;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.v251.group.SIU_S12_PERSONNEL_RESOURCE;
import ca.uhn.hl7v2.model.v251.group.SIU_S12_RESOURCES;
import ca.uhn.hl7v2.model.v251.message.SIU_S12;
import ca.uhn.hl7v2.model.v251.segment.AIP;
import ca.uhn.hl7v2.model.v251.segment.AIS;
import ca.uhn.hl7v2.util.Terser;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.telehub.core.encounter.ExternalBookings;
import org.telehub.domain.DomainException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.UnprocessableException;
import org.telehub.security.AuthenticatedUser;

/**
 * Scheduling messages into visits, for an interface the clinic lets book: SIU S12 (booked), S13 (rescheduled) and
 * S14 (modified) book the appointment or move its visit, S15 cancels it; the appointment is the filler's id (SCH-2),
 * else the placer's (SCH-1). Its time is SCH-11 (start and end), else TQ1-7/TQ1-8, else the service's (AIS-4,
 * AIS-7/8) or the person's (AIP-6, AIP-9/10); its doctor the first personnel resource (AIP-3) the interface maps to
 * a doctor's account. Times without an offset are in the interface's zone.
 */
final class Appointments {
    static final Set<String> MESSAGE_TYPES = Set.of("SIU^S12", "SIU^S13", "SIU^S14", "SIU^S15");
    private static final Pattern TIME = Pattern.compile("(\\d{12})(\\d{2})?(?:\\.\\d{1,4})?([+-]\\d{4})?");
    private static final Pattern ID = Pattern.compile("[^=\\s]{1,100}");
    private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9][a-z0-9._@-]{2,63}");
    private static final Set<String> TYPES = Set.of("video", "audio", "in_person", "chat");

    private Appointments() {
    }

    /** How an interface books: what an appointment becomes, the zone of its times, its resources' doctors. */
    record Scheduling(String visitType, ZoneId zone, Map<String, String> doctors) {

        /** From the interface's configuration; {@link IllegalArgumentException} naming the setting. */
        static Scheduling of(String visitType, String zone, String[] doctors) {
            if (!TYPES.contains(visitType)) {
                throw new IllegalArgumentException("visitType: one of " + TYPES + " (got '" + visitType + "')");
            }
            ZoneId z;
            try {
                z = zone == null || zone.isBlank() ? ZoneId.systemDefault() : ZoneId.of(zone.trim());
            } catch (java.time.DateTimeException e) {
                throw new IllegalArgumentException("timeZone: not a zone id such as Asia/Tehran (got '" + zone + "')");
            }
            Map<String, String> map = new LinkedHashMap<>();
            // one entry per value, or several in one separated by commas (a .cfg file has no lists)
            for (String entry : java.util.Arrays.stream(doctors == null ? new String[0] : doctors)
                    .flatMap(d -> java.util.Arrays.stream(d.split(","))).filter(d -> !d.isBlank()).toList()) {
                String[] kv = entry.split("=", 2);
                if (kv.length != 2 || !ID.matcher(kv[0].trim()).matches()
                        || !ACCOUNT.matcher(kv[1].trim()).matches()) {
                    throw new IllegalArgumentException("doctors: 'resource id=doctor account', e.g. 4711=dr.rahimi"
                            + " (got '" + entry + "')");
                }
                map.put(kv[0].trim(), kv[1].trim());
            }
            return new Scheduling(visitType, z, Map.copyOf(map));
        }

        /** Records how the interface books, or that it does not ({@code scheduling} null). */
        static void save(Jdbi jdbi, String adapterId, Scheduling scheduling) {
            jdbi.useHandle(h -> {
                if (scheduling == null) {
                    h.execute("DELETE FROM hl7_scheduling WHERE adapter_id = ?", adapterId);
                    return;
                }
                StringBuilder lines = new StringBuilder();
                scheduling.doctors().forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
                h.createUpdate("INSERT INTO hl7_scheduling (adapter_id, visit_type, time_zone, doctors, updated_at)"
                        + " VALUES (:a, :v, :z, :d, :t) ON CONFLICT (adapter_id) DO UPDATE SET visit_type ="
                        + " EXCLUDED.visit_type, time_zone = EXCLUDED.time_zone, doctors = EXCLUDED.doctors,"
                        + " updated_at = EXCLUDED.updated_at").bind("a", adapterId).bind("v", scheduling.visitType())
                        .bind("z", scheduling.zone().getId()).bind("d", lines.toString())
                        .bind("t", Timestamp.from(Instant.now())).execute();
            });
        }

        static Optional<Scheduling> load(Handle h, String adapterId) {
            return h.createQuery("SELECT visit_type, time_zone, doctors FROM hl7_scheduling WHERE adapter_id = :a")
                    .bind("a", adapterId).map((rs, ctx) -> of(rs.getString(1), rs.getString(2),
                            rs.getString(3).lines().filter(l -> !l.isBlank()).toArray(String[]::new)))
                    .findOne();
        }
    }

    /** What a scheduling message asks for. */
    record Request(String appointmentId, Instant start, Integer durationMinutes, String doctorUsername,
            String reason) {
    }

    /**
     * Books, moves or cancels the appointment's visit for {@code localPatientId}; returns what became of it, for
     * the message's row.
     */
    static String apply(Handle tx, ExternalBookings bookings, AuthenticatedUser actor, String adapterId,
            String event, String localPatientId, SIU_S12 siu, Scheduling s) throws HL7Exception {
        Terser t = new Terser(siu);
        String appointment = appointmentId(t);
        try {
            if ("S15".equals(event)) {
                Optional<String> visit = bookings.cancel(tx, actor, adapterId, appointment, cancelReason(t));
                return visit.map(v -> "visit " + v + " cancelled (appointment " + appointment + ")")
                        .orElse("no visit for appointment " + appointment + ": nothing to cancel");
            }
            Request r = read(siu, s);
            ExternalBookings.Booked b = bookings.book(tx, actor, adapterId, appointment, new ExternalBookings
                    .Appointment(s.visitType(), r.doctorUsername(), localPatientId, r.start(), r.durationMinutes(),
                            r.reason()));
            return "visit " + b.encounterId() + (b.created() ? " booked" : b.moved() ? " moved" : " unchanged")
                    + " (appointment " + appointment + ")";
        } catch (DomainException e) { // refused, or a conflict: another visit then, one that can no longer move
            throw new UnprocessableException(hl7Field(e.field()), e.detail());
        }
    }

    /** The segment field the message carried what the booking refused. */
    private static String hl7Field(String field) {
        if (field == null) {
            return "SCH";
        }
        return switch (field) {
            case "doctor" -> "AIP-3";
            case "start", "scheduledStart", "durationMinutes" -> "SCH-11";
            case "patientId" -> "PID-3";
            case "reason" -> "SCH-7";
            default -> field;
        };
    }

    static String appointmentId(Terser t) throws HL7Exception {
        String id = Header.nz(t.get("/SCH-2-1")).trim();
        if (id.isEmpty()) {
            id = Header.nz(t.get("/SCH-1-1")).trim();
        }
        if (id.isEmpty()) {
            throw new InvalidException("SCH-2", "An appointment names its filler (SCH-2) or placer (SCH-1) id");
        }
        if (id.length() > 200) {
            throw new InvalidException("SCH-2", "An appointment id of at most 200 characters");
        }
        return id;
    }

    private static String cancelReason(Terser t) throws HL7Exception {
        String text = Header.nz(t.get("/SCH-6-2")).trim();
        return text.isEmpty() ? Header.nz(t.get("/SCH-6-1")).trim() : text;
    }

    /** The time, length, doctor and reason of a booking message. */
    static Request read(SIU_S12 siu, Scheduling s) throws HL7Exception {
        Terser t = new Terser(siu);
        List<AIS> services = new ArrayList<>();
        List<AIP> people = new ArrayList<>();
        for (SIU_S12_RESOURCES r : siu.getRESOURCESAll()) {
            r.getSERVICEAll().forEach(x -> services.add(x.getAIS()));
            for (SIU_S12_PERSONNEL_RESOURCE p : r.getPERSONNEL_RESOURCEAll()) {
                people.add(p.getAIP());
            }
        }
        Integer minutes = null;
        String where = "SCH-11";
        Instant start = time(Header.nz(t.get("/SCH-11-4-1")), "SCH-11", s.zone());
        Instant end = time(Header.nz(t.get("/SCH-11-5-1")), "SCH-11", s.zone());
        if (start == null && siu.getTQ1Reps() > 0) {
            where = "TQ1-7";
            start = time(Header.nz(siu.getTQ1().getStartDateTime().getTime().getValue()), "TQ1-7", s.zone());
            end = time(Header.nz(siu.getTQ1().getEndDateTime().getTime().getValue()), "TQ1-8", s.zone());
        }
        if (start == null && !services.isEmpty()) {
            AIS a = services.get(0);
            where = "AIS-4";
            start = time(Header.nz(a.getStartDateTime().getTime().getValue()), "AIS-4", s.zone());
            minutes = minutes(a.getDuration().getValue(), a.getDurationUnits().getIdentifier().getValue(), "AIS-7");
        }
        if (start == null && !people.isEmpty()) {
            AIP a = people.get(0);
            where = "AIP-6";
            start = time(Header.nz(a.getStartDateTime().getTime().getValue()), "AIP-6", s.zone());
            minutes = minutes(a.getDuration().getValue(), a.getDurationUnits().getIdentifier().getValue(), "AIP-9");
        }
        if (start == null) {
            throw new InvalidException("SCH-11", "No start time: SCH-11.4, TQ1-7, AIS-4 or AIP-6");
        }
        if (end != null) {
            if (!end.isAfter(start)) {
                throw new UnprocessableException(where, "Ends (" + end + ") before it starts (" + start + ")");
            }
            minutes = (int) Math.min(Integer.MAX_VALUE, Duration.between(start, end).toMinutes());
        } else if (minutes == null) {
            minutes = minutes(t.get("/SCH-9"), t.get("/SCH-10-1"), "SCH-9");
        }
        List<String> ids = new ArrayList<>();
        String doctor = null;
        for (AIP a : people) {
            for (var xcn : a.getPersonnelResourceID()) {
                String id = Header.nz(xcn.getIDNumber().getValue()).trim();
                if (!id.isEmpty()) {
                    ids.add(id);
                    if (doctor == null) {
                        doctor = s.doctors().get(id);
                    }
                }
            }
        }
        if (doctor == null) {
            throw new UnprocessableException("AIP-3", ids.isEmpty() ? "No personnel resource (AIP-3) names the doctor"
                    : "None of the personnel " + ids + " (AIP-3) is a doctor this interface books for (its doctors"
                            + " setting)");
        }
        String reason = Header.nz(t.get("/SCH-7-2")).trim();
        if (reason.isEmpty()) {
            reason = Header.nz(t.get("/SCH-7-1")).trim();
        }
        return new Request(appointmentId(t), start, minutes, doctor, reason.isEmpty() ? null : reason);
    }

    /** An HL7 DTM to the minute or finer; its offset, else the interface's zone. Null when empty. */
    static Instant time(String value, String field, ZoneId zone) {
        if (value.isBlank()) {
            return null;
        }
        Matcher m = TIME.matcher(value.trim());
        if (!m.matches()) {
            throw new InvalidException(field, "A date and time to the minute, YYYYMMDDHHMM[SS][+/-ZZZZ] (got '"
                    + value + "')");
        }
        LocalDateTime local;
        try {
            local = LocalDateTime.parse(m.group(1) + (m.group(2) == null ? "00" : m.group(2)),
                    DateTimeFormatter.ofPattern("uuuuMMddHHmmss"));
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidException(field, "Not a date and time: '" + value + "'");
        }
        return m.group(3) == null ? local.atZone(zone).toInstant()
                : local.atOffset(ZoneOffset.of(m.group(3))).toInstant();
    }

    /** A length in minutes, hours or seconds (minutes when no units are given); null when empty. */
    static Integer minutes(String value, String units, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidException(field, "A whole number (got '" + value + "')");
        }
        String u = units == null ? "" : units.trim().toLowerCase(Locale.ROOT);
        long m = switch (u) {
            case "", "m", "min", "mins", "minute", "minutes" -> n;
            case "h", "hr", "hrs", "hour", "hours" -> n * 60;
            case "s", "sec", "secs", "second", "seconds" -> n / 60;
            default -> throw new InvalidException(field, "Units '" + units + "' not understood (minutes, hours or"
                    + " seconds)");
        };
        return (int) Math.min(Integer.MAX_VALUE, m);
    }
}
