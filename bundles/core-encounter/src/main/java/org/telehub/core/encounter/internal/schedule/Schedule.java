package org.telehub.core.encounter.internal.schedule;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A doctor's working time as instants. Hours are given per weekday and per exception date in the doctor's time
 * zone, as minutes of the local day; they become instants day by day, so a working day that contains a
 * daylight-saving change is as long as the clock says (09:00–17:00 is always 8 hours; 00:00–04:00 is 3 or 5),
 * and a local time that does not exist (inside the spring gap) moves forward by the gap, as {@link
 * ZonedDateTime#ofLocal} does. Slots start at the beginning of each working window and follow each other.
 *
 * <p>Hours belong to a place: a clinic, or {@link #NO_CLINIC}. Each place's windows are worked out on their own
 * (two clinics' hours may overlap); time off is taken from every place. A visit lies inside one window of one place.
 */
public final class Schedule {
    /** The place of hours at no clinic in particular. */
    static final String NO_CLINIC = "";

    /**
     * A local range of minutes of the day, [start, end); end may be 1440 (midnight at the end of the day);
     * {@code clinicId} null: at no clinic in particular.
     */
    public record Range(int start, int end, String clinicId) {
        public Range(int start, int end) {
            this(start, end, null);
        }

        String place() {
            return clinicId == null ? NO_CLINIC : clinicId;
        }
    }

    /** A free slot and the clinics it may be booked at (none: only hours at no clinic in particular hold it). */
    public record Free(Window window, List<String> clinicIds) {
    }

    /** Time off (whole day when {@code range} is null) or extra hours on one local date. */
    public record DayException(LocalDate day, Range range, boolean off, String reason) {
    }

    /** A span of time. */
    public record Window(Instant start, Instant end) {
        public boolean contains(Instant s, Instant e) {
            return !s.isBefore(start) && !e.isAfter(end);
        }

        public boolean overlaps(Instant s, Instant e) {
            return s.isBefore(end) && e.isAfter(start);
        }
    }

    private final ZoneId zone;
    private final int slotMinutes;
    private final Map<DayOfWeek, List<Range>> weekly;
    private final List<DayException> exceptions;

    Schedule(ZoneId zone, int slotMinutes, Map<DayOfWeek, List<Range>> weekly, List<DayException> exceptions) {
        this.zone = zone;
        this.slotMinutes = slotMinutes;
        this.weekly = weekly;
        this.exceptions = exceptions;
    }

    ZoneId zone() {
        return zone;
    }

    /** The places that have hours or extra hours: clinic ids and {@link #NO_CLINIC}, in a stable order. */
    Set<String> places() {
        Set<String> out = new java.util.TreeSet<>();
        weekly.values().forEach(l -> l.forEach(r -> out.add(r.place())));
        exceptions.stream().filter(x -> !x.off() && x.range() != null).forEach(x -> out.add(x.range().place()));
        return out;
    }

    /** The working windows at {@code place} that intersect [from, to), merged where they touch. */
    List<Window> windows(Instant from, Instant to, String place) {
        LocalDate first = from.atZone(zone).toLocalDate().minusDays(1);
        LocalDate last = to.atZone(zone).toLocalDate().plusDays(1);
        List<Window> work = new ArrayList<>();
        List<Window> off = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            for (Range r : weekly.getOrDefault(d.getDayOfWeek(), List.of())) {
                if (r.place().equals(place)) {
                    work.add(window(d, r));
                }
            }
            for (DayException x : exceptions) {
                if (x.day().equals(d)) {
                    Range r = x.range() == null ? new Range(0, 1440) : x.range();
                    if (x.off()) {
                        off.add(window(d, r));
                    } else if (r.place().equals(place)) {
                        work.add(window(d, r));
                    }
                }
            }
        }
        List<Window> out = new ArrayList<>();
        for (Window w : subtract(merge(work), merge(off))) {
            if (w.overlaps(from, to)) {
                out.add(w);
            }
        }
        return out;
    }

    /** Whether [start, end) lies inside one working window of any place. */
    boolean covers(Instant start, Instant end) {
        return !placesCovering(start, end).isEmpty();
    }

    /** Whether [start, end) lies inside one working window at {@code place}. */
    boolean covers(Instant start, Instant end, String place) {
        return windows(start, end, place).stream().anyMatch(w -> w.contains(start, end));
    }

    /** The places with a working window that holds all of [start, end). */
    List<String> placesCovering(Instant start, Instant end) {
        return places().stream().filter(p -> covers(start, end, p)).toList();
    }

    /** Slots that start in [from, to), fit in a window of any place and overlap nothing in {@code busy}. */
    List<Window> freeSlots(Instant from, Instant to, List<Window> busy) {
        return freeSlots(from, to, busy, null).stream().map(Free::window).toList();
    }

    /**
     * Slots that start in [from, to), fit in a window at {@code clinicId} (null: of any place) and overlap nothing
     * in {@code busy}, by start; a slot two places offer alike is one, with both clinics.
     */
    List<Free> freeSlots(Instant from, Instant to, List<Window> busy, String clinicId) {
        Duration slot = Duration.ofMinutes(slotMinutes);
        Map<Window, Set<String>> out = new TreeMap<>(Comparator.comparing(Window::start).thenComparing(Window::end));
        for (String place : clinicId == null ? places() : Set.of(clinicId)) {
            for (Window w : windows(from, to, place)) {
                for (Instant s = w.start(); !s.plus(slot).isAfter(w.end()); s = s.plus(slot)) {
                    Instant e = s.plus(slot);
                    if (s.isBefore(from) || !s.isBefore(to)) {
                        continue;
                    }
                    Instant fs = s;
                    if (busy.stream().noneMatch(b -> b.overlaps(fs, e))) {
                        Set<String> at = out.computeIfAbsent(new Window(s, e), k -> new LinkedHashSet<>());
                        if (!place.equals(NO_CLINIC)) {
                            at.add(place);
                        }
                    }
                }
            }
        }
        List<Free> list = new ArrayList<>();
        out.forEach((w, at) -> list.add(new Free(w, List.copyOf(at))));
        return list;
    }

    private Window window(LocalDate day, Range r) {
        return new Window(at(day, r.start()), at(day, r.end()));
    }

    private Instant at(LocalDate day, int minute) {
        LocalDateTime t = day.atStartOfDay().plusMinutes(minute);
        return ZonedDateTime.ofLocal(t, zone, null).toInstant();
    }

    static List<Window> merge(List<Window> in) {
        List<Window> sorted = new ArrayList<>(in);
        sorted.removeIf(w -> !w.end().isAfter(w.start()));
        sorted.sort(Comparator.comparing(Window::start));
        List<Window> out = new ArrayList<>();
        for (Window w : sorted) {
            Window last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && !w.start().isAfter(last.end())) {
                out.set(out.size() - 1, new Window(last.start(), w.end().isAfter(last.end()) ? w.end() : last.end()));
            } else {
                out.add(w);
            }
        }
        return out;
    }

    /** {@code work} minus {@code off}; both merged and sorted. */
    static List<Window> subtract(List<Window> work, List<Window> off) {
        List<Window> out = new ArrayList<>();
        for (Window w : work) {
            Instant s = w.start();
            for (Window o : off) {
                if (!o.end().isAfter(s) || !o.start().isBefore(w.end())) {
                    continue;
                }
                if (o.start().isAfter(s)) {
                    out.add(new Window(s, o.start()));
                }
                s = o.end().isAfter(s) ? o.end() : s;
            }
            if (s.isBefore(w.end())) {
                out.add(new Window(s, w.end()));
            }
        }
        return out;
    }
}
