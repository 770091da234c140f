package org.telehub.core.encounter.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Working hours become the right instants, across daylight-saving changes too. */
class ScheduleTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Map<DayOfWeek, List<Schedule.Range>> weekdays(int start, int end) {
        Map<DayOfWeek, List<Schedule.Range>> m = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.getValue() <= 5) {
                m.put(d, List.of(new Schedule.Range(start, end)));
            }
        }
        return m;
    }

    @Test
    void nineOClockInBerlinIsAnotherUtcHourAfterSummerTimeEnds() {
        Schedule s = new Schedule(BERLIN, 30, weekdays(9 * 60, 12 * 60), List.of());
        // summer time ends on Sunday 2026-10-25 at 03:00 CEST
        List<Schedule.Window> friday = s.freeSlots(Instant.parse("2026-10-23T00:00:00Z"),
                Instant.parse("2026-10-24T00:00:00Z"), List.of());
        List<Schedule.Window> monday = s.freeSlots(Instant.parse("2026-10-26T00:00:00Z"),
                Instant.parse("2026-10-27T00:00:00Z"), List.of());
        assertEquals(6, friday.size());
        assertEquals(6, monday.size());
        assertEquals(Instant.parse("2026-10-23T07:00:00Z"), friday.get(0).start());
        assertEquals(Instant.parse("2026-10-26T08:00:00Z"), monday.get(0).start());
        assertEquals(Instant.parse("2026-10-26T11:00:00Z"), monday.get(5).end());
        assertTrue(s.covers(Instant.parse("2026-10-26T08:00:00Z"), Instant.parse("2026-10-26T08:30:00Z")));
        assertFalse(s.covers(Instant.parse("2026-10-26T07:00:00Z"), Instant.parse("2026-10-26T07:30:00Z")),
                "07:00Z is 08:00 in winter time: before the doctor starts");
    }

    @Test
    void aNightShiftIsAsLongAsTheClockSaysOnBothChangeDays() {
        Map<DayOfWeek, List<Schedule.Range>> sundays = new EnumMap<>(DayOfWeek.class);
        sundays.put(DayOfWeek.SUNDAY, List.of(new Schedule.Range(0, 4 * 60)));
        Schedule s = new Schedule(BERLIN, 30, sundays, List.of());
        // autumn: 02:00–03:00 happens twice, so 00:00–04:00 lasts 5 hours
        List<Schedule.Window> autumn = s.freeSlots(Instant.parse("2026-10-24T12:00:00Z"),
                Instant.parse("2026-10-25T12:00:00Z"), List.of());
        assertEquals(10, autumn.size());
        assertEquals(Instant.parse("2026-10-24T22:00:00Z"), autumn.get(0).start());
        assertEquals(Instant.parse("2026-10-25T03:00:00Z"), autumn.get(9).end());
        // spring (2026-03-29): 02:00–03:00 does not exist, so it lasts 3 hours
        List<Schedule.Window> spring = s.freeSlots(Instant.parse("2026-03-28T12:00:00Z"),
                Instant.parse("2026-03-29T12:00:00Z"), List.of());
        assertEquals(6, spring.size());
        assertEquals(Instant.parse("2026-03-28T23:00:00Z"), spring.get(0).start());
        assertEquals(Instant.parse("2026-03-29T02:00:00Z"), spring.get(5).end());
    }

    @Test
    void exceptionsTakeTimeOffAndAddHours() {
        List<Schedule.DayException> ex = List.of(
                new Schedule.DayException(LocalDate.of(2026, 12, 24), null, true, "Christmas Eve"),
                new Schedule.DayException(LocalDate.of(2026, 12, 23), new Schedule.Range(10 * 60, 11 * 60), true, null),
                new Schedule.DayException(LocalDate.of(2026, 12, 26), new Schedule.Range(10 * 60, 12 * 60), false,
                        "Saturday clinic"));
        Schedule s = new Schedule(BERLIN, 30, weekdays(9 * 60, 12 * 60), ex);
        assertEquals(0, s.freeSlots(Instant.parse("2026-12-24T00:00:00Z"), Instant.parse("2026-12-25T00:00:00Z"),
                List.of()).size());
        List<Schedule.Window> wed = s.freeSlots(Instant.parse("2026-12-23T00:00:00Z"),
                Instant.parse("2026-12-24T00:00:00Z"), List.of());
        assertEquals(List.of("08:00", "08:30", "10:00", "10:30"), wed.stream()
                .map(w -> w.start().toString().substring(11, 16)).toList());
        assertEquals(4, s.freeSlots(Instant.parse("2026-12-26T00:00:00Z"), Instant.parse("2026-12-27T00:00:00Z"),
                List.of()).size());
    }

    @Test
    void touchingRangesAreOneWindowAndBusyTimeIsNotFree() {
        Map<DayOfWeek, List<Schedule.Range>> m = new EnumMap<>(DayOfWeek.class);
        m.put(DayOfWeek.MONDAY, List.of(new Schedule.Range(9 * 60, 12 * 60), new Schedule.Range(12 * 60, 14 * 60)));
        Schedule s = new Schedule(ZoneId.of("UTC"), 60, m, List.of());
        assertTrue(s.covers(Instant.parse("2026-11-23T11:30:00Z"), Instant.parse("2026-11-23T12:30:00Z")));
        assertFalse(s.covers(Instant.parse("2026-11-23T13:30:00Z"), Instant.parse("2026-11-23T14:30:00Z")));
        List<Schedule.Window> free = s.freeSlots(Instant.parse("2026-11-23T00:00:00Z"),
                Instant.parse("2026-11-24T00:00:00Z"), List.of(new Schedule.Window(Instant.parse("2026-11-23T10:15:00Z"),
                        Instant.parse("2026-11-23T10:45:00Z"))));
        assertEquals(List.of("09:00", "11:00", "12:00", "13:00"), free.stream()
                .map(w -> w.start().toString().substring(11, 16)).toList());
    }
}
