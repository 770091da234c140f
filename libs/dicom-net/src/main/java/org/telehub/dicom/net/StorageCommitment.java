package org.telehub.dicom.net;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.DicomNetworkException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.StoreOutcome;

/**
 * Storage Commitment Push Model (PS3.4 annex J) as its SCU. After the C-STOREs, an N-ACTION asks the peer to commit
 * to keeping the instances it names under a new transaction UID. The peer answers at once that it took the request
 * and reports later, by N-EVENT-REPORT, which instances it committed and which not (each with a reason). It reports
 * on an association of its own to the AE title that sent the N-ACTION (PS3.4 J.3.3: we release ours at once), so
 * that AE is our storage SCP's: {@link Scp#storage} with this object hands an association proposing the Push Model
 * to {@link #session}, which passes each report to the store waiting for it.
 *
 * <p>An instance counts as stored only when committed: one the peer did not commit, or that its report leaves out,
 * is a failed outcome (sent again by the durable forward); no report within the wait fails the whole store,
 * retryably (the C-STOREs are repeated: a peer keeps one copy per SOP Instance UID). A report for a transaction
 * nobody waits for (the wait ended, the hub restarted) is answered and logged, nothing else: the retry asks again.
 * PixelMed has neither N-ACTION nor N-EVENT-REPORT; both are written with {@link Messages}.
 */
public final class StorageCommitment {
    private static final Logger LOG = LoggerFactory.getLogger(StorageCommitment.class);
    public static final String PUSH_MODEL = "1.2.840.10008.1.20.1";
    public static final String WELL_KNOWN_INSTANCE = "1.2.840.10008.1.20.1.1";
    private static final String VERIFICATION = AcceptedContexts.VERIFICATION;
    private static final List<String> UNCOMPRESSED = AcceptedContexts.UNCOMPRESSED;

    private static final int N_ACTION_RQ = 0x0130;
    /** Request Storage Commitment (PS3.4 J.3.2.1.1.1). */
    private static final int ACTION_REQUEST = 1;
    /** Event Type IDs of the report (PS3.4 J.3.2.1.1.3): all committed, or failures exist. */
    private static final int ALL_COMMITTED = 1;
    private static final int FAILURES_EXIST = 2;
    private static final int WITH_DATA_SET = 0x0000;
    private static final int PROCESSING_FAILURE = 0x0110;
    private static final int NO_SUCH_EVENT_TYPE = 0x0113;
    private static final int UNRECOGNIZED_OPERATION = 0x0211;

    private static final AttributeTag REQUESTED_SOP_CLASS = new AttributeTag(0x0000, 0x0003);
    private static final AttributeTag REQUESTED_SOP_INSTANCE = new AttributeTag(0x0000, 0x1001);
    private static final AttributeTag EVENT_TYPE_ID = new AttributeTag(0x0000, 0x1002);
    private static final AttributeTag ACTION_TYPE_ID = new AttributeTag(0x0000, 0x1008);
    private static final AttributeTag TRANSACTION_UID = new AttributeTag(0x0008, 0x1195);
    private static final AttributeTag FAILURE_REASON = new AttributeTag(0x0008, 0x1197);
    private static final AttributeTag FAILED_SOP_SEQUENCE = new AttributeTag(0x0008, 0x1198);
    private static final AttributeTag REFERENCED_SOP_SEQUENCE = new AttributeTag(0x0008, 0x1199);

    /** An instance to commit. */
    public record Reference(String sopClassUid, String sopInstanceUid) {
    }

    /**
     * A peer's report: the SOP Instance UIDs it committed, and those it did not, each with its Failure Reason.
     */
    public record Report(String transactionUid, Set<String> committed, Map<String, Integer> failed) {
    }

    private final String peerName;
    private final ConcurrentMap<String, CompletableFuture<Report>> waiting = new ConcurrentHashMap<>();

    /** @param peerName what failures call the peer, e.g. "PACS" */
    public StorageCommitment(String peerName) {
        this.peerName = peerName;
    }

    /**
     * Asks the peer to commit what {@code outcomes} say was stored, and waits for its report. Returns the outcomes
     * with each stored instance the peer did not commit turned into a failure that says why.
     *
     * @param client associations to the peer whose calling AE title is our storage SCP's (the report goes there)
     * @throws AdapterException when the request failed or no report came within {@code wait}
     */
    public List<StoreOutcome> committed(DimseClient client, List<StoreOutcome> outcomes, Duration wait)
            throws AdapterException {
        List<Reference> stored = outcomes.stream().filter(StoreOutcome::stored)
                .map(o -> new Reference(o.sopClassUid(), o.sopInstanceUid())).distinct().toList();
        if (stored.isEmpty()) {
            return outcomes;
        }
        Report report = request(client, stored, wait);
        List<StoreOutcome> result = new ArrayList<>(outcomes.size());
        for (StoreOutcome o : outcomes) {
            String uid = o.sopInstanceUid();
            if (!o.stored() || report.committed().contains(uid) && !report.failed().containsKey(uid)) {
                result.add(o);
            } else {
                Integer reason = report.failed().get(uid);
                result.add(new StoreOutcome(o.file(), o.sopClassUid(), uid, false, "stored, but the " + peerName
                        + " did not commit to keeping it: " + (reason == null
                        ? "its storage commitment report does not name it" : describe(reason))));
            }
        }
        return result;
    }

