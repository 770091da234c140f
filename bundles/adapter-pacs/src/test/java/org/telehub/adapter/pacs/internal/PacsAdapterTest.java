package org.telehub.adapter.pacs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.dicom.net.DimseClient;
import org.telehub.dicom.net.Endpoint;
import org.telehub.dicom.net.Scp;
import org.telehub.dicom.net.StorageCommitment;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.ImagingSeries;
import org.telehub.integration.api.ImagingStudy;
import org.telehub.integration.api.ReceivedInstance;
import org.telehub.integration.api.ReportDocument;
import org.telehub.integration.api.StoreOutcome;
import org.telehub.integration.api.StudyQuery;
import org.telehub.integration.api.TransferOutcome;
import org.telehub.testing.dicom.DcmQrScp;
import org.telehub.testing.dicom.Dcmtk;
import org.telehub.testing.dicom.Orthanc;
import org.telehub.testing.dicom.Remote;
import org.telehub.testing.dicom.TestData;
import org.telehub.testing.dicom.TestData.Instance;
import org.telehub.testing.dicom.TestData.PatientSpec;

/**
 * The adapter against real PACSes on 127.0.0.1: Orthanc (DIMSE and DICOMweb) and DCMTK's dcmqrscp. Nothing is
 * mocked; test data is generated with DCMTK, including Persian and Cyrillic patient names.
 */
class PacsAdapterTest {
    static final String PERSIAN = "محمدی^رضا";
    static final String CYRILLIC = "Иванов^Иван";
    static final String ARABIC = "الهاشمي^ليلى";

    /** Kept when a test fails: the peers' logs are in it. */
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    static Path dir;
    static Orthanc orthanc;
    static DcmQrScp dcmqr;
    static int scpPort;
    static List<Instance> p1;
    static List<Instance> p2;
    static List<Instance> p3;

    @BeforeAll
    static void peers() throws Exception {
        scpPort = freePort();
        List<Instance> all = TestData.generate(dir.resolve("data"), List.of(
                new PatientSpec("TH-P1", PERSIAN, LocalDate.of(1980, 3, 21), "M", 2, 2, 3, "CT"),
                new PatientSpec("TH-P2", CYRILLIC, LocalDate.of(1975, 7, 1), "M", 1, 1, 2, "OT"),
                new PatientSpec("TH-P3", ARABIC, LocalDate.of(1990, 1, 2), "F", 1, 1, 2, "OT")));
        p1 = all.stream().filter(i -> i.patientId().equals("TH-P1")).toList();
        p2 = all.stream().filter(i -> i.patientId().equals("TH-P2")).toList();
        p3 = all.stream().filter(i -> i.patientId().equals("TH-P3")).toList();
        Map<String, Remote> modalities = new LinkedHashMap<>();
        modalities.put("telehub", Remote.loopback("TELEHUB", scpPort));
        modalities.put("telehubscp", Remote.loopback("TELEHUB-SCP", scpPort));
        orthanc = Orthanc.start(dir.resolve("orthanc"), "ORTHANC", modalities);
        dcmqr = DcmQrScp.start(dir.resolve("dcmqr"), "DCMQR", List.of(Remote.loopback("TELEHUB", scpPort),
                orthanc.remote()));
        orthanc.addModality(dcmqr.remote());
    }

