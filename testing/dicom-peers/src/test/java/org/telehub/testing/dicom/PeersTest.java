package org.telehub.testing.dicom;

import static java.util.stream.Collectors.toSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.testing.dicom.TestData.Instance;
import org.telehub.testing.dicom.TestData.PatientSpec;

/** The peers of this module against each other, over real DICOM on 127.0.0.1. */
class PeersTest {

    private static final String HOST = "127.0.0.1";
    /** The AE this test's DCMTK clients call from; it never listens, so its port is a placeholder. */
    private static final Remote SCU = Remote.loopback("TESTSCU", 104);

    private static final List<PatientSpec> PATIENTS = List.of(
            new PatientSpec("TH-P1", "رضا^محمدی", LocalDate.of(1980, 3, 21), "M", 2, 2, 3, "CT"),
            new PatientSpec("TH-P2", "Иванов^Иван", LocalDate.of(1975, 5, 9), "M", 1, 1, 4, "OT"),
            new PatientSpec("TH-P3", "Doe^Jane", LocalDate.of(1990, 1, 1), "F", 1, 2, 2, "ES"));

    @TempDir
    Path dir;

    @Test
    void peersStoreQueryAndRetrieveOnLoopbackOnlyAndLeaveNothingRunning() throws Exception {
        List<Instance> data = TestData.generate(dir.resolve("data"), PATIENTS);
        List<Path> files = data.stream().map(Instance::file).toList();
        List<ProcessHandle> started;

        try (StoreScp receiver = StoreScp.start(dir.resolve("storescp"), "RECEIVER");
                Orthanc orthanc = Orthanc.start(dir.resolve("orthanc"), "ORTHANC",
                        Map.of("scu", SCU, "receiver", receiver.remote()));
                DcmQrScp dcmqr = DcmQrScp.start(dir.resolve("dcmqrscp"), "DCMQR",
                        List.of(SCU, receiver.remote(), orthanc.remote()))) {
            orthanc.addModality(dcmqr.remote());

            ok(Dcmtk.storescu(HOST, orthanc.dicomPort(), SCU.aet(), orthanc.aet(), files));
            ok(Dcmtk.storescu(HOST, dcmqr.port(), SCU.aet(), dcmqr.aet(), files));

            // Orthanc's REST API: every instance, under its patient, names byte for byte
            assertEquals(files.size(), orthanc.instanceCount());
            for (PatientSpec patient : PATIENTS) {
                assertEquals(of(data, patient, Instance::sopInstanceUid),
                        Set.copyOf(orthanc.instancesOfPatient(patient.patientId())));
                JsonNode found = orthanc.post("/tools/find", Map.of("Level", "Patient",
                        "Query", Map.of("PatientID", patient.patientId()), "Expand", true));
                assertEquals(patient.patientName(), found.get(0).path("MainDicomTags").path("PatientName").asText());
            }
            // DICOMweb plugin (QIDO-RS), retrieve URLs with the port; no REST without the password
            JsonNode qido = orthanc.get("/dicom-web/studies?PatientID=TH-P2");
            assertEquals("Иванов^Иван", qido.get(0).path("00100010").path("Value").get(0).path("Alphabetic").asText());
            assertTrue(qido.get(0).path("00081190").path("Value").get(0).asText().startsWith(orthanc.dicomWebUrl()),
                    qido.toString());
            HttpResponse<Void> anonymous = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(orthanc.baseUrl() + "/system")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(401, anonymous.statusCode());

            // C-FIND at both PACS: each patient's studies with the exact name (values(0) is the query's own)
            for (Remote pacs : List.of(orthanc.remote(), dcmqr.remote())) {
                for (PatientSpec patient : PATIENTS) {
                    Dcmtk.Result find = ok(Dcmtk.findscu(HOST, pacs.port(), SCU.aet(), pacs.aet(), patient.patientId()));
                    List<String> names = find.values("PatientName");
                    List<String> studies = find.values("StudyInstanceUID");
                    assertEquals(of(data, patient, Instance::studyInstanceUid),
                            Set.copyOf(studies.subList(1, studies.size())), pacs + " " + find.output());
                    assertEquals(Set.of(patient.patientName()), Set.copyOf(names.subList(1, names.size())),
                            pacs + " " + find.output());
                }
            }

            // access rules: wrong called AE, unlisted calling AE
            assertFalse(Dcmtk.echoscu(HOST, orthanc.dicomPort(), SCU.aet(), "WRONG").ok());
            assertFalse(Dcmtk.findscu(HOST, orthanc.dicomPort(), "STRANGER", orthanc.aet(), "TH-P1").ok());
            assertFalse(Dcmtk.echoscu(HOST, dcmqr.port(), "STRANGER", dcmqr.aet()).ok());

            // C-MOVE from dcmqrscp to storescp, then from Orthanc to storescp
            Instance first = data.get(0);
            Set<String> firstStudy = data.stream().filter(i -> i.studyInstanceUid().equals(first.studyInstanceUid()))
                    .map(Instance::sopInstanceUid).collect(toSet());
            ok(Dcmtk.movescu(HOST, dcmqr.port(), SCU.aet(), dcmqr.aet(), receiver.aet(), first.studyInstanceUid()));
            assertEquals(firstStudy, sopUids(receiver.awaitFiles(firstStudy.size(), Duration.ofSeconds(10))));
            receiver.clear();
            Instance other = data.stream().filter(i -> i.patientId().equals("TH-P2")).findFirst().orElseThrow();
            ok(Dcmtk.movescu(HOST, orthanc.dicomPort(), SCU.aet(), orthanc.aet(), receiver.aet(),
                    other.studyInstanceUid()));
            assertEquals(4, receiver.awaitFiles(4, Duration.ofSeconds(10)).size());

            // C-GET from dcmqrscp
            Path got = dir.resolve("got");
            ok(Dcmtk.getscu(HOST, dcmqr.port(), SCU.aet(), dcmqr.aet(), first.studyInstanceUid(), got));
            try (Stream<Path> list = Files.list(got)) {
                assertEquals(firstStudy, sopUids(list.toList()));
            }

            // Loopback only. Where a process listens is read from the kernel: its socket inodes
            // (/proc/<pid>/fd -> socket:[inode]) against the LISTEN rows of /proc/<pid>/net/tcp and tcp6
            // (LoopbackShim.listening); `ss -ltnp` shows the same.
            List<InetSocketAddress> orthancListens = LoopbackShim.listening(orthanc.pid());
            assertEquals(Set.of(orthanc.dicomPort(), orthanc.httpPort()),
                    orthancListens.stream().map(InetSocketAddress::getPort).collect(toSet()));
            for (long pid : List.of(orthanc.pid(), dcmqr.pid(), receiver.pid())) {
                List<InetSocketAddress> listens = LoopbackShim.listening(pid);
                assertFalse(listens.isEmpty());
                assertTrue(listens.stream().allMatch(a -> a.getAddress().getHostAddress().equals(HOST)),
                        "process " + pid + " listens on " + listens);
            }

            orthanc.reset();
            assertEquals(0, orthanc.instanceCount());
            started = ProcessHandle.current().descendants().toList();
            assertTrue(started.size() >= 3, "peers running: " + started);
        }

        for (ProcessHandle process : started) {
            process.onExit().get(10, TimeUnit.SECONDS);
            assertFalse(process.isAlive(), "left running: " + process.pid() + " " + process.info());
        }
    }

