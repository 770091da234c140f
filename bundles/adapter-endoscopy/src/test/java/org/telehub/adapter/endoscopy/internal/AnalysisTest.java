package org.telehub.adapter.endoscopy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.dicom.net.DicomFiles;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AnalysisResult;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.InstanceIntake;
import org.telehub.integration.api.PerformedStep;
import org.telehub.integration.api.PerformedSteps;
import org.telehub.integration.api.ReceivedInstance;
import org.telehub.integration.spi.Result;
import org.telehub.integration.spi.ResultPart;
import org.telehub.testing.dicom.Dcmtk;
import org.telehub.testing.dicom.Wlmscpfs;

/**
 * An analysis result back to the endoscopy system: a TID 1500 structured report in the procedure's study, read back
 * with DCMTK's {@code dsrdump}; the procedure found in a real worklist (wlmscpfs) or among the performed steps.
 */
class AnalysisTest {
    @TempDir
    static Path dir;
    private static Wlmscpfs wl;

    /** What the hub's intake was handed: the instance, its accession, a copy of the file, the archive. */
    record Kept(ReceivedInstance instance, String accession, Path file, List<String> forwardTo) {
    }

    private final List<Kept> kept = new CopyOnWriteArrayList<>();
    private final InstanceIntake intake = (adapterId, instance, accession, file, forwardTo) -> {
        try {
            Path copy = Files.copy(file, dir.resolve("kept-" + kept.size() + ".dcm"),
                    StandardCopyOption.REPLACE_EXISTING);
            kept.add(new Kept(instance, accession, copy, forwardTo));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    };

    @BeforeAll
    static void worklist() throws Exception {
        wl = Wlmscpfs.start(dir, "ENDOWL");
        wl.add("persian", Wlmscpfs.step("ISO_IR 192", "رحیمی^سارا", "PAT-FA", "ACC-FA-1", "20261210", "093000",
                null, "ENDO1", "ES", "SPS-FA-1", "Colonoscopy"), StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() {
        if (wl != null) {
            wl.close();
        }
    }

    private EndoscopyAdapter adapter(Map<String, Object> more, PerformedSteps steps) throws IOException {
        Map<String, Object> values = new HashMap<>(Map.of("id", "endo-1", "worklistHost", "127.0.0.1",
                "worklistPort", wl.port(), "worklistAe", "ENDOWL", "timeZone", "Asia/Tehran", "timeoutMillis", 5000,
                "forwardTo", "pacs-1"));
        values.putAll(more);
        return new EndoscopyAdapter(WorklistTest.config(values), "test", intake, steps, dir.resolve("data"));
    }

    private static final AnalysisResult POLYP = new AnalysisResult("SPS-FA-1", "پولیپ ۶ میلی‌متری در سیگموئید",
            "Paris 0-Is, NICE 2", "68496003", "http://snomed.info/sct", "Polyp of colon", 0.934, "PolypNet", "2.1.0");

    private static final PerformedSteps NONE = steps(List.of());

    /** The manager's performed steps as far as a result needs them: read only. */
    private static PerformedSteps steps(List<PerformedStep> all) {
        return new PerformedSteps() {
            @Override
            public List<PerformedStep> ofPatient(String adapterId, String patientId) {
                return all.stream().filter(s -> s.patientId().equals(patientId)).toList();
            }

            @Override
            public boolean create(String adapterId, PerformedStep step) {
                throw new UnsupportedOperationException();
            }

            @Override
            public java.util.Optional<PerformedStep> find(String adapterId, String uid) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Update update(String adapterId, PerformedStep step) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void aFindingGoesIntoTheProceduresStudyAsAMeasurementReportThatDsrdumpReads() throws Exception {
        EndoscopyAdapter a = adapter(Map.of(), NONE);
        DeliveryReceipt receipt = a.sendAnalysisResult("PAT-FA", POLYP, "delivery-7/0");
        assertEquals(AnalysisReport.sopInstanceUid("delivery-7/0"), receipt.remoteId());
        assertEquals(1, kept.size());
        Kept k = kept.get(0);
        assertEquals(List.of("pacs-1"), k.forwardTo());
        assertEquals("ACC-FA-1", k.accession());
        assertEquals("PAT-FA", k.instance().patientId());
        assertEquals(receipt.remoteId(), k.instance().sopInstanceUid());
        assertEquals("SR", k.instance().modality());
        String study = Wlmscpfs.studyInstanceUid("ACC-FA-1");
        assertEquals(study, k.instance().studyInstanceUid(), "the worklist's study");
        assertFalse(Files.exists(dir.resolve("data/endo-1/outgoing").resolve(receipt.remoteId() + ".dcm")),
                "the hub keeps it; the adapter's copy is gone");

        Dcmtk.Result sr = Dcmtk.dsrdump(k.file());
        assertEquals(0, sr.exit(), sr.output());
        String out = sr.output();
        for (String expected : List.of("Comprehensive SR Document", "رحیمی سارا", "PAT-FA",
                "(126000,DCM,\"Imaging Measurement Report\")", "TID 1500 (DCMR)", "TID 1501 (DCMR)",
                "(121005,DCM,\"Observer Type\")=(121007,DCM,\"Device\")", "\"PolypNet\"",
                "(121071,DCM,\"Finding\")=(68496003,SCT,\"Polyp of colon\")",
                "(111012,DCM,\"Certainty of Finding\")=\"93.4\" (%,UCUM,\"Percent\")",
                "(111001,DCM,\"Algorithm Name\")=\"PolypNet\"", "(111003,DCM,\"Algorithm Version\")=\"2.1.0\"",
                "پولیپ ۶ میلی‌متری در سیگموئید", "Paris 0-Is, NICE 2", "(423827005,SCT,\"Endoscopy\")")) {
            assertTrue(out.contains(expected), "dsrdump shows " + expected + ":\n" + out);
        }
        assertFalse(out.contains("violates"), "every value as its VR allows: " + out);
        AttributeList head = DicomFiles.head(k.file());
        assertEquals("ACC-FA-1", DicomFiles.s(head, TagFromName.AccessionNumber));
        assertEquals(study, DicomFiles.s(head, TagFromName.StudyInstanceUID));

        // the delivery retried: the same instance again, which the archive keeps once
        assertEquals(receipt.remoteId(), a.sendAnalysisResult("PAT-FA", POLYP, "delivery-7/0").remoteId());
        assertEquals(kept.get(0).instance(), kept.get(1).instance());
    }

    /**
     * For systems that show images and not SR: a Secondary Capture with the finding burned in, beside the SR in the
     * same study, which DCMTK converts to a picture; its Persian words drawn in a font that has them.
     */
    @Test
    void aSecondaryCaptureCarriesTheFindingForSystemsThatCannotShowSr() throws Exception {
        EndoscopyAdapter a = adapter(Map.of("analysisObjects", "SR, SC"), NONE);
        DeliveryReceipt receipt = a.sendAnalysisResult("PAT-FA", POLYP, "delivery-9/0");
        assertEquals(AnalysisReport.sopInstanceUid("delivery-9/0") + "," + AnalysisImage.sopInstanceUid("delivery-9/0"),
                receipt.remoteId());
        assertEquals(2, kept.size());
        Kept sc = kept.get(1);
        assertEquals(AnalysisImage.SOP_CLASS, sc.instance().sopClassUid());
        assertEquals(kept.get(0).instance().studyInstanceUid(), sc.instance().studyInstanceUid(), "the same study");
        AttributeList head = DicomFiles.head(sc.file());
        assertEquals("YES", DicomFiles.s(head, TagFromName.BurnedInAnnotation));
        assertEquals("ACC-FA-1", DicomFiles.s(head, TagFromName.AccessionNumber));
        Path picture = dir.resolve("capture.pgm");
        Dcmtk.Result converted = Dcmtk.run(Dcmtk.TIMEOUT, List.of("dcm2pnm", "--write-raw-pnm",
                sc.file().toString(), picture.toString()));
        assertEquals(0, converted.exit(), converted.output());
        byte[] pgm = Files.readAllBytes(picture);
        int header = pgm.length - AnalysisImage.WIDTH * AnalysisImage.HEIGHT;
        long ink = 0;
        for (int i = header; i < pgm.length; i++) {
            ink += (pgm[i] & 0xff) > 128 ? 1 : 0;
        }
        assertTrue(ink > 5_000 && ink < AnalysisImage.WIDTH * AnalysisImage.HEIGHT / 4, "text drawn: " + ink);
        assertEquals(-1, AnalysisImage.font(POLYP.summary(), java.awt.Font.PLAIN, 28f)
                .canDisplayUpTo(POLYP.summary()), "a font here draws the Persian words");

        assertThrows(IllegalArgumentException.class, () -> adapter(Map.of("analysisObjects", "SR,PDF"), NONE));
    }

    @Test
    void aProcedureGoneFromTheWorklistIsFoundAmongThePerformedSteps() throws Exception {
        PerformedStep done = new PerformedStep("2.25.77", "PAT-FA", "SPS-OLD-1", "ACC-OLD-1", "2.25.78",
                PerformedStep.COMPLETED, "Gastroscopy", "ENDO1", Instant.parse("2026-11-01T08:00:00Z"),
                Instant.parse("2026-11-01T08:30:00Z"));
        EndoscopyAdapter a = adapter(Map.of(), steps(List.of(done)));
        a.sendAnalysisResult("PAT-FA", new AnalysisResult("SPS-OLD-1", "No abnormality", null), "d-8/0");
        assertEquals("2.25.78", kept.get(0).instance().studyInstanceUid());
        assertEquals("ACC-OLD-1", kept.get(0).accession());
        String out = Dcmtk.dsrdump(kept.get(0).file()).output();
        assertTrue(out.contains("(112039,DCM,\"Tracking Identifier\")=\"No abnormality\""), out);
        assertTrue(out.contains("(C0034375,UMLS,\"Qualitative Evaluations\")=\"No abnormality\""), out);
        assertTrue(out.contains("(121013,DCM,\"Device Observer Name\")=\"Telehub\""), "a person's words: " + out);
        assertFalse(out.contains("Certainty of Finding"), out);
    }

    /** An 18-digit SNOMED CT extension id is longer than Code Value holds: it goes as Long Code Value. */
    @Test
    void aLongCodeIsWrittenAsLongCodeValue() throws Exception {
        EndoscopyAdapter a = adapter(Map.of(), NONE);
        a.sendAnalysisResult("PAT-FA", new AnalysisResult("SPS-FA-1", "Polyp", null, "999000011000036104", "SCT",
                null, null, null, null), "d-10/0");
        String out = Dcmtk.dsrdump(kept.get(0).file()).output();
        assertTrue(out.contains("(121071,DCM,\"Finding\")=(999000011000036104,SCT,\"Polyp\")"), out);
        Dcmtk.Result dump = Dcmtk.run(Dcmtk.TIMEOUT, List.of("dcmdump", "+U8", kept.get(0).file().toString()));
        assertTrue(dump.output().contains("(0008,0119) UC [999000011000036104]"), dump.output());
    }

    @Test
    void whatCannotBeFiledSaysWhyAndKeepsNothing() throws Exception {
        EndoscopyAdapter a = adapter(Map.of(), NONE);
        AdapterException unknown = assertThrows(AdapterException.class, () -> a.sendAnalysisResult("PAT-FA",
                new AnalysisResult("SPS-NOPE", "polyp", null), "k1"));
        assertFalse(unknown.retryable());
        assertTrue(unknown.getMessage().contains("no procedure 'SPS-NOPE'"), unknown.getMessage());
        assertFalse(unknown.getMessage().contains("PAT-FA"), "the delivery's last error names no patient");
        AdapterException scheme = assertThrows(AdapterException.class, () -> a.sendAnalysisResult("PAT-FA",
                new AnalysisResult("SPS-FA-1", "polyp", null, "X1", "http://example.org/our-codes", null, null,
                        null, null), "k2"));
        assertFalse(scheme.retryable());
        assertTrue(scheme.getMessage().startsWith("analysis.findingCodeSystem"), scheme.getMessage());
        AdapterException wildcard = assertThrows(AdapterException.class, () -> a.sendAnalysisResult("PAT*", POLYP,
                "k3"));
        assertFalse(wildcard.retryable());

        EndoscopyAdapter noArchive = adapter(Map.of("forwardTo", ""), NONE);
        assertFalse(noArchive.filesAnalyses());
        // what the manager plans, asked of the component a profile registers
        Map<String, Object> values = new HashMap<>(Map.of("id", "endo-2", "worklistHost", "127.0.0.1",
                "worklistAe", "ENDOWL"));
        org.telehub.endoscopy.EndoscopySystem none = new org.telehub.endoscopy.EndoscopySystem(
                org.telehub.endoscopy.EndoscopyProfile.GENERIC, values, intake, NONE, dir.resolve("data"));
        values.put("forwardTo", "pacs-1");
        org.telehub.endoscopy.EndoscopySystem some = new org.telehub.endoscopy.EndoscopySystem(
                org.telehub.endoscopy.EndoscopyProfile.GENERIC, values, intake, NONE, dir.resolve("data"));
        assertEquals(java.util.Set.of(), new ProcedureCapability().takes(none), "nothing is planned for it");
        assertEquals(java.util.Set.of(ResultPart.ANALYSIS), new ProcedureCapability().takes(some));
        AdapterException nowhere = assertThrows(AdapterException.class, () -> noArchive.sendAnalysisResult(
                "PAT-FA", POLYP, "k4"));
        assertTrue(nowhere.getMessage().contains("forwardTo"), nowhere.getMessage());

        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        EndoscopyAdapter down = adapter(Map.of("worklistPort", closed), NONE);
        AdapterException later = assertThrows(AdapterException.class, () -> new ProcedureCapability().deliver(down,
                "PAT-FA", new Result(null, null, List.of(), POLYP), java.util.Set.of(ResultPart.ANALYSIS), "k5"));
        assertTrue(later.retryable(), "the worklist down: the delivery waits and tries again");
        assertEquals(List.of(), kept);
    }

    /**
     * The system's own store (resultsStore): results go to it as a forward of the hub's (this adapter's store()),
     * also without an archive; a store that is not AE@host:port is refused at configuration; a system without one
     * takes nothing; one that does not answer is worth retrying (the forward waits). The C-STORE itself to DCMTK's
     * storescp is in the endoscopy profiles' suite (testing/endoscopy-vendors).
     */
    @Test
    void resultsGoBackToTheSystemsOwnStoreWhenItNamesOne() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        EndoscopyAdapter own = adapter(Map.of("forwardTo", "", "resultsStore", "ENDOSTORE@127.0.0.1:" + closed),
                NONE);
        assertTrue(own.filesAnalyses(), "the system's own store is enough to file results");
        own.sendAnalysisResult("PAT-FA", POLYP, "own-1");
        assertEquals(1, kept.size());
        assertEquals(List.of("endo-1"), kept.get(0).forwardTo(), "forwarded to this system only");
        AdapterException down = assertThrows(AdapterException.class, () -> own.store(List.of(kept.get(0).file())));
        assertTrue(down.retryable(), down.getMessage());
        assertTrue(down.getMessage().contains("cannot connect to the endoscopy system at ENDOSTORE@127.0.0.1:"
                + closed), down.getMessage());

        EndoscopyAdapter both = adapter(Map.of("resultsStore", "ENDOSTORE@127.0.0.1:" + closed), NONE);
        both.sendAnalysisResult("PAT-FA", POLYP, "own-2");
        assertEquals(List.of("pacs-1", "endo-1"), kept.get(1).forwardTo(), "to the archive and to the system");

        AdapterException none = assertThrows(AdapterException.class, () -> adapter(Map.of(), NONE)
                .store(List.of(kept.get(0).file())));
        assertFalse(none.retryable());
        assertTrue(none.getMessage().contains("resultsStore is not set"), none.getMessage());
        for (String bad : List.of("127.0.0.1:104", "ENDOSTORE@127.0.0.1", "ENDOSTORE@127.0.0.1:0",
                "ENDO\\STORE@127.0.0.1:104", "ENDOSTORE@host name:104", "ENDOSTORE@127.0.0.1:port")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> adapter(Map.of("resultsStore", bad), NONE), bad);
            assertTrue(e.getMessage().startsWith("resultsStore: "), e.getMessage());
        }
    }
}
