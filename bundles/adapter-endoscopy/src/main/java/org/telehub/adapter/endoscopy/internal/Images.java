package org.telehub.adapter.endoscopy.internal;

// the adapter's Settings, not this class's own Settings record
import static org.telehub.adapter.endoscopy.internal.Settings.words;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.ReceivedObjectHandler;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.dicom.net.AcceptedContexts;
import org.telehub.dicom.net.DicomFiles;
import org.telehub.dicom.net.Scp;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.InstanceIntake;
import org.telehub.integration.api.ReceivedInstance;

/**
 * The endoscopy system's images and videos: a storage SCP that only the configured senders may associate with
 * (each its AE title on its host), taking VL Endoscopic Image and Video Endoscopic Image instances (and, where the
 * profile or configuration says the system sends them, Secondary Capture or VL Photographic). Each received
 * instance is handed to the hub's {@link InstanceIntake} (encrypted, indexed by patient, study and accession,
 * forwarded to the archive) before the C-STORE is answered: success means kept. An instance the hub does not keep
 * fails the store; PixelMed's SCP then ends the association, so the sender sees the failure and sends again.
 */
final class Images implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Images.class);

    static final String VERIFICATION = AcceptedContexts.VERIFICATION;
    static final String VL_ENDOSCOPIC_IMAGE = "1.2.840.10008.5.1.4.1.1.77.1.1";
    static final String VIDEO_ENDOSCOPIC_IMAGE = "1.2.840.10008.5.1.4.1.1.77.1.1.1";
    private static final List<String> UNCOMPRESSED = AcceptedContexts.UNCOMPRESSED;
    /** Still images as endoscopy systems write them: uncompressed, JPEG baseline and extended, JPEG lossless. */
    private static final List<String> STILL = List.of("1.2.840.10008.1.2.1", "1.2.840.10008.1.2",
            "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70",
            "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91");
    /** Video: MPEG-2 MP@ML and MP@HL, MPEG-4 AVC/H.264 High Profile (level 4.1, and BD-compatible). */
    private static final List<String> VIDEO = List.of("1.2.840.10008.1.2.4.100", "1.2.840.10008.1.2.4.101",
            "1.2.840.10008.1.2.4.102", "1.2.840.10008.1.2.4.103");

    static final String SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";
    static final String VL_PHOTOGRAPHIC = "1.2.840.10008.5.1.4.1.1.77.1.4";
    /** The storage classes a configuration may name ({@code storageClasses}), each with its transfer syntaxes. */
    private static final Map<String, Map.Entry<String, List<String>>> CLASSES = Map.of(
            "VL_ENDOSCOPIC", Map.entry(VL_ENDOSCOPIC_IMAGE, STILL),
            "VIDEO_ENDOSCOPIC", Map.entry(VIDEO_ENDOSCOPIC_IMAGE, concat(VIDEO, UNCOMPRESSED)),
            "SECONDARY_CAPTURE", Map.entry(SECONDARY_CAPTURE, STILL),
            "VL_PHOTOGRAPHIC", Map.entry(VL_PHOTOGRAPHIC, STILL));

    /** Where the storage SCP listens, who may send, and what (SOP class → transfer syntaxes). */
    record Settings(String bindAddress, int port, String aeTitle, List<Scp.Peer> senders, String forwardTo,
            int maxPdu, int readTimeoutMillis, Map<String, List<String>> classes) {
    }

    /**
     * The SOP classes named by {@code storageClasses} (VL_ENDOSCOPIC, VIDEO_ENDOSCOPIC, SECONDARY_CAPTURE,
     * VL_PHOTOGRAPHIC, separated by commas), each with the transfer syntaxes taken for it.
     */
    static Map<String, List<String>> classes(String names) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String n : words(names)) {
            Map.Entry<String, List<String>> c = CLASSES.get(n.toUpperCase(java.util.Locale.ROOT));
            if (c == null) {
                throw new IllegalArgumentException("storageClasses: each of " + new java.util.TreeSet<>(
                        CLASSES.keySet()) + " (got '" + n + "')");
            }
            out.put(c.getKey(), c.getValue());
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("storageClasses: at least one, e.g. VL_ENDOSCOPIC");
        }
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    private final String adapterId;
    private final InstanceIntake intake;
    private final String forwardTo;
    private final Scp scp;
    private final java.util.Set<String> classes;
    private final AtomicLong kept = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile String lastRefusal;

    Images(String adapterId, Settings s, Path incoming, InstanceIntake intake) throws IOException {
        this.adapterId = adapterId;
        this.intake = intake;
        this.forwardTo = s.forwardTo();
        Files.createDirectories(incoming);
        this.classes = java.util.Set.copyOf(s.classes().keySet());
        Map<String, List<String>> accepted = new LinkedHashMap<>();
        accepted.put(VERIFICATION, UNCOMPRESSED);
        accepted.putAll(s.classes());
        this.scp = Scp.storage("endoscopy " + adapterId, s.bindAddress(), s.port(), s.aeTitle(), s.senders(),
                incoming, s.maxPdu(), s.readTimeoutMillis(), new AcceptedContexts(accepted),
                new ReceivedObjectHandler() {
                    @Override
                    public void sendReceivedObjectIndication(String fileName, String transferSyntax,
                            String callingAe) throws DicomException {
                        receive(Path.of(fileName), callingAe);
                    }
                });
    }

    int port() {
        return scp.port();
    }

    long kept() {
        return kept.get();
    }

    long refused() {
        return refused.get();
    }

    String lastRefusal() {
        return lastRefusal;
    }

    /** One received file (under a random name of ours): to the hub, then deleted whatever happens. */
    void receive(Path file, String callingAe) throws DicomException {
        try {
            AttributeList head = DicomFiles.head(file);
            ReceivedInstance instance = new ReceivedInstance(DicomFiles.s(head, TagFromName.PatientID),
                    DicomFiles.s(head, TagFromName.PatientName), DicomFiles.s(head, TagFromName.StudyInstanceUID),
                    DicomFiles.s(head, TagFromName.SeriesInstanceUID), DicomFiles.s(head, TagFromName.SOPInstanceUID),
                    DicomFiles.s(head, TagFromName.SOPClassUID), DicomFiles.s(head, TagFromName.Modality));
            if (!classes.contains(instance.sopClassUid())) {
                // the association admitted the configured classes only; the data set must not say otherwise
                throw new DicomException("its SOP Class UID " + instance.sopClassUid().replaceAll("[^0-9.]", "?")
                        + " is not one this system sends (storageClasses)");
            }
            String accession = DicomFiles.s(head, TagFromName.AccessionNumber);
            intake.keep(adapterId, instance, accession.isEmpty() ? null : accession, file, forwardTo);
            kept.incrementAndGet();
        } catch (AdapterException | IOException | DicomException | RuntimeException e) {
            refused.incrementAndGet();
            lastRefusal = "an instance from " + callingAe + " was not kept: " + e.getMessage();
            LOG.warn("Endoscopy {}: {}", adapterId, lastRefusal);
            throw new DicomException("not kept: " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("Endoscopy {}: cannot delete received file {}: {}", adapterId, file, e.toString());
            }
        }
    }

    @Override
    public void close() {
        scp.close();
    }
}