    @Test
    void generatedFilesAreValidDicomAndTheBrokenOnesAreNot() throws Exception {
        List<Instance> data = TestData.generate(dir, List.of(
                new PatientSpec("TH-A1", "الحسن^عبدالله", LocalDate.of(1970, 7, 1), "M", 1, 1, 1, "CT"),
                new PatientSpec("TH-A2", "Smith^Anna", LocalDate.of(2001, 2, 3), "F", 1, 1, 1, "OT")));

        String arabic = ok(Dcmtk.run(Dcmtk.TIMEOUT, List.of("dcmdump", data.get(0).file().toString()))).output();
        assertTrue(arabic.contains("[الحسن^عبدالله]"), arabic);
        assertTrue(arabic.contains("(0008,0005) CS [ISO_IR 192]"), arabic);
        assertTrue(arabic.contains("=CTImageStorage"), arabic);
        String ascii = ok(Dcmtk.run(Dcmtk.TIMEOUT, List.of("dcmdump", data.get(1).file().toString()))).output();
        assertFalse(ascii.contains("(0008,0005)"), "no character set for ASCII: " + ascii);
        assertTrue(ascii.contains("=SecondaryCaptureImageStorage"), ascii);
        assertTrue(ascii.contains("# 2048, 1 PixelData"), ascii);

        Path truncated = TestData.truncated(data.get(0).file(), dir.resolve("broken/truncated.dcm"));
        assertTrue(Files.size(truncated) < Files.size(data.get(0).file()));
        assertFalse(Dcmtk.run(Dcmtk.TIMEOUT, List.of("dcmdump", truncated.toString())).ok());
        Path png = TestData.notDicom(dir.resolve("broken/image.png"));
        assertFalse(Dcmtk.run(Dcmtk.TIMEOUT, List.of("dcmdump", png.toString())).ok());
    }

    @Test
    void generatesTwoHundredInstancesInAFewSeconds() throws Exception {
        List<PatientSpec> patients = new ArrayList<>();
        for (int p = 1; p <= 10; p++) {
            patients.add(new PatientSpec("TH-B" + p, "Patient^Number" + p, LocalDate.of(1960 + p, 1, 1), "O", 2, 2, 5,
                    p % 2 == 0 ? "CT" : "OT"));
        }
        long start = System.nanoTime();
        List<Instance> data = TestData.generate(dir, patients);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("TestData.generate: " + data.size() + " instances in " + millis + " ms");

        assertEquals(200, data.size());
        assertEquals(200, data.stream().map(Instance::file).filter(Files::isRegularFile).count());
        assertEquals(20, data.stream().map(Instance::studyDate).distinct().count());
        assertEquals(20, data.stream().map(Instance::accessionNumber).distinct().count());
        assertTrue(millis < 10_000, millis + " ms");
    }

    private static Dcmtk.Result ok(Dcmtk.Result result) {
        assertTrue(result.ok(), "exit " + result.exit() + "\n" + result.output());
        return result;
    }

    private static Set<String> of(List<Instance> data, PatientSpec patient,
            java.util.function.Function<Instance, String> value) {
        return data.stream().filter(i -> i.patientId().equals(patient.patientId())).map(value).collect(toSet());
    }

    /** storescp and getscu name files {@code <modality>.<SOP Instance UID>}. */
    private static Set<String> sopUids(List<Path> files) {
        return files.stream().map(f -> f.getFileName().toString()).map(n -> n.substring(n.indexOf('.') + 1))
                .collect(toSet());
    }
}
