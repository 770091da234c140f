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
import org.telehub.dicom.net.ReceivedFileNames;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ImagingSeries;
import org.telehub.integration.api.ImagingStudy;
import org.telehub.integration.api.StoreOutcome;
import org.telehub.integration.api.StudyQuery;
import org.telehub.integration.api.TransferOutcome;

/**
 * The DIMSE side of the adapter, on PixelMed's association and message classes. We open every association
 * ourselves so that its socket gets TCP_NODELAY (Nagle costs ~45 ms per stored instance, see
 * {@code shared/notes/dicom.md}) and a read timeout, and we evaluate every C-STORE and C-MOVE response status
 * ourselves: PixelMed's own {@code StorageSOPClassSCU} logs and swallows store failures.
 */
final class Dimse {
    private static final String[] UNCOMPRESSED = {TransferSyntax.ExplicitVRLittleEndian,
            TransferSyntax.ImplicitVRLittleEndian};
    private static final Field SOCKET;

    static {
        try {
            SOCKET = Association.class.getDeclaredField("socket");
            SOCKET.setAccessible(true);
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Endpoint pacs;

    Dimse(Endpoint pacs) {
        this.pacs = pacs;
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

    List<StoreOutcome> store(List<Path> files) throws AdapterException {
        List<Part10.Checked> candidates = new ArrayList<>();
        // per SOP class one context of the uncompressed syntaxes, and one of each compressed syntax alone: offered
        // together in one context, a PACS may pick an uncompressed one, and a JPEG image could then not be sent
        Map<List<String>, Set<String>> syntaxesByClass = new LinkedHashMap<>();
        for (Path f : files) {
            Part10.Checked c = Part10.meta(f);
            candidates.add(c);
            if (c.error() == null) {
                Set<String> ts = syntaxesByClass.computeIfAbsent(List.of(c.sopClass(), ""),
                        k -> new LinkedHashSet<>());
                if (new TransferSyntax(c.transferSyntax()).isEncapsulated()) {
                    syntaxesByClass.computeIfAbsent(List.of(c.sopClass(), c.transferSyntax()),
                            k -> new LinkedHashSet<>()).add(c.transferSyntax());
                } else {
                    ts.add(c.transferSyntax());
                }
                ts.addAll(Arrays.asList(UNCOMPRESSED));
            }
        }
        StoreOutcome[] outcomes = new StoreOutcome[candidates.size()];
        for (int i = 0; i < outcomes.length; i++) {
            Part10.Checked c = candidates.get(i);
            if (c.error() != null) {
                outcomes[i] = new StoreOutcome(c.file(), c.sopClass(), c.sopInstance(), false, c.error());
            }
        }
        if (syntaxesByClass.isEmpty()) {
            return List.of(outcomes);
        }
        if (syntaxesByClass.size() > 127) {
            throw new AdapterException("one batch may need at most 127 presentation contexts (DICOM's limit per "
                    + "association: a SOP class, and each compressed syntax of it); this one needs "
                    + syntaxesByClass.size(), false);
        }
        LinkedList<PresentationContext> contexts = new LinkedList<>();
        byte id = 1;
        for (Map.Entry<List<String>, Set<String>> e : syntaxesByClass.entrySet()) {
            contexts.add(new PresentationContext(id, e.getKey().get(0), new LinkedList<>(e.getValue())));
            id += 2;
        }
        Association association = open(contexts, "C-STORE");
        try {
            for (int i = 0; i < outcomes.length; i++) {
                if (outcomes[i] != null) {
                    continue;
                }
                try {
                    outcomes[i] = storeOne(association, candidates.get(i));
                } catch (DicomNetworkException | IOException e) {
                    // the association is gone: this instance and every later one were not stored
                    String why = "association lost: " + message(e);
                    for (int j = i; j < outcomes.length; j++) {
                        if (outcomes[j] == null) {
                            Part10.Checked c = candidates.get(j);
                            outcomes[j] = new StoreOutcome(c.file(), c.sopClass(), c.sopInstance(), false, why);
                        }
                    }
                    association = null;
                    break;
                }
            }
        } finally {
            release(association);
        }
        return List.of(outcomes);
    }

    private StoreOutcome storeOne(Association association, Part10.Checked c) throws DicomNetworkException, IOException {
        // read before anything is sent, so a damaged file never reaches the PACS half-written
        AttributeList list = new AttributeList();
        String damaged = Part10.readWhole(c.file(), list);
        if (damaged != null) {
            return fail(c, damaged);
        }
        String sopClass = DicomFiles.s(list, TagFromName.SOPClassUID);
        String sopInstance = DicomFiles.s(list, TagFromName.SOPInstanceUID);
        if (!c.sopClass().equals(sopClass) || !c.sopInstance().equals(sopInstance)) {
            return fail(c, "the meta header and the data set name different SOP class or instance UIDs");
        }
        byte context;
        String ts = c.transferSyntax();
        try {
            context = association.getSuitablePresentationContextID(sopClass, ts);
        } catch (DicomNetworkException notAsIs) {
            try {
                context = association.getSuitablePresentationContextID(sopClass);
            } catch (DicomNetworkException none) {
                return fail(c, "the PACS rejected SOP class " + sopClass + " (" + name(sopClass) + ")");
            }
            String accepted = association.getTransferSyntaxForPresentationContextID(context);
            if (new TransferSyntax(ts).isEncapsulated()) {
                return fail(c, "the PACS accepts " + name(sopClass) + " only as " + accepted
                        + "; the file is compressed (" + ts + ") and Telehub does not transcode");
            }
            ts = accepted;
        }
        list.removeMetaInformationHeaderAttributes();
        list.removeGroupLengthAttributes();
        StatusHandler handler = new StatusHandler();
        try {
            association.setReceivedDataHandler(handler);
            association.send(context, new CStoreRequestCommandMessage(sopClass, sopInstance, null, 0).getBytes(),
                    null);
            // write() closes the stream it wraps, which sends the last fragment; closing again would add a stray PDV
            OutputStream out = association.getAssociationOutputStream(context);
            list.write(out, ts, false, true, false);
            association.waitForCommandPDataPDUs();
        } catch (DicomException e) {
            return fail(c, "cannot encode the data set as " + ts + ": " + message(e));
        } catch (com.pixelmed.network.AReleaseException e) {
            throw new DicomNetworkException("the PACS released the association during C-STORE");
        }
        int status = handler.getStatus();
        if (Status.success(status)) {
            return new StoreOutcome(c.file(), sopClass, sopInstance, true,
                    status == Status.SUCCESS ? null : Status.describe(status));
        }
        return fail(c, "the PACS answered " + Status.describe(status));
    }

    private static StoreOutcome fail(Part10.Checked c, String why) {
        return new StoreOutcome(c.file(), c.sopClass(), c.sopInstance(), false, why);
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

    // ---- associations

    private static LinkedList<PresentationContext> contexts(String sopClass) {
        LinkedList<PresentationContext> contexts = new LinkedList<>();
        contexts.add(new PresentationContext((byte) 1, sopClass, new LinkedList<>(Arrays.asList(UNCOMPRESSED))));
        return contexts;
    }

    private Association open(LinkedList<PresentationContext> contexts, String operation) throws AdapterException {
        Association a;
        try {
            a = AssociationFactory.createNewAssociation(pacs.host(), pacs.port(), pacs.calledAe(), pacs.callingAe(),
                    pacs.maxPdu(), AssociationFactory.getDefaultReceiveBufferSize(),
                    AssociationFactory.getDefaultSendBufferSize(), contexts, null, false, null, null);
        } catch (Exception e) {
            throw failure(operation, e);
        }
        try {
            Socket socket = (Socket) SOCKET.get(a);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(pacs.readTimeoutMillis());
        } catch (IllegalAccessException | IOException e) {
            abort(a);
            throw new AdapterException("cannot set socket options on the association: " + message(e), true, e);
        }
        return a;
    }

    private static void release(Association a) {
        if (a != null) {
            try {
                a.release();
            } catch (DicomNetworkException e) {
                abort(a);
            }
        }
    }

    private static void abort(Association a) {
        if (a != null) {
            try {
                a.abort();
            } catch (DicomNetworkException ignored) {
                // the socket is closed either way
            }
        }
    }

    /** Turns a failure into words an administrator can act on, and says whether a retry can help. */
    AdapterException failure(String operation, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String where = pacs.toString();
        String m = message(e);
        String lower = m.toLowerCase(java.util.Locale.ROOT);
        if (root instanceof ConnectException || root instanceof NoRouteToHostException
                || lower.contains("connection refused")) {
            return new AdapterException(operation + ": cannot connect to the PACS at " + where + " ("
                    + message(root) + ")", true, e);
        }
        if (root instanceof UnknownHostException) {
            return new AdapterException(operation + ": unknown PACS host " + pacs.host(), true, e);
        }
        if (root instanceof SocketTimeoutException) {
            return new AdapterException(operation + ": no answer from the PACS at " + where + " within "
                    + pacs.readTimeoutMillis() + " ms", true, e);
        }
        if (lower.contains("reject")) {
            return new AdapterException(operation + ": the PACS at " + where + " rejected the association (" + m
                    + "); check that it knows calling AE '" + pacs.callingAe() + "' and that its AE title is '"
                    + pacs.calledAe() + "'", false, e);
        }
        if (lower.contains("abort")) {
            return new AdapterException(operation + ": the PACS at " + where + " aborted the association (" + m
                    + "); PACSes abort when the calling AE '" + pacs.callingAe() + "' is not registered with them, "
                    + "and when overloaded", true, e);
        }
        if (e instanceof IOException || e instanceof DicomNetworkException) {
            return new AdapterException(operation + " with " + where + " failed: " + m, true, e);
        }
        return new AdapterException(operation + " with " + where + " failed: " + m, false, e);
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.trim();
    }

    static String name(String sopClassUid) {
        String d = com.pixelmed.dicom.SOPClassDescriptions.getDescriptionFromUID(sopClassUid);
        return d == null || d.isEmpty() ? sopClassUid : d;
    }

    /** The final status of a C-STORE response. */
    private static final class StatusHandler extends CompositeResponseHandler {
        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
            status = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Status, 0xFFFF);
            success = Status.success(status);
        }
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
