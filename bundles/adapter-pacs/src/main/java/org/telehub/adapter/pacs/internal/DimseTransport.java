package org.telehub.adapter.pacs.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.AnyExplicitStorePresentationContextSelectionPolicy;
import com.pixelmed.network.ReceivedObjectHandler;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.dicom.net.Endpoint;
import org.telehub.dicom.net.DicomFiles;
import org.telehub.dicom.net.Scp;
import org.telehub.dicom.net.StorageCommitment;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ImagingSeries;
import org.telehub.integration.api.ImagingStudy;
import org.telehub.integration.api.StoreOutcome;
import org.telehub.integration.api.StudyQuery;
import org.telehub.integration.api.TransferOutcome;

/**
 * DIMSE: the classic DICOM network protocol. Retrieves go by C-MOVE to our own storage SCP (which then must be
 * enabled and known to the PACS) or by C-GET. With storage commitment, that SCP also takes the PACS's commitment
 * reports.
 */
final class DimseTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(DimseTransport.class);

    /** Offered for C-GET when the PACS does not list a study's SOP classes. */
    private static final List<String> COMMON_STORAGE = List.of(SOPClass.CTImageStorage, SOPClass.MRImageStorage,
            SOPClass.ComputedRadiographyImageStorage, SOPClass.DigitalXRayImageStorageForPresentation,
            SOPClass.UltrasoundImageStorage, SOPClass.UltrasoundMultiframeImageStorage,
            SOPClass.SecondaryCaptureImageStorage, SOPClass.EncapsulatedPDFStorage,
            SOPClass.VisibleLightEndoscopicImageStorage, SOPClass.VideoEndoscopicImageStorage,
            SOPClass.VisibleLightPhotographicImageStorage, SOPClass.NuclearMedicineImageStorage,
            SOPClass.PETImageStorage, SOPClass.DigitalMammographyXRayImageStorageForPresentation,
            SOPClass.XRayAngiographicImageStorage, SOPClass.EnhancedCTImageStorage, SOPClass.EnhancedMRImageStorage,
            SOPClass.BasicTextSRStorage, SOPClass.EnhancedSRStorage, SOPClass.ComprehensiveSRStorage);

    private final Dimse dimse;
    private final String retrieveMethod;
    private final String scpAe;
    private final String pacsAe;
    private final Path incoming;
    private final Scp scp;
    private final ConcurrentMap<String, Receiving> retrieves = new ConcurrentHashMap<>();

    /**
     * @param commitmentWait how long a store waits for the PACS's storage commitment report; null: no storage
     *            commitment
     */
    DimseTransport(Endpoint pacs, String retrieveMethod, String scpBind, int scpPort, String scpAe, Path incoming,
            Duration commitmentWait) throws IOException {
        StorageCommitment commitment = null;
        if (commitmentWait != null) {
            if (scpPort <= 0) {
                throw new IllegalArgumentException("storageCommitment needs Telehub's storage SCP (scpPort): the "
                        + "PACS sends its commitment report there");
            }
            commitment = new StorageCommitment("PACS");
        }
        this.dimse = new Dimse(pacs, commitment, scpAe, commitmentWait);
        this.retrieveMethod = retrieveMethod;
        this.scpAe = scpAe;
        this.pacsAe = pacs.calledAe();
        this.incoming = incoming;
        Files.createDirectories(incoming);
        this.scp = scpPort > 0 ? Scp.storage("PACS " + pacs.calledAe(), scpBind, scpPort, scpAe,
                List.of(new Scp.Peer(pacs.calledAe(), pacs.host())), incoming, pacs.maxPdu(),
                pacs.readTimeoutMillis(), new AnyExplicitStorePresentationContextSelectionPolicy(),
                new ReceivedObjectHandler() {
                    @Override
                    public void sendReceivedObjectIndication(String fileName, String transferSyntax, String callingAe)
                            throws DicomException {
                        received(Path.of(fileName), callingAe);
                    }
                }, commitment) : null;
    }

    /**
     * An instance arrived at our SCP (under a name of ours). Only the PACS may associate (the SCP refuses anyone
     * else before a byte is written), and it may send only for a study being retrieved: anything else is PHI
     * nobody asked for and is deleted at once. PixelMed's SCP cannot answer a C-STORE with a failure status, so
     * the refusal ends the association: the sender sees the store fail.
     */
    private void received(Path file, String callingAe) throws DicomException {
        Receiving r = null;
        AttributeList head = null;
        if (pacsAe.equals(callingAe.trim())) {
            try {
                head = DicomFiles.head(file);
                String study = DicomFiles.s(head, TagFromName.StudyInstanceUID);
                r = DicomFiles.isUid(study) ? retrieves.get(study) : null;
            } catch (IOException | DicomException unreadable) {
                r = null;
            }
        }
        if (r == null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("Cannot delete unsolicited file {}", file);
            }
            LOG.warn("Storage SCP {}: discarded an instance from AE '{}' that no retrieve asked for", scpAe,
                    callingAe);
            throw new DicomException("no retrieve in progress for this instance");
        }
        r.receive(file, head);
    }

    @Override
    public void echo() throws AdapterException {
        dimse.echo();
    }

    @Override
    public List<StoreOutcome> store(List<Path> files) throws AdapterException {
        return dimse.store(files);
    }

    @Override
    public List<ImagingStudy> findStudies(StudyQuery query) throws AdapterException {
        return dimse.findStudies(query);
    }

    @Override
    public List<ImagingSeries> findSeries(String studyUid) throws AdapterException {
        return dimse.findSeries(studyUid);
    }

    @Override
    public TransferOutcome move(String studyUid, String destinationAe) throws AdapterException {
        return dimse.move(studyUid, destinationAe);
    }

    @Override
    public TransferOutcome retrieve(String studyUid, Receiving receiving) throws AdapterException {
        if ("GET".equals(retrieveMethod)) {
            Set<String> classes = new LinkedHashSet<>(dimse.sopClassesInStudy(studyUid));
            if (classes.isEmpty()) {
                classes.addAll(COMMON_STORAGE);
            }
            dimse.get(studyUid, classes, incoming, receiving);
            return new TransferOutcome(receiving.accepted(), receiving.failed(), 0);
        }
        if (scp == null) {
            throw new AdapterException("retrieve by C-MOVE needs Telehub's storage SCP: set scpPort in this "
                    + "adapter's configuration (or use C-GET)", false);
        }
        if (retrieves.putIfAbsent(studyUid, receiving) != null) {
            throw new AdapterException("study " + studyUid + " is already being retrieved from this PACS", true);
        }
        try {
            TransferOutcome moved = dimse.move(studyUid, scpAe);
            // the PACS answers after our last C-STORE response, which we send after the sink ran; this only
            // covers a sink still finishing on another association thread
            receiving.awaitProcessed(moved.completed() + moved.warnings(), 10_000);
            return new TransferOutcome(receiving.accepted(), moved.failed() + receiving.failed(),
                    moved.warnings());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdapterException("interrupted while receiving study " + studyUid, true, e);
        } finally {
            retrieves.remove(studyUid, receiving);
        }
    }

    @Override
    public void close() {
        if (scp != null) {
            scp.close();
        }
    }
}
