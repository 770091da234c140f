package org.telehub.adapter.endoscopy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.dicom.net.DicomFiles;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.InstanceIntake;
import org.telehub.integration.api.ReceivedInstance;
import org.telehub.testing.dicom.Dcmtk;
import org.telehub.testing.dicom.TestData;

/**
 * The storage SCP against DCMTK's storescu sending VL Endoscopic images made by img2dcm: what is kept reaches the
 * hub's intake with its patient, study and accession; who may send is checked at association; a SOP class other
 * than the endoscopic ones is refused in negotiation; an instance the hub cannot keep fails the store, and nothing
 * is left in the receiving folder. The intake here records what it is given (the hub's side is the manager's
 * {@code Intake}, tested in the distribution by PacsIT).
 */
class ImagesTest {
    @TempDir
    static Path dir;
    private static List<Path> images;
    private static Path ct;

    private final List<Kept> kept = new ArrayList<>();
    private volatile AdapterException failing;
    private EndoscopyAdapter adapter;

    record Kept(String adapterId, ReceivedInstance instance, String accession, List<String> forwardTo, long size,
            String transferSyntax) {
    }

    @BeforeAll
    static void files() throws Exception {
        images = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            images.add(Dcmtk.vlEndoscopic(dir.resolve("made"), "vl-" + i, "PAT-FA", "رحیمی^سارا", "ACC-FA-1",
                    "2.25.4242", i));
        }
        ct = TestData.generate(dir.resolve("ct"), List.of(new TestData.PatientSpec("PAT-CT", "Ct^Patient",
                java.time.LocalDate.of(1970, 1, 1), "F", 1, 1, 1, "CT"))).get(0).file();
    }

    @AfterEach
    void close() {
        if (adapter != null) {
            adapter.close();
        }
    }

    private final InstanceIntake intake = (adapterId, instance, accession, file, forwardTo) -> {
        if (failing != null) {
            throw failing;
        }
        try {
            synchronized (kept) {
                kept.add(new Kept(adapterId, instance, accession, forwardTo, Files.size(file), DicomFiles.s(
                        DicomFiles.head(file), TagFromName.TransferSyntaxUID)));
            }
        } catch (IOException | DicomException e) {
            throw new AdapterException(e.getMessage(), true, e);
        }
    };

    private EndoscopyAdapter adapter(String... senders) throws IOException {
        Map<String, Object> values = new HashMap<>(Map.of("id", "endo-1", "worklistHost", "127.0.0.1",
                "worklistPort", 1, "worklistAe", "ENDOWL", "timeoutMillis", 5000, "storagePort",
                freePort(), "senders", senders, "forwardTo", "orthanc-main", "callingAe", "TELEHUB"));
        adapter = new EndoscopyAdapter(WorklistTest.config(values), "test", intake, null, dir.resolve("data"));
        return adapter;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** storescu proposing JPEG baseline, as the images are. */
    private static Dcmtk.Result store(EndoscopyAdapter a, String callingAe, List<Path> files) {
        return Dcmtk.storescu("127.0.0.1", a.storagePort(), callingAe, "TELEHUB", files, List.of("-xy"));
    }

    private Path incoming() {
        return dir.resolve("data").resolve("endo-1").resolve("incoming");
    }

    private long left() throws IOException {
        try (Stream<Path> s = Files.list(incoming())) {
            return s.count();
        }
    }

    @Test
    void imagesFromTheSenderAreKeptWithTheirPatientStudyAndAccession() throws Exception {
        EndoscopyAdapter a = adapter("ENDOBASE@127.0.0.1");
        Dcmtk.Result r = store(a, "ENDOBASE", images);
        assertTrue(r.ok(), r.output());
        assertEquals(3, kept.size(), kept.toString());
        for (Kept k : kept) {
            assertEquals("endo-1", k.adapterId());
            assertEquals("PAT-FA", k.instance().patientId());
            assertEquals("رحیمی^سارا", k.instance().patientName());
            assertEquals("2.25.4242", k.instance().studyInstanceUid());
            assertEquals(Dcmtk.VL_ENDOSCOPIC_IMAGE, k.instance().sopClassUid());
            assertEquals("ES", k.instance().modality());
            assertEquals("ACC-FA-1", k.accession());
            assertEquals(List.of("orthanc-main"), k.forwardTo());
            assertTrue(k.size() > 500, "the whole file reached the intake: " + k.size());
        }
        assertEquals(3, kept.stream().map(k -> k.instance().sopInstanceUid()).distinct().count());
        assertEquals(0, left(), "received files are deleted once kept");
        assertTrue(a.health().detail().contains("3 kept, 0 refused"), a.health().detail());
    }

    /** A recording: H.264 in MPEG-4 AVC/H.264 High Profile / Level 4.1, kept as sent (nothing transcoded). */
    @Test
    void aVideoIsKeptAsItWasSent() throws Exception {
        Path video = Dcmtk.videoEndoscopic(dir.resolve("made"), "video-1", "PAT-FA", "رحیمی^سارا", "ACC-FA-1",
                "2.25.4242", "2.25.4242.77");
        EndoscopyAdapter a = adapter("ENDOBASE@127.0.0.1");
        Dcmtk.Result r = Dcmtk.storescu("127.0.0.1", a.storagePort(), "ENDOBASE", "TELEHUB", List.of(video),
                List.of("-xn", "-R")); // storescu's default list of storage classes has no Video Endoscopic
        assertTrue(r.ok(), r.output());
        assertEquals(1, kept.size(), kept.toString());
        Kept k = kept.get(0);
        assertEquals(Dcmtk.VIDEO_ENDOSCOPIC_IMAGE, k.instance().sopClassUid());
        assertEquals("2.25.4242.77", k.instance().sopInstanceUid());
        assertEquals("ACC-FA-1", k.accession());
        assertTrue(Math.abs(k.size() - Files.size(video)) < 512, "the whole recording: " + k.size() + " of "
                + Files.size(video));
        assertEquals(Dcmtk.MPEG4_HP41, k.transferSyntax(), "as sent");
    }

    @Test
    void anotherAeTitleOrAnotherHostIsRefusedAtAssociation() throws Exception {
        EndoscopyAdapter a = adapter("ENDOBASE@127.0.0.1, OTHER@192.0.2.1"); // as a .cfg file gives them
        Dcmtk.Result wrongAe = store(a, "INTRUDER", images);
        assertFalse(wrongAe.ok(), wrongAe.output());
        assertTrue(wrongAe.output().contains("Calling AE Title Not Recognized"), wrongAe.output());
        // OTHER may send, but only from its own host
        Dcmtk.Result wrongHost = store(a, "OTHER", images);
        assertFalse(wrongHost.ok(), wrongHost.output());
        assertEquals(List.of(), kept);
    }

    @Test
    void onlyEndoscopicImagesAreAccepted() throws Exception {
        EndoscopyAdapter a = adapter("ENDOBASE@127.0.0.1");
        Dcmtk.Result r = store(a, "ENDOBASE", List.of(ct));
        assertFalse(r.ok(), r.output());
        assertTrue(r.output().contains("No presentation context for: (CT)"), r.output());
        assertEquals(List.of(), kept);
    }

    @Test
    void anInstanceTheHubCannotKeepFailsTheStoreAndLeavesNothing() throws Exception {
        EndoscopyAdapter a = adapter("ENDOBASE@127.0.0.1");
        failing = new AdapterException("the hub could not keep the instance now: database down", true);
        Dcmtk.Result r = store(a, "ENDOBASE", images.subList(0, 1));
        assertFalse(r.ok(), "the sender must not see success: " + r.output());
        assertEquals(0, left());
        assertTrue(a.health().detail().contains("0 kept, 1 refused"), a.health().detail());
        assertTrue(a.health().lastError().contains("database down"), a.health().lastError());
        failing = null;
        Dcmtk.Result again = store(a, "ENDOBASE", images.subList(0, 1));
        assertTrue(again.ok(), again.output());
        assertEquals(1, kept.size(), "sent again, kept");
    }

    /** A port taken by something else: the adapter stays, DOWN, naming the port (the worklist is still read). */
    @Test
    void aStorageScpThatCannotListenSaysWhere() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            Map<String, Object> values = new HashMap<>(Map.of("id", "endo-1", "worklistHost", "127.0.0.1",
                    "worklistPort", 1, "worklistAe", "ENDOWL", "storagePort", taken.getLocalPort(), "senders",
                    new String[] {"ENDOBASE@127.0.0.1"}, "callingAe", "TELEHUB"));
            adapter = new EndoscopyAdapter(WorklistTest.config(values), "test", intake, null, dir.resolve("data"));
            assertEquals("DOWN", adapter.health().state().name());
            assertTrue(adapter.health().lastError().contains("storage SCP cannot listen on 127.0.0.1:"
                    + taken.getLocalPort()), adapter.health().lastError());
        }
    }

    @Test
    void aStorageScpNeedsItsSenders() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adapter());
        assertTrue(e.getMessage().startsWith("senders:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> adapter("ENDOBASE"));
        assertTrue(e.getMessage().contains("AE@host"), e.getMessage());
    }
}
