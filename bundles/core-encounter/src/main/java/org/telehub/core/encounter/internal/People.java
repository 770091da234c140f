package org.telehub.core.encounter.internal;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.core.encounter.internal.Model.Doctor;
import org.telehub.core.encounter.internal.Model.Patient;
import org.telehub.core.encounter.internal.Views.Availability;
import org.telehub.core.encounter.internal.Views.AvailabilityException;
import org.telehub.core.encounter.internal.Views.DoctorView;
import org.telehub.core.encounter.internal.Views.Hours;
import org.telehub.core.encounter.internal.Views.PatientView;
import org.telehub.rest.ProblemException;
import org.telehub.security.AuditLog;
import org.telehub.security.Roles;

/** Doctors, patients, working hours and free slots. */
@Component(service = People.class)
public class People {
    private static final Pattern HHMM = Pattern.compile("([01]\\d|2[0-3]):([0-5]\\d)|24:00");
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{2,63}");
    static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}\\.[^@\\s.]{2,}");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ()-]{5,31}");
    private static final int LONGEST_SLOT_QUERY_DAYS = 31;

    private final Encounters encounters;
    private final AuditLog audit;

    @Activate
    public People(@Reference Encounters encounters, @Reference AuditLog audit) {
        this.encounters = encounters;
        this.audit = audit;
    }

    private EncounterDb db() {
        return encounters.db();
    }

    // ---- doctors

    DoctorView createDoctor(Views.CreateDoctor r) {
        if (r == null) {
            throw ProblemException.invalid(null, "A JSON body is required");
        }
        String username = username(r.username());
        name("displayName", r.displayName());
        optional("speciality", r.speciality(), 100);
        optional("clinic", r.clinic(), 200);
        ZoneId zone = zoneRequired(r.timeZone());
        int slot = slot(r.slotMinutes());
        Doctor d = new Doctor(UUID.randomUUID().toString(), username, r.displayName().trim(), r.speciality(),
                r.clinic(), zone.getId(), slot, Instant.now());
        try {
            db().jdbi().useHandle(h -> EncounterStore.insertDoctor(h, d));
        } catch (UnableToExecuteStatementException e) {
            throw ProblemException.conflict("Another doctor is linked to the account '" + username + "'");
        }
        return view(d);
    }

    List<DoctorView> doctors(int offset, int limit) {
        page(offset, limit);
        return db().jdbi().withHandle(h -> EncounterStore.doctors(h, offset, limit)).stream().map(People::view)
                .toList();
    }

    DoctorView doctor(String id) {
        return view(doctorRow(id));
    }

    private Doctor doctorRow(String id) {
        return encounters.doctor(id).orElseThrow(() -> ProblemException.notFound("No doctor " + id));
    }

    static DoctorView view(Doctor d) {
        return new DoctorView(d.id(), d.username(), d.displayName(), d.speciality(), d.clinic(), d.timeZone(),
                d.slotMinutes());
    }

    // ---- patients

    PatientView createPatient(Encounters.Caller c, Views.CreatePatient r) {
        if (r == null) {
            throw ProblemException.invalid(null, "A JSON body is required");
        }
        String username = username(r.username());
        name("displayName", r.displayName());
        LocalDate birth = null;
        if (r.birthDate() != null) {
            try {
                birth = LocalDate.parse(r.birthDate());
            } catch (DateTimeParseException e) {
                throw ProblemException.invalid("birthDate", "A date such as 1980-04-23");
            }
            if (birth.isAfter(LocalDate.now()) || birth.isBefore(LocalDate.of(1880, 1, 1))) {
                throw ProblemException.unprocessable("birthDate", "Not a plausible birth date");
            }
        }
        if (r.email() != null && !EMAIL.matcher(r.email()).matches()) {
            throw ProblemException.invalid("email", "Not an email address");
        }
        if (r.phone() != null && !PHONE.matcher(r.phone()).matches()) {
            throw ProblemException.invalid("phone", "Digits, spaces, ( ) - and an optional leading +");
        }
        ZoneId zone = r.timeZone() == null ? null : zoneRequired(r.timeZone());
        Patient p = new Patient(UUID.randomUUID().toString(), username, r.displayName().trim(), birth, r.email(),
                r.phone(), zone == null ? null : zone.getId(), Instant.now());
        try {
            db().jdbi().useHandle(h -> EncounterStore.insertPatient(h, p));
        } catch (UnableToExecuteStatementException e) {
            throw ProblemException.conflict("Another patient is linked to the account '" + username + "'");
        }
        audit.record(c.user(), "patient.create", p.id(), List.of(), "ok");
        return view(p);
    }

    PatientView patient(Encounters.Caller c, String id) {
        boolean staff = c.admin() || c.user().hasRole(Roles.DOCTOR) || c.user().hasRole(Roles.NURSE);
        if (!staff && !id.equals(c.patientId())) {
            throw ProblemException.notFound("No patient " + id);
        }
        Patient p = db().jdbi().withHandle(h -> EncounterStore.patient(h, id))
                .orElseThrow(() -> ProblemException.notFound("No patient " + id));
        audit.record(c.user(), "patient.read", id, List.of(), "ok");
        return view(p);
    }

    List<PatientView> patients(Encounters.Caller c, int offset, int limit) {
        page(offset, limit);
        List<Patient> list = db().jdbi().withHandle(h -> EncounterStore.patients(h, offset, limit));
        list.forEach(p -> audit.record(c.user(), "patient.list", p.id(), List.of(), "ok"));
        return list.stream().map(People::view).toList();
    }

    static PatientView view(Patient p) {
        return new PatientView(p.id(), p.username(), p.displayName(), p.birthDate() == null ? null
                : p.birthDate().toString(), p.email(), p.phone(), p.timeZone());
    }

    // ---- availability

    Availability availability(String doctorId) {
        Doctor d = doctorRow(doctorId);
        return db().jdbi().withHandle(h -> {
            Map<String, List<Hours>> weekly = new LinkedHashMap<>();
            EncounterStore.hours(h, doctorId).forEach((day, ranges) -> weekly.put(day.name().toLowerCase(Locale.ROOT),
                    ranges.stream().map(r -> new Hours(hhmm(r.start()), hhmm(r.end()))).toList()));
            List<AvailabilityException> ex = EncounterStore.exceptions(h, doctorId).stream()
                    .map(x -> new AvailabilityException(x.day().toString(), x.off() ? "off" : "extra",
                            x.range() == null ? null : hhmm(x.range().start()),
                            x.range() == null ? null : hhmm(x.range().end()), x.reason())).toList();
            return new Availability(d.timeZone(), d.slotMinutes(), weekly, ex);
        });
    }

    Availability putAvailability(Encounters.Caller c, String doctorId, Availability a) {
        Doctor d = doctorRow(doctorId);
        if (!c.admin() && !doctorId.equals(c.doctorId())) {
            throw new ProblemException(403, "Forbidden", "Only the doctor or an administrator sets working hours",
                    null, null);
        }
        if (a == null) {
            throw ProblemException.invalid(null, "A JSON body is required");
        }
        ZoneId zone = a.timeZone() == null ? ZoneId.of(d.timeZone()) : zoneRequired(a.timeZone());
        int slot = a.slotMinutes() == null ? d.slotMinutes() : slot(a.slotMinutes());
        Map<DayOfWeek, List<Schedule.Range>> weekly = new EnumMap<>(DayOfWeek.class);
        if (a.weekly() != null) {
            for (Map.Entry<String, List<Hours>> e : a.weekly().entrySet()) {
                DayOfWeek day;
                try {
                    day = DayOfWeek.valueOf(e.getKey().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ex) {
                    throw ProblemException.invalid("weekly." + e.getKey(), "Not a weekday (monday … sunday)");
                }
                List<Schedule.Range> ranges = new ArrayList<>();
                List<Hours> given = e.getValue() == null ? List.of() : e.getValue();
                for (int i = 0; i < given.size(); i++) {
                    ranges.add(range("weekly." + e.getKey() + "[" + i + "]", given.get(i) == null ? null
                            : given.get(i).start(), given.get(i) == null ? null : given.get(i).end()));
                }
                noOverlap("weekly." + e.getKey(), ranges);
                weekly.put(day, ranges);
            }
        }
        List<Schedule.DayException> exceptions = new ArrayList<>();
        List<AvailabilityException> given = a.exceptions() == null ? List.of() : a.exceptions();
        if (given.size() > 1000) {
            throw ProblemException.invalid("exceptions", "At most 1000 exceptions");
        }
        for (int i = 0; i < given.size(); i++) {
            AvailabilityException x = given.get(i);
            String f = "exceptions[" + i + "]";
            if (x == null || x.date() == null) {
                throw ProblemException.invalid(f + ".date", "Required: a date such as 2026-12-24");
            }
            LocalDate day;
            try {
                day = LocalDate.parse(x.date());
            } catch (DateTimeParseException e) {
                throw ProblemException.invalid(f + ".date", "A date such as 2026-12-24");
            }
            if (!"off".equals(x.kind()) && !"extra".equals(x.kind())) {
                throw ProblemException.invalid(f + ".kind", "'off' (time off) or 'extra' (extra hours)");
            }
            optional(f + ".reason", x.reason(), 200);
            Schedule.Range r = null;
            if (x.start() != null || x.end() != null || x.kind().equals("extra")) {
                r = range(f, x.start(), x.end());
            }
            exceptions.add(new Schedule.DayException(day, r, x.kind().equals("off"), x.reason()));
        }
        db().jdbi().useTransaction(h -> {
            EncounterStore.lockedDoctor(h, doctorId); // not while a booking of this doctor is being decided
            EncounterStore.replaceAvailability(h, doctorId, zone.getId(), slot, weekly, exceptions);
        });
        return availability(doctorId);
    }

    Views.Slots slots(String doctorId, String from, String to) {
        Doctor d = doctorRow(doctorId);
        ZoneId zone = ZoneId.of(d.timeZone());
        Instant f = Views.bound("from", from, zone);
        Instant t = Views.bound("to", to, zone);
        if (f == null) {
            f = Instant.now();
        }
        if (t == null) {
            t = f.plus(Duration.ofDays(7));
        }
        if (!t.isAfter(f)) {
            throw ProblemException.invalid("to", "Must be after 'from'");
        }
        if (Duration.between(f, t).toDays() > LONGEST_SLOT_QUERY_DAYS) {
            throw ProblemException.invalid("to", "At most " + LONGEST_SLOT_QUERY_DAYS + " days after 'from'");
        }
        Instant now = Instant.now();
        Instant from2 = f.isBefore(now) ? now : f;
        Instant to2 = t;
        int longest = encounters.config().maxDurationMinutes();
        List<Schedule.Window> free = db().jdbi().withHandle(h -> {
            Schedule s = EncounterStore.schedule(h, d);
            return s.freeSlots(from2, to2, EncounterStore.busy(h, doctorId, from2, to2, longest));
        });
        return new Views.Slots(doctorId, zone.getId(), d.slotMinutes(), free.stream()
                .map(w -> new Views.SlotView(w.start(), w.end(), Views.local(w.start(), zone))).toList());
    }

    // ---- validation

    private static Schedule.Range range(String field, String start, String end) {
        int s = minute(field + ".start", start);
        int e = minute(field + ".end", end);
        if (e <= s) {
            throw ProblemException.invalid(field + ".end", "Must be after start (" + start + ")");
        }
        return new Schedule.Range(s, e);
    }

    private static int minute(String field, String v) {
        if (v == null || !HHMM.matcher(v).matches()) {
            throw ProblemException.invalid(field, "A local time HH:mm (00:00 to 24:00)");
        }
        return Integer.parseInt(v.substring(0, 2)) * 60 + Integer.parseInt(v.substring(3));
    }

    private static void noOverlap(String field, List<Schedule.Range> ranges) {
        List<Schedule.Range> sorted = new ArrayList<>(ranges);
        sorted.sort(java.util.Comparator.comparingInt(Schedule.Range::start));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).start() < sorted.get(i - 1).end()) {
                throw ProblemException.invalid(field, "Ranges overlap: " + hhmm(sorted.get(i - 1).start()) + "–"
                        + hhmm(sorted.get(i - 1).end()) + " and " + hhmm(sorted.get(i).start()) + "–"
                        + hhmm(sorted.get(i).end()));
            }
        }
    }

    static String hhmm(int minute) {
        return String.format(Locale.ROOT, "%02d:%02d", minute / 60, minute % 60);
    }

    private static String username(String u) {
        if (u == null) {
            return null;
        }
        String n = u.trim().toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(n).matches()) {
            throw ProblemException.invalid("username", "The Telehub account this person logs in with: 3 to 64"
                    + " characters, lower-case letters, digits and . _ @ -");
        }
        return n;
    }

    private static void name(String field, String v) {
        if (v == null || v.isBlank() || v.length() > 200) {
            throw ProblemException.invalid(field, "Required, at most 200 characters");
        }
    }

    private static void optional(String field, String v, int max) {
        if (v != null && v.length() > max) {
            throw ProblemException.invalid(field, "At most " + max + " characters");
        }
    }

    private static ZoneId zoneRequired(String z) {
        if (z == null || z.isBlank()) {
            throw ProblemException.invalid("timeZone", "Required: a time zone id such as Europe/Berlin");
        }
        try {
            return ZoneId.of(z.trim());
        } catch (DateTimeException e) {
            throw ProblemException.invalid("timeZone", "Not a time zone id such as Europe/Berlin: " + z);
        }
    }

    private static int slot(Integer m) {
        if (m == null) {
            return 30;
        }
        if (m < 5 || m > 240) {
            throw ProblemException.invalid("slotMinutes", "5 to 240 minutes");
        }
        return m;
    }

    private static void page(int offset, int limit) {
        if (offset < 0) {
            throw ProblemException.invalid("offset", "Must be 0 or more");
        }
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalid("limit", "Must be between 1 and 500");
        }
    }
}
