package org.telehub.adapter.endoscopy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ProcedureSummary;
import org.telehub.testing.dicom.Wlmscpfs;

/**
 * The procedure list against DCMTK's wlmscpfs, a worklist the test writes with dump2dcm: names in Persian (UTF-8),
 * Japanese (ISO 2022 IR 87) and Latin-1; steps of another modality and another station left out as configured.
 */
class WorklistTest {
    @TempDir
    static Path dir;
    private static Wlmscpfs wl;

    @BeforeAll
    static void worklist() throws Exception {
        wl = Wlmscpfs.start(dir, "ENDOWL");
        wl.add("persian", step("ISO_IR 192", "رحیمی^سارا", "PAT-FA", "ACC-FA-1", "20261210", "093000", "ENDO1",
                "ES", "SPS-FA-1", "Colonoscopy", "+0330"), StandardCharsets.UTF_8);
        wl.add("japanese", step("\\ISO 2022 IR 87", "Yamada^Tarou=山田^太郎", "PAT-JA", "ACC-JA-1", "20261211",
                "1400", "ENDO1", "ES", "SPS-JA-1", "Gastroscopy", ""), Charset.forName("ISO-2022-JP"));
        wl.add("latin", step("ISO_IR 100", "Müller^José", "PAT-DE", "ACC-DE-1", "20261212", "080000", "ENDO1", "ES",
                "SPS-DE-1", "ERCP", ""), StandardCharsets.ISO_8859_1);
        // the same Latin patient: a CT (another modality) and an endoscopy on another station
        wl.add("latin-ct", step("ISO_IR 100", "Müller^José", "PAT-DE", "ACC-DE-2", "20261212", "100000", "CT1",
                "CT", "SPS-DE-2", "CT abdomen", ""), StandardCharsets.ISO_8859_1);
        wl.add("latin-other-room", step("ISO_IR 100", "Müller^José", "PAT-DE", "ACC-DE-3", "20261213", "110000",
                "ENDO2", "ES", "SPS-DE-3", "Sigmoidoscopy", ""), StandardCharsets.ISO_8859_1);
    }

    @AfterAll
    static void stop() {
        if (wl != null) {
            wl.close();
        }
    }

    /** One worklist entry (dicom-peers' form), with or without an offset. */
    private static String step(String charset, String name, String patientId, String accession, String date,
            String time, String station, String modality, String stepId, String description, String offset) {
        return Wlmscpfs.step(charset, name, patientId, accession, date, time, offset.isEmpty() ? null : offset,
                station, modality, stepId, description);
    }

    /** The generic profile's settings with {@code values} configured. */
    static Settings config(Map<String, Object> values) {
        return Settings.of(Settings.GENERIC, values);
    }