    @AfterAll
    static void stop() {
        if (dcmqr != null) {
            dcmqr.close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
    }

    // ---- DIMSE against Orthanc

    @Test
    void echoAndWhyAnAssociationFails() throws Exception {
        try (Closing a = dimse("echo", orthanc.dicomPort(), "ORTHANC", 0, "MOVE")) {
            a.adapter.echo();
            a.adapter.connect();
            assertEquals("UP", a.adapter.health().state().name());
        }
        try (Closing wrongAe = dimse("wrong-ae", orthanc.dicomPort(), "NOT-ORTHANC", 0, "MOVE")) {
            AdapterException e = assertThrows(AdapterException.class, wrongAe.adapter::echo);
            assertFalse(e.retryable(), "a wrong AE title does not fix itself");
            assertTrue(e.getMessage().contains("rejected the association"), e.getMessage());
            assertTrue(e.getMessage().contains("NOT-ORTHANC"), e.getMessage());
        }
        try (Closing down = dimse("down", freePort(), "ORTHANC", 0, "MOVE")) {
            AdapterException e = assertThrows(AdapterException.class, down.adapter::echo);
            assertTrue(e.retryable(), "a PACS that is down may come back");
            assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
        }
    }

    @Test
    void storeReportsEveryInstanceAndFindsThemByEveryCriterion() throws Exception {
        try (Closing a = dimse("store", orthanc.dicomPort(), "ORTHANC", 0, "MOVE")) {
            List<Path> files = new ArrayList<>(files(p1));
            Path truncated = TestData.truncated(p3.get(0).file(), dir.resolve("truncated.dcm"));
            Path notDicom = TestData.notDicom(dir.resolve("not-dicom.dcm"));
            Path unknownClass = withSopClass(p2.get(0).file(), dir.resolve("unknown-class.dcm"),
                    "1.2.826.0.1.3680043.9.7433.99.1");
            files.add(2, truncated);
            files.add(3, unknownClass);
            files.add(notDicom);
            List<StoreOutcome> out = a.adapter.store(files);
            assertEquals(files.size(), out.size(), "one outcome per file, in order");
            assertFalse(out.get(2).stored());
            assertTrue(out.get(2).detail().contains("truncated"), out.get(2).detail());
            // Orthanc refuses SOP classes it does not know: the presentation context is rejected, per instance
            assertFalse(out.get(3).stored());
            assertTrue(out.get(3).detail().contains("rejected SOP class 1.2.826.0.1.3680043.9.7433.99.1"),
                    out.get(3).detail());
            assertFalse(out.get(out.size() - 1).stored());
            assertTrue(out.get(out.size() - 1).detail().contains("not a DICOM"), out.get(out.size() - 1).detail());
            assertEquals(p1.size(), out.stream().filter(StoreOutcome::stored).count());
            assertTrue(orthanc.instancesOfPatient("TH-P1").containsAll(uids(p1)), "Orthanc has every instance");

            List<ImagingStudy> byId = a.adapter.findStudies(StudyQuery.byPatient("TH-P1"));
            assertEquals(2, byId.size());
            ImagingStudy s = byId.get(0);
            assertEquals(PERSIAN, s.patientName(), "UTF-8 names round-trip");
            assertEquals(LocalDate.of(1980, 3, 21), s.birthDate());
            assertEquals(List.of("CT"), s.modalities());
            assertEquals(6, s.numberOfInstances());
            assertEquals(2, s.numberOfSeries());
            assertEquals(p1.stream().map(Instance::studyInstanceUid).collect(Collectors.toSet()),
                    byId.stream().map(ImagingStudy::studyInstanceUid).collect(Collectors.toSet()));

            assertEquals(2, a.adapter.findStudies(query(null, "محمدی*", null, null, null, null, null)).size());
            assertEquals(2, a.adapter.findStudies(query(null, null, LocalDate.of(1980, 3, 21), null, null, null,
                    null)).size());
            Instance first = p1.get(0);
            assertEquals(1, a.adapter.findStudies(query("TH-P1", null, null, first.studyDate(), first.studyDate(),
                    null, null)).size(), "date range");
            assertEquals(1, a.adapter.findStudies(query(null, null, null, null, null, null,
                    first.accessionNumber())).size());
            assertEquals(2, a.adapter.findStudies(query("TH-P1", null, null, null, null, "CT", null)).size());
            assertEquals(0, a.adapter.findStudies(query("TH-P1", null, null, null, null, "MR", null)).size());

            List<ImagingSeries> series = a.adapter.findSeries(first.studyInstanceUid());
            assertEquals(2, series.size());
            assertTrue(series.stream().allMatch(x -> x.numberOfInstances() == 3 && x.modality().equals("CT")));

            // Cyrillic through the same path
            assertTrue(a.adapter.store(files(p2)).stream().allMatch(StoreOutcome::stored));
            assertEquals(CYRILLIC, a.adapter.findStudies(StudyQuery.byPatient("TH-P2")).get(0).patientName());
        }
    }

    @Test
    void retrieveByMoveToOurScpAndByGetAndMoveToAnotherPacs() throws Exception {
        Path incoming = dir.resolve("retrieve");
        storeInOrthanc(p1);
        Instance study = p1.get(0);
        Set<String> expected = p1.stream().filter(i -> i.studyInstanceUid().equals(study.studyInstanceUid()))
                .map(Instance::sopInstanceUid).collect(Collectors.toSet());
        try (Closing a = dimse("move", orthanc.dicomPort(), "ORTHANC", scpPort, "MOVE")) {
            List<ReceivedInstance> got = Collections.synchronizedList(new ArrayList<>());
            TransferOutcome o = a.adapter.retrieve(study.studyInstanceUid(), (inst, file) -> {
                assertTrue(Files.size(file) > 0);
                got.add(inst);
            });
            assertEquals(expected.size(), o.completed());
            assertEquals(0, o.failed());
            assertEquals(expected, got.stream().map(ReceivedInstance::sopInstanceUid).collect(Collectors.toSet()));
            assertEquals(PERSIAN, got.get(0).patientName());
            try (var left = Files.list(incoming.getParent().resolve("move").resolve("incoming"))) {
                assertEquals(0, left.count(), "received files are deleted once the sink has them");
            } catch (java.nio.file.NoSuchFileException fine) {
                // the work directory lives elsewhere
            }
            // nobody asked for this one: our SCP refuses it and keeps nothing
            Dcmtk.Result unsolicited = Dcmtk.storescu("127.0.0.1", scpPort, "ORTHANC", "TELEHUB-SCP",
                    List.of(p2.get(0).file()));
            assertFalse(unsolicited.ok(), unsolicited.output());

            AdapterException unknown = assertThrows(AdapterException.class,
                    () -> a.adapter.move(study.studyInstanceUid(), "NOWHERE"));
            // Orthanc answers 0xC000 for an AE it does not know (dcmqrscp 0xA801): the PACS's own code is relayed
            assertTrue(unknown.getMessage().matches("(?s).*NOWHERE.*status 0x[0-9A-F]{4}.*"), unknown.getMessage());
            assertFalse(unknown.retryable());

            TransferOutcome moved = a.adapter.move(study.studyInstanceUid(), "DCMQR");
            assertEquals(expected.size(), moved.completed());
        }
        try (Closing b = dimse("dcmqr", dcmqr.port(), "DCMQR", 0, "MOVE")) {
            List<ImagingStudy> there = b.adapter.findStudies(StudyQuery.byPatient("TH-P1"));
            assertEquals(1, there.size(), "the moved study is in the second PACS");
            assertEquals(PERSIAN, there.get(0).patientName());
        }
        try (Closing g = dimse("get", orthanc.dicomPort(), "ORTHANC", 0, "GET")) {
            List<String> got = Collections.synchronizedList(new ArrayList<>());
            TransferOutcome o = g.adapter.retrieve(study.studyInstanceUid(), (inst, file) -> got.add(
                    inst.sopInstanceUid()));
            assertEquals(expected, Set.copyOf(got), "C-GET brings the same instances");
            assertEquals(expected.size(), o.completed());
        }
    }

    /**
     * Issue 11: a C-STORE whose UIDs are paths wrote (and then deleted) files outside the SCP's folder. A real
     * DICOM client (DCMTK storescu) sends instances whose SOP Instance, Study and Series UIDs are {@code ../}
     * paths to canary files beside the SCP's folder and above it: from an unknown AE (association rejected), from
     * the PACS's AE (association accepted, instance refused and deleted) and from the PACS's AE at an address that
     * is not the PACS's (connection closed before the association). No canary changes, nothing stays behind.
     */
    @Test
    void ourScpWritesOnlyUnderItsOwnNamesAndOnlyForThePacs() throws Exception {
        int port = freePort();
        Path work = dir.resolve("work").resolve("scp-guard");
        Path incoming = work.resolve("incoming");
        Map<Path, String> canaries = new LinkedHashMap<>();
        for (Path c : List.of(work.resolve("canary.txt"), work.resolve("../canary.txt"),
                work.resolve("../../canary.txt"))) {
            Files.createDirectories(c.normalize().getParent());
            Files.writeString(c.normalize(), "canary " + c);
            canaries.put(c.normalize(), "canary " + c);
        }
        List<Path> evil = new ArrayList<>();
        for (String up : List.of("../canary.txt", "../../canary.txt", "../../../canary.txt")) {
            evil.add(withUids(p2.get(0).file(), dir.resolve("evil-" + evil.size() + ".dcm"), up, up, up));
        }
        try (Closing a = dimse("scp-guard", orthanc.dicomPort(), "ORTHANC", port, "MOVE")) {
            Dcmtk.Result stranger = Dcmtk.storescu("127.0.0.1", port, "EVIL", "TELEHUB-SCP", evil);
            assertCanariesAndNothingLeft(canaries, incoming);
            assertFalse(stranger.ok(), stranger.output());
            assertTrue(stranger.output().contains("Association Rejected")
                    && stranger.output().contains("Calling AE Title Not Recognized"), stranger.output());

            Dcmtk.Result pacsAe = Dcmtk.storescu("127.0.0.1", port, "ORTHANC", "TELEHUB-SCP", evil);
            assertCanariesAndNothingLeft(canaries, incoming);
            assertFalse(pacsAe.ok(), pacsAe.output());
            assertFalse(pacsAe.output().contains("Association Rejected"), "the PACS itself may associate: "
                    + pacsAe.output());
            assertTrue(pacsAe.output().contains("Store Failed"), pacsAe.output());

            // the received file's UIDs are checked before use even when a retrieve of that "study" is running
            Path copy = Files.copy(evil.get(1), incoming.resolve("rx-test.dcm"));
            List<ReceivedInstance> kept = new ArrayList<>();
            Receiving r = new Receiving("../../canary.txt", (inst, f) -> kept.add(inst));
            com.pixelmed.dicom.DicomException e = assertThrows(com.pixelmed.dicom.DicomException.class,
                    () -> r.receive(copy));
            assertTrue(e.getMessage().contains("not a DICOM UID"), e.getMessage());
            assertTrue(kept.isEmpty());
            assertCanariesAndNothingLeft(canaries, incoming);
        }
        try (Closing elsewhere = new Closing(new PacsAdapter(new Config("scp-guard-addr", "127.0.0.2", "DIMSE",
                orthanc.dicomPort(), "ORTHANC", port, "MOVE", "", "", ""), work, "test"))) {
            Dcmtk.Result wrongAddress = Dcmtk.storescu("127.0.0.1", port, "ORTHANC", "TELEHUB-SCP", evil);
            assertCanariesAndNothingLeft(canaries, incoming);
            assertFalse(wrongAddress.ok(), wrongAddress.output());
            assertTrue(wrongAddress.output().contains("Association Request Failed"), wrongAddress.output());
        }
    }

    private static void assertCanariesAndNothingLeft(Map<Path, String> canaries, Path incoming) throws IOException {
        for (Map.Entry<Path, String> c : canaries.entrySet()) {
            assertEquals(c.getValue(), Files.readString(c.getKey()), "canary " + c.getKey() + " unchanged");
        }
        try (var left = Files.list(incoming)) {
            assertEquals(List.of(), left.toList(), "nothing kept in the SCP's folder");
        }
    }

    /** A copy of {@code source} with the given (here: not) UIDs, meta header included. */
    private static Path withUids(Path source, Path target, String study, String series, String instance)
            throws Exception {
        com.pixelmed.dicom.AttributeList l = new com.pixelmed.dicom.AttributeList();
        l.read(source.toFile());
        Map<com.pixelmed.dicom.AttributeTag, String> uids = Map.of(com.pixelmed.dicom.TagFromName.StudyInstanceUID,
                study, com.pixelmed.dicom.TagFromName.SeriesInstanceUID, series,
                com.pixelmed.dicom.TagFromName.SOPInstanceUID, instance,
                com.pixelmed.dicom.TagFromName.MediaStorageSOPInstanceUID, instance);
        for (Map.Entry<com.pixelmed.dicom.AttributeTag, String> u : uids.entrySet()) {
            l.remove(u.getKey());
            Identifiers.put(l, u.getKey(), u.getValue());
        }
        l.write(target.toFile(), com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian, true, true);
        return target;
    }

    @Test
    void dcmqrscpIsASecondPacsForStoreAndFind() throws Exception {
        try (Closing a = dimse("dcmqr-store", dcmqr.port(), "DCMQR", 0, "MOVE")) {
            a.adapter.echo();
            assertTrue(a.adapter.store(files(p3)).stream().allMatch(StoreOutcome::stored));
            List<ImagingStudy> s = a.adapter.findStudies(StudyQuery.byPatient("TH-P3"));
            assertEquals(1, s.size());
            assertEquals(ARABIC, s.get(0).patientName(), "Arabic through dcmqrscp");
        }
    }

    /**
     * A JPEG image is sent as it is: its compressed syntax has a presentation context of its own (offered beside the
     * uncompressed ones, Orthanc chose uncompressed), and PixelMed does not decompress it on the way.
     */
    @Test
    void aCompressedImageIsSentAsItIs() throws Exception {
        Path jpeg = Dcmtk.vlEndoscopic(dir.resolve("jpeg"), "vl", "TH-JPEG", "Jpeg^Patient", "ACC-J", "2.25.5151", 3);
        try (Closing a = dimse("jpeg", orthanc.dicomPort(), "ORTHANC", 0, "MOVE")) {
            List<StoreOutcome> out = a.adapter.store(List.of(jpeg));
            assertTrue(out.get(0).stored(), out.toString());
        }
        List<String> ids = orthanc.instancesOfPatient("TH-JPEG");
        assertEquals(1, ids.size());
        var found = orthanc.post("/tools/find", Map.of("Level", "Instance", "Query", Map.of("PatientID", "TH-JPEG")));
        String id = found.get(0).asText();
        assertEquals("1.2.840.10008.1.2.4.50", orthanc.get("/instances/" + id + "/header").path("0002,0010")
                .path("Value").asText(), "stored in JPEG baseline, as sent");
    }

    @Test
    void aReportLandsInItsStudyAsEncapsulatedPdfOnce() throws Exception {
        storeInOrthanc(p3); // a patient of its own: the other tests count P1's studies and modalities
        Instance study = p3.get(0);
        byte[] pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ReportDocument report = new ReportDocument("11488-4", "http://loinc.org", "Consult note", "Fine", pdf,
                "application/pdf", Instant.parse("2026-11-22T10:15:30Z"), "dr.a");
        try (Closing a = dimse("report", orthanc.dicomPort(), "ORTHANC", 0, "MOVE")) {
            int before = orthanc.instanceCount();
            DeliveryReceipt r = a.adapter.storeReport("TH-P3", study.studyInstanceUid(), report, "key-1");
            DeliveryReceipt again = a.adapter.storeReport("TH-P3", study.studyInstanceUid(), report, "key-1");
            assertEquals(r.remoteId(), again.remoteId(), "the idempotency key fixes the SOP Instance UID");
            assertEquals(before + 1, orthanc.instanceCount(), "a retried delivery stores nothing twice");
            List<ImagingSeries> series = a.adapter.findSeries(study.studyInstanceUid());
            assertTrue(series.stream().anyMatch(x -> x.modality().equals("DOC")), "the report sits in the study");
            var tags = orthanc.post("/tools/find", Map.of("Level", "Instance", "Expand", true,
                    "Query", Map.of("SOPInstanceUID", r.remoteId())));
            assertEquals(1, tags.size());
            String orthancId = tags.get(0).path("ID").asText();
            var stored = orthanc.get("/instances/" + orthancId + "/simplified-tags");
            assertEquals("1.2.840.10008.5.1.4.1.1.104.1", stored.path("SOPClassUID").asText());
            assertTrue(stored.path("ContentDate").asText().matches("[0-9]{8}"), "a DA has no offset: " + stored);
            AdapterException noStudy = assertThrows(AdapterException.class,
                    () -> a.adapter.storeReport("TH-P3", "1.2.3.4", report, "key-2"));
            assertFalse(noStudy.retryable());
        }
    }

    /**
     * Storage commitment against Orthanc as the responder: the N-ACTION goes with our storage SCP's AE title as the
     * calling AE, and Orthanc reports on an association of its own to that AE (TELEHUB-SCP, known to it with our SCP
     * port), proposing the Push Model in the SCP role. A store counts an instance only once Orthanc committed it.
     */
    @Test
    void storageCommitmentCountsAnInstanceStoredOnlyOnceThePacsCommittedIt() throws Exception {
        try (Closing a = new Closing(new PacsAdapter(new Config("commit", "127.0.0.1", "DIMSE", orthanc.dicomPort(),
                "ORTHANC", scpPort, "MOVE", "", "", "", 10), dir.resolve("work").resolve("commit"), "test"))) {
            List<StoreOutcome> out = a.adapter.store(files(p3));
            assertEquals(p3.size(), out.stream().filter(StoreOutcome::stored).count(), out.toString());
            assertTrue(orthanc.instancesOfPatient("TH-P3").containsAll(uids(p3)));
            // the SCP still takes a C-MOVE's instances next to the reports
            String study = p3.get(0).studyInstanceUid();
            Set<String> got = Collections.synchronizedSet(new java.util.HashSet<>());
            TransferOutcome moved = a.adapter.retrieve(study, (instance, file) -> got.add(instance.sopInstanceUid()));
            assertEquals(0, moved.failed());
            assertTrue(got.containsAll(p3.stream().filter(i -> i.studyInstanceUid().equals(study))
                    .map(Instance::sopInstanceUid).toList()), got.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> new PacsAdapter(new Config("commit-no-scp", "127.0.0.1",
                "DIMSE", orthanc.dicomPort(), "ORTHANC", 0, "MOVE", "", "", "", 10), dir.resolve("w2"), "test"),
                "the report has nowhere to go without the storage SCP");
        assertThrows(IllegalArgumentException.class, () -> new PacsAdapter(new Config("commit-web", "127.0.0.1",
                "DICOMWEB", 0, "ORTHANC", 0, "MOVE", orthanc.dicomWebUrl(), orthanc.user(), orthanc.password(), 10),
                dir.resolve("w3"), "test"));
    }

    /**
     * What Orthanc does not commit is not counted: an instance it never received comes back in its report as a
     * failure (0x0112, no such object instance) and becomes a failed outcome in words. A peer that refuses the
     * request, or sends no report within the wait, fails the store retryably.
     */
    @Test
    void anInstanceThePacsDoesNotCommitIsAFailureAndNoReportIsAFailureToo() throws Exception {
        storeInOrthanc(p2);
        StorageCommitment commitment = new StorageCommitment("PACS");
        try (Scp scp = Scp.storage("commit test", "127.0.0.1", scpPort, "TELEHUB-SCP",
                List.of(new Scp.Peer("ORTHANC", "127.0.0.1")), dir.resolve("commit-incoming"), 65536, 20000,
                new com.pixelmed.network.AnyExplicitStorePresentationContextSelectionPolicy(), null, commitment)) {
            DimseClient client = client("TELEHUB-SCP");
            Instance kept = p2.get(0);
            String never = TestData.uid();
            List<StoreOutcome> asked = List.of(
                    new StoreOutcome(kept.file(), kept.sopClassUid(), kept.sopInstanceUid(), true, null),
                    new StoreOutcome(kept.file(), kept.sopClassUid(), never, true, null),
                    new StoreOutcome(kept.file(), kept.sopClassUid(), TestData.uid(), false, "not sent"));
            List<StoreOutcome> out = commitment.committed(client, asked, Duration.ofSeconds(10));
            assertTrue(out.get(0).stored(), out.get(0).toString());
            assertFalse(out.get(1).stored());
            assertTrue(out.get(1).detail().contains("did not commit") && out.get(1).detail().contains("0x0112"),
                    out.get(1).detail());
            assertEquals(asked.get(2), out.get(2), "what was not stored is not asked about");
            assertEquals(0, commitment.waiting());
            // 300 references are over Orthanc's 16 KiB PDU: the request is fragmented (PixelMed's send() did not)
            List<StorageCommitment.Reference> many = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                many.add(new StorageCommitment.Reference(kept.sopClassUid(), TestData.uid()));
            }
            StorageCommitment.Report report = commitment.request(client, many, Duration.ofSeconds(10));
            assertEquals(300, report.failed().size());
            assertTrue(report.failed().values().stream().allMatch(reason -> reason == 0x0112), report.toString());

            // Orthanc aborts an N-ACTION from an AE it does not know: it would have nowhere to report
            AdapterException unknown = assertThrows(AdapterException.class, () -> commitment.committed(
                    client("NOT-KNOWN"), asked, Duration.ofSeconds(2)));
            assertTrue(unknown.retryable(), unknown.getMessage());
            assertTrue(unknown.getMessage().contains("aborted") && unknown.getMessage().contains("NOT-KNOWN"),
                    unknown.getMessage());
            // known, but nobody listens where it reports: no report within the wait
            orthanc.addModality(Remote.loopback("TH-NOWHERE", freePort()));
            AdapterException silent = assertThrows(AdapterException.class, () -> commitment.committed(
                    client("TH-NOWHERE"), asked, Duration.ofSeconds(2)));
            assertTrue(silent.retryable(), silent.getMessage());
            assertTrue(silent.getMessage().contains("sent no report within 2 s")
                    && silent.getMessage().contains("TH-NOWHERE"), silent.getMessage());
            assertEquals(0, commitment.waiting());
        }
    }

    // ---- DICOMweb against Orthanc's plugin

    @Test
    void dicomWebStoresFindsAndRetrieves() throws Exception {
        try (Closing w = web("web", orthanc.password())) {
            w.adapter.echo();
            List<StoreOutcome> out = w.adapter.store(files(p2));
            assertTrue(out.stream().allMatch(StoreOutcome::stored), out.toString());
            List<ImagingStudy> s = w.adapter.findStudies(StudyQuery.byPatient("TH-P2"));
            assertEquals(1, s.size());
            assertEquals(CYRILLIC, s.get(0).patientName(), "UTF-8 through QIDO-RS");
            assertEquals(1, w.adapter.findSeries(s.get(0).studyInstanceUid()).size());
            List<String> got = Collections.synchronizedList(new ArrayList<>());
            TransferOutcome o = w.adapter.retrieve(s.get(0).studyInstanceUid(), (inst, f) -> got.add(
                    inst.sopInstanceUid()));
            assertEquals(uids(p2), Set.copyOf(got));
            assertEquals(p2.size(), o.completed());
            AdapterException move = assertThrows(AdapterException.class,
                    () -> w.adapter.move(s.get(0).studyInstanceUid(), "DCMQR"));
            assertTrue(move.getMessage().contains("DIMSE"));
            Path truncated = TestData.truncated(p3.get(0).file(), dir.resolve("web-truncated.dcm"));
            StoreOutcome bad = w.adapter.store(List.of(truncated)).get(0);
            assertFalse(bad.stored());
            assertTrue(bad.detail().contains("truncated"), bad.detail());
        }
        try (Closing wrong = web("web-wrong", "not-the-password")) {
            AdapterException e = assertThrows(AdapterException.class, wrong.adapter::echo);
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("credentials"), e.getMessage());
        }
    }

