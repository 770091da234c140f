package org.telehub.core.encounter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.PeopleService;
import org.telehub.core.encounter.ScheduleService;
import org.telehub.core.encounter.internal.BookingTest.Hub;
import org.telehub.domain.DomainException;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/**
 * A clinician reaches a patient only through a care relationship (a visit they run or were invited to as a
 * colleague, the care team, an unexpired break-glass), enforced in PeopleService and PatientAccess themselves, on
 * PostgreSQL. On the code before issue 14 every doctor and nurse read and listed every patient.
 */
class CareRelationshipsTest {
    private static final AuthenticatedUser DR_A = user(2, "dr.a", Roles.DOCTOR);
    private static final AuthenticatedUser DR_B = user(3, "dr.b", Roles.DOCTOR);
    private static final AuthenticatedUser NURSE = user(4, "nurse.n", Roles.NURSE);
    private static final AuthenticatedUser DESK = user(5, "desk", Roles.FRONT_DESK);
    private static final AuthenticatedUser EXPORT = user(6, "export", Roles.EXPORT);
    private static final AuthenticatedUser GUEST_DOCTOR = user(7, "dr.guest", Roles.DOCTOR);
    private static final AuthenticatedUser COLLEAGUE = user(8, "dr.colleague", Roles.DOCTOR);

    private static AuthenticatedUser user(long id, String name, String... roles) {
        return new AuthenticatedUser(id, name, name, Set.of(roles));
    }

    private static String doctor(Hub h, String username, String clinic) {
        String id = h.people().createDoctor(h.admin(), new PeopleService.NewDoctor(username, "Dr " + username, null,
                clinic, "UTC", 30)).id();
        Map<String, List<ScheduleService.Hours>> weekly = new java.util.LinkedHashMap<>();
        for (String d : List.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")) {
            weekly.put(d, List.of(new ScheduleService.Hours("00:00", "24:00")));
        }
        h.schedule().setAvailability(h.admin(), id, new ScheduleService.Availability("UTC", 30, weekly, List.of()));
        return id;
    }

    private static String patient(Hub h, AuthenticatedUser by, String name) {
        return h.people().createPatient(by, new PeopleService.NewPatient(null, name, "1980-01-01", null, null, null))
                .id();
    }

    private static List<String> listed(Hub h, AuthenticatedUser who) {
        return h.people().patients(who, 0, 100).stream().map(PeopleService.Patient::id).toList();
    }

    private static int status(org.junit.jupiter.api.function.Executable x) {
        return BookingTest.status(assertThrows(DomainException.class, x));
    }

    @Test
    void clinicianReachesOnlyPatientsInTheirCare() throws Exception {
        Hub h = BookingTest.hub();
        String a = doctor(h, "dr.a", "North");
        doctor(h, "dr.b", "South");
        String p1 = patient(h, h.admin(), "Pat One");
        String p2 = patient(h, h.admin(), "Pat Two");
        Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(2)).plus(Duration.ofHours(9));
        h.encounters().book(h.admin(), new EncounterService.BookingRequest("video", a, p1, start.toString(), 30, null,
                null, List.of(new EncounterService.ParticipantRequest("colleague", "Col", null, "dr.colleague"),
                        new EncounterService.ParticipantRequest("guest", "Guest", null, "dr.guest")), false, null));

        // the visit's doctor and an invited colleague reach p1, nobody reaches p2
        assertEquals(p1, h.people().patient(DR_A, p1).id());
        assertEquals(List.of(p1), listed(h, DR_A));
        assertTrue(h.care().reaches(COLLEAGUE, p1));
        assertFalse(h.care().reaches(GUEST_DOCTOR, p1), "a guest is there for the conversation, not the record");
        assertEquals(404, status(() -> h.people().patient(DR_A, p2)));

        // another doctor, a nurse: nothing, and the patient does not exist for them
        assertEquals(404, status(() -> h.people().patient(DR_B, p1)));
        assertEquals(List.of(), listed(h, DR_B));
        assertEquals(List.of(), listed(h, NURSE));
        assertEquals(Set.of(), h.care().reachable(DR_B, List.of(p1, p2)));

        // the treating doctor puts the nurse on the care team; another doctor may not (404: not theirs)
        h.care().addToCareTeam(DR_A, p1, "nurse.n");
        assertEquals(List.of(p1), listed(h, NURSE));
        assertEquals(p1, h.people().patient(NURSE, p1).id());
        assertEquals(404, status(() -> h.care().addToCareTeam(DR_B, p1, "dr.b")));
        assertEquals(403, status(() -> h.care().addToCareTeam(NURSE, p1, "dr.b")), "a member does not assign");
        assertEquals(List.of("nurse.n"), h.care().careTeam(NURSE, p1).stream().map(m -> m.username()).toList());

