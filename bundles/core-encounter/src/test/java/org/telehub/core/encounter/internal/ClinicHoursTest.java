package org.telehub.core.encounter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.BookingRequest;
import org.telehub.core.encounter.EncounterService.EncounterDetails;
import org.telehub.core.encounter.PeopleService;
import org.telehub.core.encounter.ScheduleService;
import org.telehub.core.encounter.ScheduleService.Hours;
import org.telehub.core.encounter.Workplaces;
import org.telehub.core.encounter.internal.schedule.ScheduleServiceImpl;
import org.telehub.domain.DomainException;

/**
 * Working hours per clinic (issue 19) on a real PostgreSQL: hours at a clinic only for one of its doctors, two
 * clinics' hours may overlap, free slots say where they may be booked, a visit is at a clinic, and one doctor never
 * has two visits at once, whichever clinics they are booked at, however many bookings race.
 */
class ClinicHoursTest {
    private static final String NORTH = "clinic-north";
    private static final String SOUTH = "clinic-south";
    private static final String EAST = "clinic-east";

    /** The directory's answer, as its {@code DirectoryWorkplaces} gives it: three clinics, the doctor at two. */
    private static Workplaces directory(String doctorId) {
        Map<String, String> names = Map.of(NORTH, "North", SOUTH, "South", EAST, "East");
        return new Workplaces() {
            @Override
            public Optional<String> clinicName(String clinicId) {
                return Optional.ofNullable(names.get(clinicId));
            }

            @Override
            public boolean worksAt(String doctor, String clinicId) {
                return doctor.equals(doctorId) && Set.of(NORTH, SOUTH).contains(clinicId);
            }
        };
    }

    private static ScheduleService.Availability everyDay(Hours... ranges) {
        Map<String, List<Hours>> weekly = new LinkedHashMap<>();
        for (String d : List.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")) {
            weekly.put(d, List.of(ranges));
        }
        return new ScheduleService.Availability("UTC", 30, weekly, List.of());
    }

    private static BookingRequest at(String doctor, String patient, Instant start, String clinicId) {
        return new BookingRequest("video", doctor, patient, start.toString(), 30, null, null, null, false, null,
                clinicId);
    }

    private static void assertProblem(int status, String field, org.junit.jupiter.api.function.Executable x) {
        DomainException e = assertThrows(DomainException.class, x);
        assertEquals(status, BookingTest.status(e), e.detail());
        assertEquals(field, e.field(), e.detail());
    }

