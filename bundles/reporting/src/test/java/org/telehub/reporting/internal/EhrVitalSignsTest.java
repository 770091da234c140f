package org.telehub.reporting.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.telehub.integration.api.ObservationValue;

/** What the EHR's vital signs look like in a draft: the visit's window only, one line each, the doctor's clock. */
class EhrVitalSignsTest {
    private static final Instant FROM = Instant.parse("2026-12-05T06:00:00Z");
    private static final Instant TO = Instant.parse("2026-12-05T10:30:00Z");

    private static ObservationValue v(String display, Double value, String unit, String text, String at) {
        return new ObservationValue("8867-4", "http://loinc.org", display, value, unit, text,
                at == null ? null : Instant.parse(at), null);
    }

    @Test
    void theWindowsReadingsOneLineEachInTheDoctorsZone() {
        String text = EhrVitalSigns.lines(List.of(
                v("Heart rate", 72.0, "/min", null, "2026-12-05T10:12:00Z"),
                v(null, 37.25, "Cel", null, "2026-12-05T07:00:00Z"),
                v("Blood pressure", null, null, "138/86 mmHg", "2026-12-05T06:30:00Z"),
                v("Weight", 81.0, "kg", null, "2026-12-04T09:00:00Z"), // the day before: not this visit's
                v("Heart rate", 90.0, "/min", null, null)), // no time: cannot be placed
                FROM, TO, ZoneId.of("Asia/Tehran"));
        assertEquals("Heart rate: 72 /min (2026-12-05 13:42)\n8867-4: 37.25 Cel (2026-12-05 10:30)\n"
                + "Blood pressure: 138/86 mmHg (2026-12-05 10:00)", text);
        assertNull(EhrVitalSigns.lines(List.of(v("Weight", 81.0, "kg", null, "2026-12-04T09:00:00Z")), FROM, TO,
                ZoneId.of("UTC")));
    }
}
