package org.telehub.core.encounter.internal.schedule;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.telehub.core.encounter.PeopleService.Doctor;
import org.telehub.core.encounter.ScheduleService;
import org.telehub.core.encounter.Workplaces;
import org.telehub.core.encounter.internal.Checks;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.core.encounter.internal.people.Caller;
import org.telehub.core.encounter.internal.people.PeopleServiceImpl;
import org.telehub.core.encounter.internal.people.PeopleStore;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnavailableException;
import org.telehub.domain.UnprocessableException;
import org.telehub.security.AuthenticatedUser;

/**
 * Working hours (validated, replaced under the doctor's lock) and free slots. Hours at a clinic are checked against
 * the {@link Workplaces} the clinic directory registers; without it they are refused, and hours at no clinic in
 * particular still work.
 */
@Component(service = ScheduleService.class)
public class ScheduleServiceImpl implements ScheduleService {
    private static final Pattern HHMM = Pattern.compile("([01]\\d|2[0-3]):([0-5]\\d)|24:00");
    private static final int LONGEST_SLOT_QUERY_DAYS = 31;

    private final EncounterDb db;
    private final Booking booking;
    private volatile Workplaces workplaces;

    @Activate
    public ScheduleServiceImpl(@Reference EncounterDb db, @Reference Booking booking) {
        this.db = db;
        this.booking = booking;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetWorkplaces")
    public void setWorkplaces(Workplaces w) {
        this.workplaces = w;
    }

    public void unsetWorkplaces(Workplaces w) {
        if (this.workplaces == w) {
            this.workplaces = null;
        }
    }

    private Doctor doctor(String id) {
        return db.jdbi().withHandle(h -> PeopleStore.doctor(h, id))
                .orElseThrow(() -> new NotFoundException("No doctor " + id));
    }

    @Override
    public Availability availability(AuthenticatedUser caller, String doctorId) {
        Checks.signedIn(caller);
        Doctor d = doctor(doctorId);
        return db.jdbi().withHandle(h -> {
            Map<String, List<Hours>> weekly = new LinkedHashMap<>();
            ScheduleStore.hours(h, doctorId).forEach((day, ranges) -> weekly.put(day.name().toLowerCase(Locale.ROOT),
                    ranges.stream().map(r -> new Hours(hhmm(r.start()), hhmm(r.end()), r.clinicId())).toList()));
            List<DayException> ex = ScheduleStore.exceptions(h, doctorId).stream()
                    .map(x -> new DayException(x.day().toString(), x.off() ? "off" : "extra",
                            x.range() == null ? null : hhmm(x.range().start()),
                            x.range() == null ? null : hhmm(x.range().end()), x.reason(),
                            x.range() == null ? null : x.range().clinicId())).toList();
            return new Availability(d.timeZone(), d.slotMinutes(), weekly, ex);
        });
    }

    @Override
    public Availability setAvailability(AuthenticatedUser user, String doctorId, Availability a) {
        Caller c = Caller.of(db, user);
        Doctor d = doctor(doctorId);
        if (!c.admin() && !doctorId.equals(c.doctorId())) {
            throw new ForbiddenException("Only the doctor or an administrator sets working hours");
        }
        Checks.body(a);
        ZoneId zone = a.timeZone() == null ? ZoneId.of(d.timeZone()) : Checks.zoneRequired(a.timeZone());
        int slot = a.slotMinutes() == null ? d.slotMinutes() : PeopleServiceImpl.slotMinutes(a.slotMinutes());
        Map<DayOfWeek, List<Schedule.Range>> weekly = new EnumMap<>(DayOfWeek.class);
        Map<String, Boolean> asked = new java.util.HashMap<>(); // each clinic asked of the directory once
        if (a.weekly() != null) {
            for (Map.Entry<String, List<Hours>> e : a.weekly().entrySet()) {
                DayOfWeek day;
                try {
                    day = DayOfWeek.valueOf(e.getKey().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException ex) {
                    throw new InvalidException("weekly." + e.getKey(), "Not a weekday (monday … sunday)");
                }
                List<Schedule.Range> ranges = new ArrayList<>();
                List<Hours> given = e.getValue() == null ? List.of() : e.getValue();
                for (int i = 0; i < given.size(); i++) {
                    Hours g = given.get(i);
                    String f = "weekly." + e.getKey() + "[" + i + "]";
                    ranges.add(range(f, g == null ? null : g.start(), g == null ? null : g.end(),
                            clinic(f + ".clinicId", doctorId, g == null ? null : g.clinicId(), asked)));
                }
                noOverlap("weekly." + e.getKey(), ranges);
                weekly.put(day, ranges);
            }
        }
        List<Schedule.DayException> exceptions = new ArrayList<>();
        List<DayException> given = a.exceptions() == null ? List.of() : a.exceptions();
        if (given.size() > 1000) {
            throw new InvalidException("exceptions", "At most 1000 exceptions");
        }
        for (int i = 0; i < given.size(); i++) {
            DayException x = given.get(i);
            String f = "exceptions[" + i + "]";
            if (x == null || x.date() == null) {
                throw new InvalidException(f + ".date", "Required: a date such as 2026-12-24");
            }
            LocalDate day;
            try {
                day = LocalDate.parse(x.date());
            } catch (DateTimeParseException e) {
                throw new InvalidException(f + ".date", "A date such as 2026-12-24");
            }
            if (!"off".equals(x.kind()) && !"extra".equals(x.kind())) {
                throw new InvalidException(f + ".kind", "'off' (time off) or 'extra' (extra hours)");
            }
            Checks.maxLength(f + ".reason", x.reason(), 200);
            if (x.kind().equals("off") && x.clinicId() != null) {
                throw new InvalidException(f + ".clinicId", "Time off is off at every clinic: leave clinicId out");
            }
            Schedule.Range r = null;
            if (x.start() != null || x.end() != null || x.kind().equals("extra")) {
                r = range(f, x.start(), x.end(), clinic(f + ".clinicId", doctorId, x.clinicId(), asked));
            }
            exceptions.add(new Schedule.DayException(day, r, x.kind().equals("off"), x.reason()));
        }
        db.jdbi().useTransaction(h -> {
            booking.lockDoctor(h, doctorId); // not while a booking of this doctor is being decided
            ScheduleStore.replaceAvailability(h, doctorId, zone.getId(), slot, weekly, exceptions);
        });
        return availability(user, doctorId);
    }

    @Override
    public FreeSlots freeSlots(AuthenticatedUser caller, String doctorId, String clinicId, String from, String to) {
        Checks.signedIn(caller);
        Checks.maxLength("clinicId", clinicId, 36);
        String at = clinicId == null || clinicId.isBlank() ? null : clinicId.trim();
        Doctor d = doctor(doctorId);
        ZoneId zone = ZoneId.of(d.timeZone());
        Instant f = Checks.bound("from", from, zone);
        Instant t = Checks.bound("to", to, zone);
        if (f == null) {
            f = Instant.now();
        }
        if (t == null) {
            t = f.plus(Duration.ofDays(7));
        }
        if (!t.isAfter(f)) {
            throw new InvalidException("to", "Must be after 'from'");
        }
        if (Duration.between(f, t).toDays() > LONGEST_SLOT_QUERY_DAYS) {
            throw new InvalidException("to", "At most " + LONGEST_SLOT_QUERY_DAYS + " days after 'from'");
        }
        Instant now = Instant.now();
        Instant from2 = f.isBefore(now) ? now : f;
        Instant to2 = t;
        List<Schedule.Free> free = db.jdbi().withHandle(h -> booking.freeSlots(h, d, at, from2, to2));
        return new FreeSlots(doctorId, zone.getId(), d.slotMinutes(), free.stream()
                .map(w -> new Slot(w.window().start(), w.window().end(), w.clinicIds())).toList());
    }

    /** A clinic of hours: null, or one the directory knows and the doctor works at ({@code asked}: found so). */
    private String clinic(String field, String doctorId, String clinicId, Map<String, Boolean> asked) {
        if (clinicId == null || asked.containsKey(clinicId)) {
            return clinicId;
        }
        Workplaces w = workplaces;
        if (w == null) {
            throw new UnavailableException("No clinic directory", "Hours at a clinic need the clinic directory,"
                    + " which is not running; hours without a clinic can be saved", field, null);
        }
        String name = w.clinicName(clinicId).orElseThrow(() -> new UnprocessableException(field, "No clinic "
                + clinicId));
        if (!w.worksAt(doctorId, clinicId)) {
            throw new UnprocessableException(field, "The doctor is not one of " + name + "'s doctors (an"
                    + " administrator adds them in the directory)");
        }
        asked.put(clinicId, true);
        return clinicId;
    }

    private static Schedule.Range range(String field, String start, String end, String clinicId) {
        int s = minute(field + ".start", start);
        int e = minute(field + ".end", end);
        if (e <= s) {
            throw new InvalidException(field + ".end", "Must be after start (" + start + ")");
        }
        return new Schedule.Range(s, e, clinicId);
    }

    private static int minute(String field, String v) {
        if (v == null || !HHMM.matcher(v).matches()) {
            throw new InvalidException(field, "A local time HH:mm (00:00 to 24:00)");
        }
        return Integer.parseInt(v.substring(0, 2)) * 60 + Integer.parseInt(v.substring(3));
    }

    /** Ranges at one place do not overlap; two clinics' ranges may. */
    private static void noOverlap(String field, List<Schedule.Range> ranges) {
        Map<String, List<Schedule.Range>> byPlace = new TreeMap<>();
        ranges.forEach(r -> byPlace.computeIfAbsent(r.place(), k -> new ArrayList<>()).add(r));
        for (List<Schedule.Range> sorted : byPlace.values()) {
            sorted.sort(Comparator.comparingInt(Schedule.Range::start));
            noOverlapSorted(field, sorted);
        }
    }

    private static void noOverlapSorted(String field, List<Schedule.Range> sorted) {
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).start() < sorted.get(i - 1).end()) {
                throw new InvalidException(field, "Ranges overlap: " + hhmm(sorted.get(i - 1).start()) + "–"
                        + hhmm(sorted.get(i - 1).end()) + " and " + hhmm(sorted.get(i).start()) + "–"
                        + hhmm(sorted.get(i).end()));
            }
        }
    }

    static String hhmm(int minute) {
        return String.format(Locale.ROOT, "%02d:%02d", minute / 60, minute % 60);
    }
}
