package org.telehub.adapter.hl7v2.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;

import ca.uhn.hl7v2.model.v251.message.SIU_S12;

import org.junit.jupiter.api.Test;
import org.telehub.domain.DomainException;

/** What a scheduling message asks for, read as the versions and fields senders use. */
class AppointmentsTest {
    private static final Appointments.Scheduling TEHRAN = Appointments.Scheduling.of("video", "Asia/Tehran",
            new String[] {"4711=dr.rahimi", " 99 = dr.other "});

    private static SIU_S12 parse(String text) throws Exception {
        return (SIU_S12) new Codec().parser().parse(text.replace('\n', '\r'));
    }

    @Test
    void aVersion23BookingWithItsTimesInSch11() throws Exception {
        SIU_S12 siu = parse("MSH|^~\\&|SCHED|NORTH|TELEHUB|HUB|20261205||SIU^S12|S1|P|2.3\n"
                + "SCH|P-1|F-1|||||^Knee pain||||^^^202612101030^202612101050\n"
                + "PID|1||MRN-1^^^HIS^MR||Doe^Jane\n"
                + "RGS|1\nAIP|1||0815^Nurse^Ann\nAIP|2||4711^Rahimi^Sara");
        Appointments.Request r = Appointments.read(siu, TEHRAN);
        assertEquals("F-1", r.appointmentId(), "the filler's id first");
        assertEquals(Instant.parse("2026-12-10T07:00:00Z"), r.start(), "10:30 in Tehran (UTC+3:30)");
        assertEquals(20, r.durationMinutes());
        assertEquals("dr.rahimi", r.doctorUsername(), "the first personnel resource that is a mapped doctor");
        assertEquals("Knee pain", r.reason());
        assertEquals("MRN-1", Header.of(siu, "MR").patientIdentifier());
        assertEquals("SIU^S12", Header.of(siu, "MR").messageType());
    }

    @Test
    void aVersion251BookingWithTheServicesTimeAndAnOffset() throws Exception {
        SIU_S12 siu = parse("MSH|^~\\&|SCHED|NORTH|TELEHUB|HUB|20261205||SIU^S13^SIU_S12|S2|P|2.5.1\n"
                + "SCH|P-2||||||||||||||||||||||||Booked\n"
                + "PID|1||MRN-2^^^HIS^MR||Doe^John\n"
                + "RGS|1\nAIS|1||CONS^Consultation|202612101400+0100|||2|h\nAIP|1||99^Other");
        Appointments.Request r = Appointments.read(siu, TEHRAN);
        assertEquals("P-2", r.appointmentId(), "the placer's id when there is no filler's");
        assertEquals(Instant.parse("2026-12-10T13:00:00Z"), r.start(), "its own offset wins over the zone");
        assertEquals(120, r.durationMinutes());
        assertEquals("dr.other", r.doctorUsername());
    }

    @Test
    void whatCannotBeReadIsNamed() throws Exception {
        String head = "MSH|^~\\&|SCHED|NORTH|TELEHUB|HUB|20261205||SIU^S12|S3|P|2.5.1\n";
        assertField("AIP-3", () -> Appointments.read(parse(head + "SCH|P-3|F-3|||||||||^^^202612101030\n"
                + "PID|1||M^^^HIS^MR||Doe^J\nRGS|1\nAIP|1||12345^Unknown"), TEHRAN));
        assertField("SCH-11", () -> Appointments.read(parse(head + "SCH|P-3|F-3\nPID|1||M^^^HIS^MR||Doe^J\n"
                + "RGS|1\nAIP|1||4711"), TEHRAN));
        assertField("SCH-11", () -> Appointments.read(parse(head + "SCH|P-3|F-3|||||||||^^^tomorrow\n"
                + "PID|1||M^^^HIS^MR||Doe^J\nRGS|1\nAIP|1||4711"), TEHRAN));
        assertField("SCH-11", () -> Appointments.read(parse(head + "SCH|P-3|F-3|||||||||^^^202612101030^"
                + "202612101000\nPID|1||M^^^HIS^MR||Doe^J\nRGS|1\nAIP|1||4711"), TEHRAN));
        assertField("AIS-7", () -> Appointments.read(parse(head + "SCH|P-3|F-3\nPID|1||M^^^HIS^MR||Doe^J\n"
                + "RGS|1\nAIS|1||C|202612101400|||2|fortnights\nAIP|1||4711"), TEHRAN));
        assertField("SCH-2", () -> Appointments.appointmentId(new ca.uhn.hl7v2.util.Terser(parse(head
                + "SCH|||||||||||^^^202612101030\nPID|1||M^^^HIS^MR||Doe^J"))));
    }

    @Test
    void aConfigurationThatCannotBookIsRefusedNamingTheSetting() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Appointments.Scheduling.of("video", "",
                new String[] {"4711"})).getMessage().startsWith("doctors:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Appointments.Scheduling.of("house-call", "",
                new String[0])).getMessage().startsWith("visitType:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Appointments.Scheduling.of("video",
                "Mars/Olympus", new String[0])).getMessage().startsWith("timeZone:"));
        assertEquals(Map.of("4711", "dr.rahimi", "99", "dr.other"), TEHRAN.doctors());
    }

    private static void assertField(String field, org.junit.jupiter.api.function.Executable x) {
        DomainException e = assertThrows(DomainException.class, x);
        assertEquals(field, e.field(), e.detail());
    }
}