    private static EndoscopyAdapter adapter(Map<String, Object> more) {
        Map<String, Object> values = new java.util.HashMap<>(Map.of("id", "endo-1", "worklistHost", "127.0.0.1",
                "worklistPort", wl.port(), "worklistAe", "ENDOWL", "timeZone", "UTC", "timeoutMillis", 5000));
        values.putAll(more);
        try {
            return new EndoscopyAdapter(config(values), "test", null, null, dir.resolve("data"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aPatientsEndoscopiesInTheirOwnScript() throws Exception {
        EndoscopyAdapter a = adapter(Map.of());
        a.connect();
        assertEquals("UP", a.health().state().name());
        List<ProcedureSummary> fa = a.procedures("PAT-FA");
        assertEquals(1, fa.size(), fa.toString());
        ProcedureSummary p = fa.get(0);
        assertEquals("SPS-FA-1", p.procedureId());
        assertEquals("Colonoscopy", p.type());
        assertEquals("SCHEDULED", p.status());
        assertEquals("ACC-FA-1", p.accessionNumber());
        assertEquals("ENDO1", p.stationAe());
        assertEquals("ES", p.modality());
        assertEquals(Instant.parse("2026-12-10T09:30:00Z"), p.performedAt(), "no offset in the answer: the zone's");
        assertEquals(Instant.parse("2026-12-11T14:00:00Z"), a.procedures("PAT-JA").get(0).performedAt(),
                "no offset: the configured zone");
        assertEquals(List.of("SPS-DE-1", "SPS-DE-3"), a.procedures("PAT-DE").stream()
                .map(ProcedureSummary::procedureId).sorted().toList(), "the CT is not an endoscopy");
        assertEquals(List.of(), a.procedures("PAT-NOBODY"));
    }

    /**
     * wlmscpfs answers every entry labelled with the query's Specific Character Set, whatever the entry was
     * written in (measured: it neither converts nor declares the entry's own), so the adapter's {@code
     * characterSet} is the one the site's worklist writes; ISO 2022 escapes are read whatever the label says.
     */
    @Test
    void namesAreReadInTheCharacterSetTheWorklistWrites() throws Exception {
        assertEquals("رحیمی سارا", worklist("ISO_IR 192").find("PAT-FA").get(0).patientName());
        assertEquals("Yamada Tarou=山田 太郎", worklist("\\ISO 2022 IR 87").find("PAT-JA").get(0).patientName());
        assertEquals("Yamada Tarou=山田 太郎", worklist("ISO_IR 192").find("PAT-JA").get(0).patientName(),
                "escapes under a label that does not switch on them");
        assertEquals("Müller José", worklist("ISO_IR 100").find("PAT-DE").get(0).patientName());
    }

    private static Worklist worklist(String characterSet) {
        return new Worklist(new Worklist.Provider("127.0.0.1", wl.port(), "ENDOWL", "TELEHUB", "ES", "", characterSet,
                java.time.ZoneOffset.UTC, 5000));
    }

    @Test
    void scheduledTimesInTheOffsetTheyNameElseInTheZone() {
        java.time.ZoneId tehran = java.time.ZoneId.of("Asia/Tehran");
        assertEquals(Instant.parse("2026-12-10T06:00:00Z"), Worklist.when("20261210", "093000", "+0330", tehran));
        assertEquals(Instant.parse("2026-12-10T06:00:00Z"), Worklist.when("20261210", "0930", "", tehran));
        assertEquals(Instant.parse("2026-12-10T09:30:00Z"), Worklist.when("20261210", "09:30:00.25", "+0000",
                tehran), "the ACR-NEMA colons and a fraction");
        assertEquals(null, Worklist.when("", "0930", "", tehran));
    }

    @Test
    void aStationAndAModalityNarrowTheList() throws Exception {
        assertEquals(List.of("SPS-DE-3"), adapter(Map.of("stationAe", "ENDO2")).procedures("PAT-DE").stream()
                .map(ProcedureSummary::procedureId).toList());
        assertEquals(List.of("SPS-DE-2"), adapter(Map.of("modality", "CT")).procedures("PAT-DE").stream()
                .map(ProcedureSummary::procedureId).toList());
    }

    @Test
    void aWorklistThatIsNotThereOrRefusesSaysWhy() throws Exception {
        int closed = freePort();
        AdapterException down = assertThrows(AdapterException.class, () -> adapter(Map.of("worklistPort", closed))
                .procedures("PAT-FA"));
        assertTrue(down.retryable() && down.getMessage().contains("127.0.0.1:" + closed), down.getMessage());
        AdapterException wildcard = assertThrows(AdapterException.class, () -> adapter(Map.of()).procedures("PAT*"));
        assertFalse(wildcard.retryable());
        assertThrows(IllegalArgumentException.class, () -> adapter(Map.of("worklistAe", "A\\B")));
        EndoscopyAdapter a = adapter(Map.of());
        AdapterException noArchive = assertThrows(AdapterException.class, () -> a.sendAnalysisResult("PAT-FA",
                new org.telehub.integration.api.AnalysisResult("SPS-FA-1", "polyp", "0.93"), "k1"));
        assertTrue(noArchive.getMessage().contains("forwardTo or the system's store named by resultsStore; neither is set"),
                noArchive.getMessage());
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
