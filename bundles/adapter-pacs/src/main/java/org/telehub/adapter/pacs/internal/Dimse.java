package org.telehub.adapter.pacs.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CMoveRequestCommandMessage;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.FindSOPClassSCU;
import com.pixelmed.network.GetSOPClassSCU;
import com.pixelmed.network.ReceivedObjectHandler;
import com.pixelmed.network.IdentifierHandler;
import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.VerificationSOPClassSCU;

import org.telehub.dicom.net.DicomFiles;
import org.telehub.dicom.net.DimseClient;
import org.telehub.dicom.net.Endpoint;
import org.telehub.dicom.net.Status;
import org.telehub.dicom.net.StorageCommitment;
import org.telehub.dicom.net.ReceivedFileNames;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ImagingSeries;
import org.telehub.integration.api.ImagingStudy;
import org.telehub.integration.api.StoreOutcome;
import org.telehub.integration.api.StudyQuery;
import org.telehub.integration.api.TransferOutcome;

/**
 * The DIMSE side of the adapter: C-ECHO, C-FIND, C-MOVE and C-GET on PixelMed's classes, C-STORE and the
 * associations (TCP_NODELAY, read timeout, failures in words) by the shared {@link DimseClient}.
 */
final class Dimse {
    private final Endpoint pacs;
    private final DimseClient client;
    private final StorageCommitment commitment;
    /** The N-ACTION's association: its calling AE title is our storage SCP's, where the PACS reports. */
    private final DimseClient commitClient;
    private final Duration commitmentWait;

    Dimse(Endpoint pacs) {
        this(pacs, null, null, null);
    }

    /** @param commitment null: stores are not committed */
    Dimse(Endpoint pacs, StorageCommitment commitment, String scpAe, Duration commitmentWait) {
        this.pacs = pacs;
        this.client = new DimseClient(pacs, "PACS");
        this.commitment = commitment;
        this.commitClient = commitment == null ? null : new DimseClient(pacs.withCallingAe(scpAe), "PACS");
        this.commitmentWait = commitmentWait;
    }

    // ---- C-ECHO

    void echo() throws AdapterException {
        try {
            new VerificationSOPClassSCU(pacs.host(), pacs.port(), pacs.calledAe(), pacs.callingAe(), false);
        } catch (Exception e) {
            throw failure("C-ECHO", e);
        }
    }

    // ---- C-STORE

    /** C-STORE, and with storage commitment an instance counts as stored only once the PACS committed it. */
    List<StoreOutcome> store(List<Path> files) throws AdapterException {
        List<StoreOutcome> outcomes = client.store(files);
        return commitment == null ? outcomes : commitment.committed(commitClient, outcomes, commitmentWait);
    }

    // ---- C-FIND

    List<ImagingStudy> findStudies(StudyQuery q) throws AdapterException {
        AttributeList id = Identifiers.studyQuery(q);
        List<ImagingStudy> out = new ArrayList<>();
        find(id, list -> {
            if (out.size() < q.limit()) {
                out.add(Identifiers.study(list));
            }
        });
        return out;
    }

    List<ImagingSeries> findSeries(String studyUid) throws AdapterException {
        List<ImagingSeries> out = new ArrayList<>();
        find(Identifiers.seriesQuery(studyUid), list -> out.add(Identifiers.series(studyUid, list)));
        return out;
    }

    private interface Collector {
        void take(AttributeList list) throws DicomException;
    }

    private void find(AttributeList identifier, Collector collector) throws AdapterException {
        String sopClass = SOPClass.StudyRootQueryRetrieveInformationModelFind;
        Association association = open(contexts(sopClass), "C-FIND");
        try {
            new FindSOPClassSCU(association, sopClass, identifier, new IdentifierHandler() {
                @Override
                public void doSomethingWithIdentifier(AttributeList list) throws DicomException {
                    collector.take(list);
                }
            });
        } catch (Exception e) {
            abort(association);
            throw failure("C-FIND", e);
        }
        release(association);
    }

    // ---- C-MOVE