    // ---- helpers

    private static void storeInOrthanc(List<Instance> instances) {
        Dcmtk.Result r = Dcmtk.storescu("127.0.0.1", orthanc.dicomPort(), "TELEHUB", "ORTHANC", files(instances));
        assertTrue(r.ok(), r.output());
    }

    /** A copy of {@code source} claiming another SOP class (and a new instance UID). */
    private static Path withSopClass(Path source, Path target, String sopClass) throws Exception {
        com.pixelmed.dicom.AttributeList l = new com.pixelmed.dicom.AttributeList();
        l.read(source.toFile());
        String uid = TestData.uid();
        for (var tag : List.of(com.pixelmed.dicom.TagFromName.SOPClassUID,
                com.pixelmed.dicom.TagFromName.MediaStorageSOPClassUID)) {
            l.remove(tag);
            Identifiers.put(l, tag, sopClass);
        }
        for (var tag : List.of(com.pixelmed.dicom.TagFromName.SOPInstanceUID,
                com.pixelmed.dicom.TagFromName.MediaStorageSOPInstanceUID)) {
            l.remove(tag);
            Identifiers.put(l, tag, uid);
        }
        l.write(target.toFile(), com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian, true, true);
        return target;
    }

    private static StudyQuery query(String id, String name, LocalDate birth, LocalDate from, LocalDate to,
            String modality, String accession) {
        return new StudyQuery(id, name, birth, from, to, modality, accession, 100);
    }