        // a clinic administrator assigns doctors of their clinic only
        AuthenticatedUser south = user(9, "admin.south", Roles.clinicAdmin("South"));
        AuthenticatedUser north = user(10, "admin.north", Roles.clinicAdmin("North"));
        ForbiddenException other = assertThrows(ForbiddenException.class,
                () -> h.care().addToCareTeam(north, p2, "dr.b"));
        assertEquals("username", other.field());
        h.care().addToCareTeam(south, p2, "dr.b");
        assertEquals(List.of(p2), listed(h, DR_B));
        assertEquals(404, status(() -> h.people().patient(south, p2)), "an administrator is not a clinician");
        assertTrue(h.care().removeFromCareTeam(south, p2, "dr.b"));
        assertEquals(List.of(), listed(h, DR_B));

        // nobody books their way to a stranger: a visit would make the doctor a carer (answered as for no patient)
        DomainException booked = assertThrows(DomainException.class, () -> h.encounters().book(DR_B,
                new EncounterService.BookingRequest("video", a, p1, start.plus(Duration.ofHours(2)).toString(), 30,
                        null, null, null, false, null)));
        assertEquals(422, BookingTest.status(booked));
        assertEquals("patientId", booked.field());
        assertEquals("No patient " + p1, booked.detail());
        assertFalse(h.care().reaches(DR_B, p1));

        // removing the nurse ends the nurse's reach
        assertTrue(h.care().removeFromCareTeam(DR_A, p1, "nurse.n"));
        assertEquals(404, status(() -> h.people().patient(NURSE, p1)));
    }

    @Test
    void breakGlassNeedsAReasonAndEnds() throws Exception {
        Hub h = BookingTest.hub();
        String p = patient(h, h.admin(), "Pat Glass");
        InvalidException noReason = assertThrows(InvalidException.class, () -> h.care().breakGlass(DR_B, p, " "));
        assertEquals("reason", noReason.field());
        assertEquals(403, status(() -> h.care().breakGlass(DESK, p, "curious")));
        assertEquals(404, status(() -> h.care().breakGlass(DR_B, "nobody", "emergency")));
        assertFalse(h.care().reaches(DR_B, p));

        var g = h.care().breakGlass(DR_B, p, "unconscious in the emergency room");
        assertEquals(60, Duration.between(g.grantedAt(), g.expiresAt()).toMinutes(), "the configured default");
        assertEquals(p, h.people().patient(DR_B, p).id());
        assertEquals(List.of(p), listed(h, DR_B));
        h.jdbi().useHandle(x -> x.execute("UPDATE encounter_break_glass SET expires_at = now() - interval '1 second'"));
        assertEquals(404, status(() -> h.people().patient(DR_B, p)), "expired");
        assertEquals(List.of(), listed(h, DR_B));
    }

    /**
     * Issue 15: a clinician who has a second factor confirms break-glass with a current code; without it or with a
     * wrong one nothing is granted. Before, a session alone broke the glass.
     */
    @Test
    void breakGlassIsReconfirmedWithTheSecondFactor() throws Exception {
        Hub h = BookingTest.hub();
        String p = patient(h, h.admin(), "Pat Second");
        AuthenticatedUser dr = user(21, "dr.totp-glass", Roles.DOCTOR);
        BookingTest.SECOND_FACTORS.enrol(dr.username(), "246810");
        org.telehub.domain.ForbiddenException none = assertThrows(org.telehub.domain.ForbiddenException.class,
                () -> h.care().breakGlass(dr, p, "unconscious in the emergency room"));
        assertEquals("totp", none.field());
        assertEquals(403, status(() -> h.care().breakGlass(dr, p, "unconscious in the emergency room", "135791")));
        assertFalse(h.care().reaches(dr, p), "nothing granted");
        h.care().breakGlass(dr, p, "unconscious in the emergency room", "246810");
        assertTrue(h.care().reaches(dr, p));
    }

    @Test
    void frontDeskFindsByExactNameAndBirthDateExportPagesAll() throws Exception {
        Hub h = BookingTest.hub();
        String p1 = patient(h, DESK, "Ana Silva");
        String p2 = patient(h, h.admin(), "Bo Berg");
        assertEquals(403, status(() -> h.people().patients(DESK, 0, 100)), "no paging through everyone");
        assertEquals(403, status(() -> h.people().patients(h.admin(), 0, 100)));
        assertEquals(List.of(p1), h.people().findPatients(DESK, "ana silva", "1980-01-01").stream()
                .map(PeopleService.Patient::id).toList());
        assertEquals(List.of(), h.people().findPatients(DESK, "Ana", "1980-01-01"), "exact, not a prefix");
        InvalidException noDate = assertThrows(InvalidException.class,
                () -> h.people().findPatients(DESK, "Ana Silva", null));
        assertEquals("birthDate", noDate.field());
        assertEquals(p1, h.people().patient(DESK, p1).id(), "front desk reads demographics to book");
        assertEquals(Set.of(p1, p2), Set.copyOf(listed(h, EXPORT)));
        assertEquals(403, status(() -> h.people().findPatients(user(11, "pat", Roles.PATIENT), "Ana Silva",
                "1980-01-01")));

        // the clinician who registers a patient is on their care team
        String mine = patient(h, NURSE, "Cy Nurse");
        assertEquals(List.of(mine), listed(h, NURSE));
        assertThrows(NotFoundException.class, () -> h.people().patient(NURSE, p2));
    }
}
