package org.telehub.core.encounter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.ExternalBookings;
import org.telehub.core.encounter.ExternalBookings.Appointment;
import org.telehub.core.encounter.ExternalBookings.Booked;
import org.telehub.core.encounter.internal.BookingTest.Hub;
import org.telehub.core.encounter.internal.encounter.ExternalBookingsImpl;
import org.telehub.core.encounter.internal.join.JoinLinks;
import org.telehub.core.encounter.internal.schedule.Booking;
import org.telehub.domain.ConflictException;
import org.telehub.domain.DomainException;
import org.telehub.domain.UnprocessableException;
import org.telehub.security.AuthenticatedUser;

/** Visits an external scheduler books, moves and cancels by its appointment ids, on a real PostgreSQL. */
class ExternalBookingsTest {
    private static final AuthenticatedUser HIS = new AuthenticatedUser(0, "system:hl7:his", "HL7 v2 his", Set.of());

    private static ExternalBookings bookings(Hub h) {
        EncounterDb db = new EncounterDb(h.jdbi());
        return new ExternalBookingsImpl(db, new Booking(db, h.config()), h.links(), h.fanOut(), BookingTest.NO_AUDIT,
                org.telehub.security.internal.DbVisitIdentities.over(h.jdbi(), java.time.Clock.systemUTC()),
                h.config());
    }

    private static Booked book(Hub h, ExternalBookings b, String appointment, Appointment a) {
        return h.jdbi().inTransaction(tx -> b.book(tx, HIS, "his", appointment, a));
    }

    private static Optional<String> cancel(Hub h, ExternalBookings b, String appointment) {
        return h.jdbi().inTransaction(tx -> b.cancel(tx, HIS, "his", appointment, "Patient called"));
    }

    private static List<String> events(Hub h, String encounterId) {
        return h.jdbi().withHandle(x -> x.createQuery("SELECT type FROM encounter_event WHERE encounter_id = :e"
                + " ORDER BY sequence").bind("e", encounterId).mapTo(String.class).list());
    }

    @Test
    void anAppointmentIsOneVisitBookedMovedAndCancelledByItsId() throws Exception {
        Hub h = BookingTest.hub();
        ExternalBookings b = bookings(h);
        // no working hours in Telehub at all: the scheduler keeps this doctor's calendar
        String doctor = h.people().createDoctor(h.admin(), new org.telehub.core.encounter.PeopleService.NewDoctor(
                "dr.ext", "Dr External", "GP", "Clinic", "UTC", 20)).id();
        String patient = BookingTest.patient(h, "Ext Patient");
        Instant at = BookingTest.tomorrow(10);
        Booked first = book(h, b, "A-1", new Appointment("video", "dr.ext", patient, at, null, "Follow-up"));
        assertTrue(first.created());
        AuthenticatedUser dr = new AuthenticatedUser(7, "dr.ext", "Dr External", Set.of("doctor"));
        EncounterService.EncounterDetails seen = h.encounters().get(dr, first.encounterId());
        assertEquals(doctor, seen.doctorId());
        assertEquals(20, seen.durationMinutes(), "the doctor's slot when the scheduler sends no length");
        assertEquals("Follow-up", seen.chiefComplaint());
        assertEquals("system:hl7:his", seen.createdBy());
        assertTrue(seen.accessCode() != null && seen.roomId() != null, "a video visit gets its room and code");
        assertTrue(h.care().reaches(dr, patient), "the booking makes the doctor a carer");

        Booked again = book(h, b, "A-1", new Appointment("video", "dr.ext", patient, at, null, "Follow-up"));
        assertEquals(new Booked(first.encounterId(), false, false), again, "the same appointment again: nothing");
        Booked moved = book(h, b, "A-1", new Appointment("video", "dr.ext", patient, at.plus(Duration.ofHours(2)),
                45, null));
        assertEquals(new Booked(first.encounterId(), false, true), moved);
        seen = h.encounters().get(dr, first.encounterId());
        assertEquals(at.plus(Duration.ofHours(2)), seen.scheduledStart());
        assertEquals(45, seen.durationMinutes());

        assertEquals(Optional.of(first.encounterId()), cancel(h, b, "A-1"));
        assertEquals(EncounterService.CANCELLED, h.encounters().get(dr, first.encounterId()).status());
        assertEquals("Patient called", h.encounters().get(dr, first.encounterId()).cancelReason());
        assertEquals(Optional.of(first.encounterId()), cancel(h, b, "A-1"), "cancelled twice: the same visit");
        assertEquals(List.of("booked", "rescheduled", "cancelled"), events(h, first.encounterId()).stream()
                .map(s -> s.toLowerCase(java.util.Locale.ROOT)).toList());
        assertEquals(Optional.empty(), cancel(h, b, "never-booked"));
        assertEquals(Optional.of("A-1"), b.appointment("his", first.encounterId()));
        assertEquals(Optional.empty(), b.appointment("other-system", first.encounterId()));
        ConflictException reused = assertThrows(ConflictException.class, () -> book(h, b, "A-1",
                new Appointment("video", "dr.ext", patient, at.plus(Duration.ofHours(2)), 45, null)));
        assertTrue(reused.detail().contains("cancelled"), reused.detail());
    }