    /**
     * Asks the PACS to send a study to {@code destinationAe}; waits for the final response. The PACS's failure
     * status (e.g. 0xA801, destination unknown) becomes the exception's message.
     */
    TransferOutcome move(String studyUid, String destinationAe) throws AdapterException {
        String sopClass = SOPClass.StudyRootQueryRetrieveInformationModelMove;
        Association association = open(contexts(sopClass), "C-MOVE");
        MoveHandler handler = new MoveHandler();
        try {
            byte context = association.getSuitablePresentationContextID(sopClass);
            byte[] command = new CMoveRequestCommandMessage(sopClass, destinationAe).getBytes();
            byte[] data = encode(Identifiers.studyKey(studyUid),
                    association.getTransferSyntaxForPresentationContextID(context));
            association.setReceivedDataHandler(handler);
            association.send(context, command, data);
            association.waitForPDataPDUsUntilHandlerReportsDone();
        } catch (Exception e) {
            abort(association);
            association = null;
            throw failure("C-MOVE", e);
        } finally {
            release(association);
        }
        int status = handler.getStatus();
        if (!Status.success(status) && handler.completed == 0) {
            throw new AdapterException("the PACS refused to move study " + studyUid + " to " + destinationAe + ": "
                    + Status.describe(status) + (handler.comment.isEmpty() ? "" : " - " + handler.comment),
                    (status & 0xFF00) == 0xA700);
        }
        return new TransferOutcome(handler.completed, handler.failed, handler.warnings);
    }

    // ---- C-GET

    /** The storage SOP classes of a study, from the PACS (SOP Classes in Study); empty if it does not say. */
    Set<String> sopClassesInStudy(String studyUid) throws AdapterException {
        AttributeList id = Identifiers.studyKey(studyUid);
        Identifiers.put(id, TagFromName.SOPClassesInStudy, null);
        Set<String> classes = new LinkedHashSet<>();
        find(id, list -> {
            for (String c : Attribute.getDelimitedStringValuesOrEmptyString(list, TagFromName.SOPClassesInStudy)
                    .split("\\\\")) {
                if (!c.isBlank()) {
                    classes.add(c.trim());
                }
            }
        });
        return classes;
    }

    /**
     * C-GET of a study over one association (PixelMed opens it: Nagle stays on for C-GET, see the README).
     * Every received instance goes to {@code receiving}, under a name of ours (never the PACS's UID).
     */
    void get(String studyUid, Set<String> storageClasses, Path incoming, Receiving receiving)
            throws AdapterException {
        ReceivedObjectHandler handler = new ReceivedObjectHandler() {
            @Override
            public void sendReceivedObjectIndication(String fileName, String transferSyntax, String callingAe)
                    throws DicomException {
                receiving.receive(Path.of(fileName));
            }
        };
        try {
            new GetSOPClassSCU(pacs.host(), pacs.port(), pacs.calledAe(), pacs.callingAe(),
                    SOPClass.StudyRootQueryRetrieveInformationModelGet, Identifiers.studyKey(studyUid),
                    new IdentifierHandler(), incoming.toFile(), ReceivedFileNames.RANDOM,
                    handler, storageClasses, true, false, false);
        } catch (Exception e) {
            throw failure("C-GET", e);
        }
    }

    /** A data set as a DIMSE message's data (no meta header), in the negotiated transfer syntax. */
    private static byte[] encode(AttributeList list, String transferSyntax) throws IOException, DicomException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        com.pixelmed.dicom.DicomOutputStream out = new com.pixelmed.dicom.DicomOutputStream(bytes, null,
                transferSyntax);
        list.write(out);
        out.close();
        return bytes.toByteArray();
    }

    private AdapterException failure(String operation, Throwable e) {
        return client.failure(operation, e);
    }

    private Association open(LinkedList<PresentationContext> contexts, String operation) throws AdapterException {
        return client.open(contexts, operation);
    }

    private static LinkedList<PresentationContext> contexts(String sopClass) {
        return DimseClient.contexts(sopClass);
    }

    private static void release(Association a) {
        DimseClient.release(a);
    }

    private static void abort(Association a) {
        DimseClient.abort(a);
    }

    /** Follows C-MOVE responses until the final one; keeps its sub-operation counts and error comment. */
    private static final class MoveHandler extends CompositeResponseHandler {
        int completed;
        int failed;
        int warnings;
        String comment = "";

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
            status = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Status, 0xFFFF);
            completed = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfCompletedSuboperations,
                    completed);
            failed = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFailedSuboperations, failed);
            warnings = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfWarningSuboperations,
                    warnings);
            comment = DicomFiles.s(list, TagFromName.ErrorComment);
            success = Status.success(status);
            if (!Status.pending(status)) {
                setDone(true);
            }
        }
    }
}