    /** Requests commitment of {@code references} and waits for the peer's report. */
    public Report request(DimseClient client, List<Reference> references, Duration wait) throws AdapterException {
        String transaction = newUid();
        CompletableFuture<Report> report = new CompletableFuture<>();
        waiting.put(transaction, report);
        try {
            send(client, transaction, references);
            return report.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AdapterException("storage commitment: the " + peerName + " at " + client.endpoint()
                    + " sent no report within " + wait.toSeconds() + " s (transaction " + transaction + "); it "
                    + "reports to AE '" + client.endpoint().callingAe() + "', which it must know with the address "
                    + "and port of Telehub's storage SCP", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdapterException("interrupted while waiting for a storage commitment report", true, e);
        } catch (ExecutionException e) {
            throw new AdapterException("storage commitment failed: " + e.getCause(), true, e);
        } finally {
            waiting.remove(transaction);
        }
    }

    /** Transactions waiting for their report now. */
    public int waiting() {
        return waiting.size();
    }

    private void send(DimseClient client, String transaction, List<Reference> references)
            throws AdapterException {
        Association association = client.open(DimseClient.contexts(PUSH_MODEL), "storage commitment (N-ACTION)");
        try {
            byte context;
            try {
                context = association.getSuitablePresentationContextID(PUSH_MODEL);
            } catch (DicomNetworkException refused) {
                throw new AdapterException("the " + peerName + " at " + client.endpoint() + " does not offer "
                        + "Storage Commitment (it rejected the Push Model SOP class): turn storage commitment off "
                        + "for it", false);
            }
            AttributeList command = new AttributeList();
            Messages.put(command, new UniqueIdentifierAttribute(REQUESTED_SOP_CLASS), PUSH_MODEL);
            Messages.put(command, new UnsignedShortAttribute(TagFromName.CommandField), N_ACTION_RQ);
            Messages.put(command, new UnsignedShortAttribute(TagFromName.MessageID), 1);
            Messages.put(command, new UnsignedShortAttribute(TagFromName.CommandDataSetType), WITH_DATA_SET);
            Messages.put(command, new UniqueIdentifierAttribute(REQUESTED_SOP_INSTANCE), WELL_KNOWN_INSTANCE);
            Messages.put(command, new UnsignedShortAttribute(ACTION_TYPE_ID), ACTION_REQUEST);
            AttributeList data = new AttributeList();
            Messages.put(data, new UniqueIdentifierAttribute(TRANSACTION_UID), transaction);
            SequenceAttribute refs = new SequenceAttribute(REFERENCED_SOP_SEQUENCE);
            for (Reference r : references) {
                AttributeList item = new AttributeList();
                Messages.put(item, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPClassUID), r.sopClassUid());
                Messages.put(item, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPInstanceUID),
                        r.sopInstanceUid());
                refs.addItem(item);
            }
            data.put(refs);
            DimseClient.StatusHandler response = new DimseClient.StatusHandler();
            association.setReceivedDataHandler(response);
            association.send(context, Messages.command(command), null);
            // through the association's stream, which fragments to the peer's maximum PDU length: send() with the
            // data does not, and Orthanc (16 KiB) aborts an N-ACTION of some 180 instances or more
            try (OutputStream out = association.getAssociationOutputStream(context)) {
                out.write(Messages.data(data, association.getTransferSyntaxForPresentationContextID(context)));
            }
            association.waitForCommandPDataPDUs();
            int status = response.getStatus();
            if (!Status.success(status)) {
                throw new AdapterException("the " + peerName + " at " + client.endpoint() + " refused the storage "
                        + "commitment request: " + Status.describe(status), (status & 0xFF00) == 0xA700
                        || status == PROCESSING_FAILURE);
            }
        } catch (AReleaseException e) {
            association = null;
            throw new AdapterException("the " + peerName + " released the association during the storage "
                    + "commitment request", true, e);
        } catch (DicomNetworkException | DicomException | IOException e) {
            DimseClient.abort(association);
            association = null;
            throw client.failure("storage commitment (N-ACTION)", e);
        } catch (AdapterException e) {
            DimseClient.abort(association);
            association = null;
            throw e;
        } finally {
            DimseClient.release(association);
        }
        LOG.debug("Storage commitment of {} instances requested from {} (transaction {})", references.size(),
                client.endpoint(), transaction);
    }

    /**
     * Serves an association the peer opened to report (the socket {@link Scp} admitted): each N-EVENT-REPORT is
     * passed to the store waiting for its transaction and answered with success; C-ECHO is answered too.
     */
    public void session(Socket admitted, String aeTitle, int maxPdu) throws Exception {
        Association association = AssociationFactory.createNewAssociation(admitted, aeTitle, maxPdu,
                AssociationFactory.getDefaultReceiveBufferSize(), AssociationFactory.getDefaultSendBufferSize(),
                new AcceptedContexts(Map.of(PUSH_MODEL, UNCOMPRESSED, VERIFICATION, UNCOMPRESSED)), 0);
        for (Messages.Request r = Messages.receive(association); r != null; r = Messages.receive(association)) {
            switch (r.field()) {
                case Messages.C_ECHO_RQ -> Messages.respond(association, r, Status.SUCCESS, VERIFICATION, null,
                        null, 0);
                case Messages.N_EVENT_REPORT_RQ -> report(association, r);
                default -> Messages.respond(association, r, UNRECOGNIZED_OPERATION, null, null,
                        "only N-EVENT-REPORT (storage commitment) and C-ECHO here", 0);
            }
        }
    }

    private void report(Association association, Messages.Request r) throws Exception {
        int eventType = Attribute.getSingleIntegerValueOrDefault(r.command(), EVENT_TYPE_ID, 0);
        AttributeList more = new AttributeList();
        Messages.put(more, new UnsignedShortAttribute(EVENT_TYPE_ID), eventType);
        if (eventType != ALL_COMMITTED && eventType != FAILURES_EXIST) {
            Messages.respond(association, r, NO_SUCH_EVENT_TYPE, PUSH_MODEL, WELL_KNOWN_INSTANCE,
                    "event type " + eventType + " is not a storage commitment result", 0, more);
            return;
        }
        String transaction = r.data() == null ? "" : DicomFiles.s(r.data(), TRANSACTION_UID);
        if (!DicomFiles.isUid(transaction)) {
            Messages.respond(association, r, PROCESSING_FAILURE, PUSH_MODEL, WELL_KNOWN_INSTANCE,
                    "the report has no Transaction UID", 0, more);
            return;
        }
        Set<String> committed = new LinkedHashSet<>();
        for (AttributeList item : items(r.data(), REFERENCED_SOP_SEQUENCE)) {
            committed.add(DicomFiles.s(item, TagFromName.ReferencedSOPInstanceUID));
        }
        Map<String, Integer> failed = new LinkedHashMap<>();
        for (AttributeList item : items(r.data(), FAILED_SOP_SEQUENCE)) {
            failed.put(DicomFiles.s(item, TagFromName.ReferencedSOPInstanceUID),
                    Attribute.getSingleIntegerValueOrDefault(item, FAILURE_REASON, PROCESSING_FAILURE));
        }
        CompletableFuture<Report> waiter = waiting.get(transaction);
        if (waiter == null) {
            LOG.info("Storage commitment report from AE '{}' for transaction {}, which nobody waits for any more "
                    + "({} committed, {} not); the store it belonged to asks again", association.getCallingAETitle(),
                    transaction, committed.size(), failed.size());
        } else {
            waiter.complete(new Report(transaction, Set.copyOf(committed), Map.copyOf(failed)));
        }
        Messages.respond(association, r, Status.SUCCESS, PUSH_MODEL, WELL_KNOWN_INSTANCE, null, 0, more);
    }

    private static List<AttributeList> items(AttributeList list, AttributeTag sequence) {
        List<AttributeList> out = new ArrayList<>();
        if (list != null && list.get(sequence) instanceof SequenceAttribute s) {
            for (int i = 0; i < s.getNumberOfItems(); i++) {
                SequenceItem item = s.getItem(i);
                if (item.getAttributeList() != null) {
                    out.add(item.getAttributeList());
                }
            }
        }
        return out;
    }

    /** A Failure Reason in words (PS3.4 J.3.2.1.1.4, C.14.1.1). */
    static String describe(int reason) {
        String text = switch (reason) {
            case 0x0110 -> "processing failure";
            case 0x0112 -> "no such object instance";
            case 0x0213 -> "resource limitation";
            case 0x0122 -> "referenced SOP class not supported";
            case 0x0119 -> "class / instance conflict";
            case 0x0131 -> "duplicate transaction UID";
            default -> "failure";
        };
        return String.format("reason 0x%04X (%s)", reason, text);
    }

    /** A new UID under 2.25 (a UUID as a decimal integer, PS3.5 B.2). */
    private static String newUid() {
        UUID u = UUID.randomUUID();
        byte[] bytes = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array();
        return "2.25." + new BigInteger(1, bytes);
    }
}