    @Test
    void hoursVisitsAndSlotsBelongToClinicsAndNeverOverlapAcrossThem() throws Exception {
        BookingTest.Hub h = BookingTest.hub();
        String d = h.people().createDoctor(h.admin(), new PeopleService.NewDoctor(null, "Dr Two Clinics", "GP", null,
                "UTC", 30)).id();
        ScheduleService.Availability hours = everyDay(new Hours("08:00", "14:00", NORTH),
                new Hours("12:00", "18:00", SOUTH), new Hours("18:00", "20:00"));
        ScheduleServiceImpl schedule = (ScheduleServiceImpl) h.schedule();

        // without the directory, hours at a clinic cannot be checked: 503, and hours at no clinic still save
        assertProblem(503, "weekly.monday[0].clinicId", () -> schedule.setAvailability(h.admin(), d, hours));
        schedule.setAvailability(h.admin(), d, everyDay(new Hours("18:00", "20:00")));

        Workplaces dir = directory(d);
        schedule.setWorkplaces(dir);
        assertProblem(422, "weekly.monday[0].clinicId", () -> schedule.setAvailability(h.admin(), d,
                everyDay(new Hours("08:00", "12:00", "no-such-clinic"))));
        assertProblem(422, "weekly.monday[0].clinicId", () -> schedule.setAvailability(h.admin(), d,
                everyDay(new Hours("08:00", "12:00", EAST))));
        // one clinic's ranges may not overlap; two clinics' may
        assertProblem(400, "weekly.monday", () -> schedule.setAvailability(h.admin(), d,
                everyDay(new Hours("08:00", "12:00", NORTH), new Hours("11:00", "13:00", NORTH))));
        assertProblem(400, "exceptions[0].clinicId", () -> schedule.setAvailability(h.admin(), d,
                new ScheduleService.Availability(null, null, Map.of(), List.of(new ScheduleService.DayException(
                        "2030-01-01", "off", null, null, null, NORTH)))));
        ScheduleService.Availability saved = schedule.setAvailability(h.admin(), d, hours);
        assertEquals(List.of(new Hours("08:00", "14:00", NORTH), new Hours("12:00", "18:00", SOUTH),
                new Hours("18:00", "20:00", null)), saved.weekly().get("monday"));

        Instant day = BookingTest.tomorrow(0);
        String from = day.toString();
        String to = day.plus(Duration.ofDays(1)).toString();
        List<ScheduleService.Slot> north = schedule.freeSlots(h.admin(), d, NORTH, from, to).slots();
        assertEquals(12, north.size(), north.toString());
        assertTrue(north.stream().allMatch(s -> s.clinicIds().equals(List.of(NORTH))));
        List<ScheduleService.Slot> all = schedule.freeSlots(h.admin(), d, from, to).slots();
        // 08–12 North, 12–14 both, 14–18 South, 18–20 at no clinic: 24 slots of 30 minutes, each once
        assertEquals(24, all.size(), all.toString());
        assertEquals(List.of(NORTH, SOUTH), all.get(8).clinicIds());
        assertEquals(day.plus(Duration.ofHours(12)), all.get(8).start());
        assertEquals(List.of(), all.get(23).clinicIds());

        String p = BookingTest.patient(h, "Amy Pond");
        // at a clinic: inside its hours only; anywhere: the one clinic whose hours alone hold it, else none
        assertProblem(422, "clinicId", () -> h.encounters().book(h.admin(), at(d, p, day.plus(Duration.ofHours(9)),
                SOUTH)));
        EncounterDetails nine = h.encounters().book(h.admin(), at(d, p, day.plus(Duration.ofHours(9)), NORTH));
        assertEquals(NORTH, nine.clinicId());
        assertEquals(SOUTH, h.encounters().book(h.admin(), at(d, BookingTest.patient(h, "Rory"),
                day.plus(Duration.ofHours(15)), null)).clinicId());
        assertNull(h.encounters().book(h.admin(), at(d, BookingTest.patient(h, "River"),
                day.plus(Duration.ofHours(12)), null)).clinicId());
        assertNull(h.encounters().book(h.admin(), at(d, BookingTest.patient(h, "Clara"),
                day.plus(Duration.ofHours(18)), null)).clinicId());
        assertEquals(NORTH, h.encounters().get(h.admin(), nine.id()).clinicId());

        // a visit moves within its clinic's hours
        assertProblem(422, "clinicId", () -> h.encounters().reschedule(h.admin(), nine.id(),
                new EncounterService.Reschedule(day.plus(Duration.ofHours(16)).toString(), null)));
        assertEquals(NORTH, h.encounters().reschedule(h.admin(), nine.id(), new EncounterService.Reschedule(
                day.plus(Duration.ofHours(10)).toString(), null)).clinicId());

        // sixteen bookings race for overlapping times, half at North 13:00, half at South 13:15: one visit
        List<BookingRequest> race = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            race.add(at(d, BookingTest.patient(h, "P" + i), day.plus(Duration.ofMinutes(13 * 60 + (i % 2) * 15)),
                    i % 2 == 0 ? NORTH : SOUTH));
        }
        List<Integer> statuses = BookingTest.race(h, race);
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertEquals(15, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        long overlapping = h.jdbi().withHandle(x -> x.createQuery("SELECT COUNT(*) FROM encounter a JOIN encounter b"
                + " ON a.doctor_id = b.doctor_id AND a.id < b.id AND a.doctor_slot IS NOT NULL AND b.doctor_slot IS"
                + " NOT NULL AND a.scheduled_start < b.scheduled_end AND b.scheduled_start < a.scheduled_end")
                .mapTo(Long.class).one());
        assertEquals(0, overlapping);
        // and South's free times leave out what was booked at North
        List<ScheduleService.Slot> south = schedule.freeSlots(h.admin(), d, SOUTH, from, to).slots();
        assertTrue(south.stream().noneMatch(s -> s.start().equals(day.plus(Duration.ofHours(13)))), south.toString());

        // the directory going away leaves booking alone; new hours at a clinic wait for it
        schedule.unsetWorkplaces(dir);
        assertProblem(503, "weekly.monday[0].clinicId", () -> schedule.setAvailability(h.admin(), d, hours));
        assertEquals(NORTH, h.encounters().book(h.admin(), at(d, BookingTest.patient(h, "Late"),
                day.plus(Duration.ofHours(8)), NORTH)).clinicId());
    }
}