    private static List<Path> files(List<Instance> instances) {
        return instances.stream().map(Instance::file).toList();
    }

    private static Set<String> uids(List<Instance> instances) {
        return instances.stream().map(Instance::sopInstanceUid).collect(Collectors.toSet());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Associations to Orthanc with {@code callingAe}: where Orthanc sends its storage commitment report. */
    private static DimseClient client(String callingAe) {
        return new DimseClient(new Endpoint("127.0.0.1", orthanc.dicomPort(), "ORTHANC", callingAe, 20000, 65536),
                "PACS");
    }

    private Closing dimse(String id, int port, String calledAe, int scp, String retrieve) throws IOException {
        return new Closing(new PacsAdapter(new Config(id, "127.0.0.1", "DIMSE", port, calledAe, scp, retrieve, "", "", ""),
                dir.resolve("work").resolve(id), "test"));
    }

    private Closing web(String id, String password) throws IOException {
        return new Closing(new PacsAdapter(new Config(id, "127.0.0.1", "DICOMWEB", 0, "ORTHANC", 0, "MOVE",
                orthanc.dicomWebUrl(), orthanc.user(), password), dir.resolve("work").resolve(id), "test"));
    }

    /** Closes the adapter (its SCP) after each use. */
    record Closing(PacsAdapter adapter) implements AutoCloseable {
        @Override
        public void close() {
            adapter.close();
        }
    }

    /** The configuration an administrator would write, as a plain object. */
    record Config(String id, String host, String transport, int port, String calledAe, int scpPort,
            String retrieveMethod, String dicomWebUrl, String dicomWebUser, String dicomWebPassword,
            int commitmentWaitSeconds) implements PacsConfig {
        /** Without storage commitment. */
        Config(String id, String host, String transport, int port, String calledAe, int scpPort,
                String retrieveMethod, String dicomWebUrl, String dicomWebUser, String dicomWebPassword) {
            this(id, host, transport, port, calledAe, scpPort, retrieveMethod, dicomWebUrl, dicomWebUser,
                    dicomWebPassword, 0);
        }

        @Override
        public boolean storageCommitment() {
            return commitmentWaitSeconds > 0;
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return PacsConfig.class;
        }

        @Override
        public String vendor() {
            return "test";
        }

        @Override
        public String callingAe() {
            return "TELEHUB";
        }

        @Override
        public String scpAe() {
            return "TELEHUB-SCP";
        }

        @Override
        public String scpBindAddress() {
            return "127.0.0.1";
        }

        @Override
        public int connectTimeoutMillis() {
            return 2000;
        }

        @Override
        public int readTimeoutMillis() {
            return 20000;
        }

        @Override
        public int maxPdu() {
            return 65536;
        }
    }
}
