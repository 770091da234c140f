package org.telehub.adapter.pacs.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.dicom.net.DicomFiles;
import org.telehub.integration.api.DicomArchive.InstanceSink;
import org.telehub.integration.api.ReceivedInstance;

/**
 * One retrieve in progress: takes the instances that arrive for its study (by C-MOVE to our SCP, C-GET or WADO-RS),
 * hands each to the sink and deletes the received file whatever happens.
 */
final class Receiving {
    private static final Logger LOG = LoggerFactory.getLogger(Receiving.class);

    /** The UIDs of an instance that reach the sink (and from there the file store and the database). */
    private static final AttributeTag[] UIDS = {TagFromName.StudyInstanceUID, TagFromName.SeriesInstanceUID,
            TagFromName.SOPInstanceUID, TagFromName.SOPClassUID};

    private final String studyUid;
    private final InstanceSink sink;
    private int accepted;
    private int failed;
    private int inFlight;

    Receiving(String studyUid, InstanceSink sink) {
        this.studyUid = studyUid;
        this.sink = sink;
    }

    String studyUid() {
        return studyUid;
    }

    /**
     * Processes one received file.
     *
     * @throws DicomException when the instance is not of this study or the sink refused it (PixelMed's SCP then
     *             answers the sender with a failure status)
     */
    void receive(Path file) throws DicomException {
        receive(file, null);
    }

    /**
     * @param known the file's attributes up to its pixel data when the caller has read them already, else null
     */
    void receive(Path file, AttributeList known) throws DicomException {
        synchronized (this) {
            inFlight++;
        }
        boolean ok = false;
        try {
            AttributeList head = known != null ? known : DicomFiles.head(file);
            for (AttributeTag uid : UIDS) {
                if (!DicomFiles.isUid(DicomFiles.s(head, uid))) {
                    throw new DicomException("instance refused: its " + AttributeList.getDictionary()
                            .getNameFromTag(uid) + " is not a DICOM UID");
                }
            }
            ReceivedInstance instance = new ReceivedInstance(DicomFiles.s(head, TagFromName.PatientID),
                    DicomFiles.s(head, TagFromName.PatientName), DicomFiles.s(head, TagFromName.StudyInstanceUID),
                    DicomFiles.s(head, TagFromName.SeriesInstanceUID),
                    DicomFiles.s(head, TagFromName.SOPInstanceUID), DicomFiles.s(head, TagFromName.SOPClassUID),
                    DicomFiles.s(head, TagFromName.Modality));
            if (!studyUid.equals(instance.studyInstanceUid())) {
                throw new DicomException("instance " + instance.sopInstanceUid() + " is not of the study being "
                        + "retrieved");
            }
            sink.accept(instance, file);
            ok = true;
        } catch (DicomException e) {
            throw e;
        } catch (Exception e) {
            LOG.warn("Received instance not kept: {}", e.toString());
            throw new DicomException("not kept: " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("Cannot delete received file {}: {}", file, e.toString());
            }
            synchronized (this) {
                inFlight--;
                if (ok) {
                    accepted++;
                } else {
                    failed++;
                }
                notifyAll();
            }
        }
    }

    /** Waits until {@code expected} instances were processed (or none is in flight) or the time is up. */
    synchronized void awaitProcessed(int expected, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while ((accepted + failed < expected || inFlight > 0) && System.nanoTime() < deadline) {
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }

    synchronized int accepted() {
        return accepted;
    }

    synchronized int failed() {
        return failed;
    }
}
