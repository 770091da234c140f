package org.telehub.dicom.net;

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
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PresentationContext;

import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.StoreOutcome;

/**
 * Associations we open to a DIMSE peer (a PACS, an endoscopy system's storage SCP), on PixelMed's association and
 * message classes. We open every association ourselves so that its socket gets TCP_NODELAY (Nagle costs ~45 ms per
 * stored instance, see {@code shared/notes/dicom.md}) and a read timeout, and we evaluate every C-STORE response
 * status ourselves: PixelMed's own {@code StorageSOPClassSCU} logs and swallows store failures. Failures are put in
 * words naming the peer as {@code peerName} ("PACS", "endoscopy system"), with whether a retry can help.
 */
public final class DimseClient {
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

    private final Endpoint peer;
    private final String peerName;

    public DimseClient(Endpoint peer, String peerName) {
        this.peer = peer;
        this.peerName = peerName;
    }

    public Endpoint endpoint() {
        return peer;
    }

    // ---- C-STORE

    /**
     * Sends Part 10 files over one association: one outcome per file, in order. A file that is not usable (no
     * meta header, truncated) is not sent and its outcome says why; the peer's failure status is an outcome too.
     *
     * @throws AdapterException when nothing could be attempted (association refused, peer unreachable)
     */
    public List<StoreOutcome> store(List<Path> files) throws AdapterException {
        List<Part10.Checked> candidates = new ArrayList<>();
        // per SOP class one context of the uncompressed syntaxes, and one of each compressed syntax alone: offered
        // together in one context, a peer may pick an uncompressed one, and a JPEG image could then not be sent
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
                outcomes[i] = fail(c, c.error());
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
                            outcomes[j] = fail(candidates.get(j), why);
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
        // read before anything is sent, so a damaged file never reaches the peer half-written
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
                return fail(c, "the " + peerName + " rejected SOP class " + sopClass + " (" + name(sopClass) + ")");
            }
            String accepted = association.getTransferSyntaxForPresentationContextID(context);
            if (new TransferSyntax(ts).isEncapsulated()) {
                return fail(c, "the " + peerName + " accepts " + name(sopClass) + " only as " + accepted
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
        } catch (AReleaseException e) {
            throw new DicomNetworkException("the " + peerName + " released the association during C-STORE");
        }
        int status = handler.getStatus();
        if (Status.success(status)) {
            return new StoreOutcome(c.file(), sopClass, sopInstance, true,
                    status == Status.SUCCESS ? null : Status.describe(status));
        }
        return fail(c, "the " + peerName + " answered " + Status.describe(status));
    }

    private static StoreOutcome fail(Part10.Checked c, String why) {
        return new StoreOutcome(c.file(), c.sopClass(), c.sopInstance(), false, why);
    }

    // ---- associations

    /** One presentation context of {@code sopClass} in the uncompressed syntaxes. */
    public static LinkedList<PresentationContext> contexts(String sopClass) {
        LinkedList<PresentationContext> contexts = new LinkedList<>();
        contexts.add(new PresentationContext((byte) 1, sopClass, new LinkedList<>(Arrays.asList(UNCOMPRESSED))));
        return contexts;
    }

    /** An association to the peer with TCP_NODELAY and the read timeout; {@code operation} names it in failures. */
    public Association open(LinkedList<PresentationContext> contexts, String operation) throws AdapterException {
        Association a;
        try {
            a = AssociationFactory.createNewAssociation(peer.host(), peer.port(), peer.calledAe(), peer.callingAe(),
                    peer.maxPdu(), AssociationFactory.getDefaultReceiveBufferSize(),
                    AssociationFactory.getDefaultSendBufferSize(), contexts, null, false, null, null);
        } catch (Exception e) {
            throw failure(operation, e);
        }
        try {
            Socket socket = (Socket) SOCKET.get(a);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(peer.readTimeoutMillis());
        } catch (IllegalAccessException | IOException e) {
            abort(a);
            throw new AdapterException("cannot set socket options on the association: " + message(e), true, e);
        }
        return a;
    }

    /** Releases {@code a} (null: nothing), aborting it when the release fails. */
    public static void release(Association a) {
        if (a != null) {
            try {
                a.release();
            } catch (DicomNetworkException e) {
                abort(a);
            }
        }
    }

    public static void abort(Association a) {
        if (a != null) {
            try {
                a.abort();
            } catch (DicomNetworkException ignored) {
                // the socket is closed either way
            }
        }
    }

    /** Turns a failure into words an administrator can act on, and says whether a retry can help. */
    public AdapterException failure(String operation, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String where = peer.toString();
        String m = message(e);
        String lower = m.toLowerCase(Locale.ROOT);
        if (root instanceof ConnectException || root instanceof NoRouteToHostException
                || lower.contains("connection refused")) {
            return new AdapterException(operation + ": cannot connect to the " + peerName + " at " + where + " ("
                    + message(root) + ")", true, e);
        }
        if (root instanceof UnknownHostException) {
            return new AdapterException(operation + ": unknown " + peerName + " host " + peer.host(), true, e);
        }
        if (root instanceof SocketTimeoutException) {
            return new AdapterException(operation + ": no answer from the " + peerName + " at " + where + " within "
                    + peer.readTimeoutMillis() + " ms", true, e);
        }
        if (lower.contains("reject")) {
            return new AdapterException(operation + ": the " + peerName + " at " + where + " rejected the association ("
                    + m + "); check that it knows calling AE '" + peer.callingAe() + "' and that its AE title is '"
                    + peer.calledAe() + "'", false, e);
        }
        if (lower.contains("abort")) {
            return new AdapterException(operation + ": the " + peerName + " at " + where + " aborted the association ("
                    + m + "); DICOM peers abort when the calling AE '" + peer.callingAe() + "' is not registered "
                    + "with them, and when overloaded", true, e);
        }
        if (e instanceof IOException || e instanceof DicomNetworkException) {
            return new AdapterException(operation + " with " + where + " failed: " + m, true, e);
        }
        return new AdapterException(operation + " with " + where + " failed: " + m, false, e);
    }

    public static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.trim();
    }

    /** A SOP class's name, or its UID when PixelMed does not know it. */
    public static String name(String sopClassUid) {
        String d = com.pixelmed.dicom.SOPClassDescriptions.getDescriptionFromUID(sopClassUid);
        return d == null || d.isEmpty() ? sopClassUid : d;
    }

    /** The final status of a response (C-STORE, N-ACTION). */
    static final class StatusHandler extends CompositeResponseHandler {
        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
            status = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Status, 0xFFFF);
            success = Status.success(status);
        }
    }
}