    @Test
    void whatCannotBeBookedSaysWhyAndWritesNothing() throws Exception {
        Hub h = BookingTest.hub();
        ExternalBookings b = bookings(h);
        BookingTest.doctor(h, "Dr Busy", "dr.busy");
        BookingTest.doctor(h, "Dr Other", "dr.other");
        String patient = BookingTest.patient(h, "P");
        String other = BookingTest.patient(h, "Q");
        Instant at = BookingTest.tomorrow(9);
        assertField(UnprocessableException.class, "doctor", () -> book(h, b, "B-1",
                new Appointment("video", "nobody", patient, at, 30, null)));
        assertField(UnprocessableException.class, "patientId", () -> book(h, b, "B-1",
                new Appointment("video", "dr.busy", "no-such-patient", at, 30, null)));
        assertField(UnprocessableException.class, "scheduledStart", () -> book(h, b, "B-1",
                new Appointment("video", "dr.busy", patient, Instant.now().minus(Duration.ofDays(1))
                        .truncatedTo(java.time.temporal.ChronoUnit.MINUTES), 30, null)));
        assertField(UnprocessableException.class, "start", () -> book(h, b, "B-1",
                new Appointment("video", "dr.busy", patient, at.plusSeconds(30), 30, null)));
        assertField(org.telehub.domain.InvalidException.class, "type", () -> book(h, b, "B-1",
                new Appointment("house-call", "dr.busy", patient, at, 30, null)));
        assertEquals(0L, count(h), "nothing written");

        book(h, b, "B-1", new Appointment("video", "dr.busy", patient, at, 30, null));
        assertField(ConflictException.class, "scheduledStart", () -> book(h, b, "B-2",
                new Appointment("video", "dr.busy", other, at.plus(Duration.ofMinutes(15)), 30, null)));
        assertField(UnprocessableException.class, "doctor", () -> book(h, b, "B-1",
                new Appointment("video", "dr.other", patient, at, 30, null)));
        assertField(UnprocessableException.class, "patientId", () -> book(h, b, "B-1",
                new Appointment("video", "dr.busy", other, at, 30, null)));
        assertEquals(1L, count(h));
        assertFalse(h.jdbi().withHandle(x -> x.createQuery("SELECT COUNT(*) FROM encounter_external_booking WHERE"
                + " appointment_id = 'B-2'").mapTo(Long.class).one()) > 0);
    }

    private static long count(Hub h) {
        return h.jdbi().withHandle(x -> x.createQuery("SELECT COUNT(*) FROM encounter").mapTo(Long.class).one());
    }

    private static void assertField(Class<? extends DomainException> kind, String field,
            org.junit.jupiter.api.function.Executable x) {
        DomainException e = assertThrows(kind, x);
        assertEquals(field, e.field(), e.detail());
    }
}
