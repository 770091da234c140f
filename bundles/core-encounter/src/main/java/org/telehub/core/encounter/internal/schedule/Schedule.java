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
import java.util.List;
import java.util.Map;

/**
 * A doctor's working time as instants. Hours are given per weekday and per exception date in the doctor's time
 * zone, as minutes of the local day; they become instants day by day, so a working day that contains a
 * daylight-saving change is as long as the clock says (09:00–17:00 is always 8 hours; 00:00–04:00 is 3 or 5),
 * and a local time that does not exist (inside the spring gap) moves forward by the gap, as {@link
 * ZonedDateTime#ofLocal} does. Slots start at the beginning of each working window and follow each other.
 */
public final class Schedule {
    /** A local range of minutes of the day, [start, end); end may be 1440 (midnight at the end of the day). */
    public record Range(int start, int end) {
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

    /** The working windows that intersect [from, to), merged where they touch. */
    List<Window> windows(Instant from, Instant to) {
        LocalDate first = from.atZone(zone).toLocalDate().minusDays(1);
        LocalDate last = to.atZone(zone).toLocalDate().plusDays(1);
        List<Window> work = new ArrayList<>();
        List<Window> off = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            for (Range r : weekly.getOrDefault(d.getDayOfWeek(), List.of())) {
                work.add(window(d, r));
            }
            for (DayException x : exceptions) {
                if (x.day().equals(d)) {
                    Range r = x.range() == null ? new Range(0, 1440) : x.range();
                    (x.off() ? off : work).add(window(d, r));
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

    /** Whether [start, end) lies inside one working window. */
    boolean covers(Instant start, Instant end) {
        return windows(start, end).stream().anyMatch(w -> w.contains(start, end));
    }

    /** Slots that start in [from, to), fit in a window and overlap nothing in {@code busy}. */
    List<Window> freeSlots(Instant from, Instant to, List<Window> busy) {
        Duration slot = Duration.ofMinutes(slotMinutes);
        List<Window> out = new ArrayList<>();
        for (Window w : windows(from, to)) {
            for (Instant s = w.start(); !s.plus(slot).isAfter(w.end()); s = s.plus(slot)) {
                Instant e = s.plus(slot);
                if (s.isBefore(from) || !s.isBefore(to)) {
                    continue;
                }
                Instant fs = s;
                if (busy.stream().noneMatch(b -> b.overlaps(fs, e))) {
                    out.add(new Window(s, e));
                }
            }
        }
        return out;
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
