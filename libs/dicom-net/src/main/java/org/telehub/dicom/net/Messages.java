package org.telehub.dicom.net;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PresentationDataValue;
import com.pixelmed.network.CompositeResponseHandler;

/**
 * DIMSE messages on a PixelMed association, for the services PixelMed does not run (N-CREATE, N-SET, N-ACTION,
 * N-EVENT-REPORT): one
 * request read whole (its command, and its data set when the command says one follows), one response written.
 * Commands are Implicit VR Little Endian with their group length (PS3.7 6.3.1).
 */
public final class Messages {
    /** Command Field values (PS3.7 E.1). */
    public static final int C_ECHO_RQ = 0x0030;
    public static final int N_EVENT_REPORT_RQ = 0x0100;
    public static final int N_SET_RQ = 0x0120;
    public static final int N_CREATE_RQ = 0x0140;
    /** Command Data Set Type: no data set follows. */
    private static final int NO_DATA_SET = 0x0101;
    private static final AttributeTag ERROR_ID = new AttributeTag(0x0000, 0x0903);
    /** A request's data set larger than this ends the association (an MPPS is a few kilobytes). */
    private static final int MAX_BYTES = 4 * 1024 * 1024;

    private Messages() {
    }

    /** One request: its presentation context, command and data set (null when none came). */
    public record Request(byte context, AttributeList command, AttributeList data) {
        public int field() {
            return Attribute.getSingleIntegerValueOrDefault(command, TagFromName.CommandField, -1);
        }

        public int messageId() {
            return Attribute.getSingleIntegerValueOrDefault(command, TagFromName.MessageID, 0);
        }

        public String string(AttributeTag tag) {
            return Attribute.getSingleStringValueOrEmptyString(command, tag).trim();
        }
    }

    /**
     * Waits for the next request.
     *
     * @return null when the peer released the association
     */
    public static Request receive(Association association) throws DicomNetworkException, IOException,
            DicomException {
        Collector collector = new Collector();
        association.setReceivedDataHandler(collector);
        try {
            association.waitForPDataPDUsUntilHandlerReportsDone();
        } catch (AReleaseException released) {
            return null;
        }
        String ts = association.getTransferSyntaxForPresentationContextID(collector.context);
        return new Request(collector.context, collector.commandList, collector.data.size() == 0 ? null
                : read(collector.data.toByteArray(), ts));
    }

    /**
     * Answers {@code request} with a response of {@code field} (the request's with the response bit), its status,
     * the SOP class and instance, and, for a failure, the error comment (at most 64 characters) and error id.
     */
    public static void respond(Association association, Request request, int status, String sopClassUid,
            String sopInstanceUid, String errorComment, int errorId) throws DicomNetworkException, IOException,
            DicomException {
        respond(association, request, status, sopClassUid, sopInstanceUid, errorComment, errorId, new AttributeList());
    }

    /** As {@link #respond(Association, Request, int, String, String, String, int)}, with more command elements. */
    public static void respond(Association association, Request request, int status, String sopClassUid,
            String sopInstanceUid, String errorComment, int errorId, AttributeList more) throws DicomNetworkException,
            IOException, DicomException {
        AttributeList rsp = new AttributeList();
        rsp.putAll(more);
        if (sopClassUid != null) {
            put(rsp, new UniqueIdentifierAttribute(TagFromName.AffectedSOPClassUID), sopClassUid);
        }
        put(rsp, new UnsignedShortAttribute(TagFromName.CommandField), request.field() | 0x8000);
        put(rsp, new UnsignedShortAttribute(TagFromName.MessageIDBeingRespondedTo), request.messageId());
        put(rsp, new UnsignedShortAttribute(TagFromName.CommandDataSetType), NO_DATA_SET);
        put(rsp, new UnsignedShortAttribute(TagFromName.Status), status);
        if (errorComment != null) {
            put(rsp, new LongStringAttribute(TagFromName.ErrorComment), errorComment.length() > 64
                    ? errorComment.substring(0, 64) : errorComment);
        }
        if (errorId != 0) {
            put(rsp, new UnsignedShortAttribute(ERROR_ID), errorId);
        }
        if (sopInstanceUid != null) {
            put(rsp, new UniqueIdentifierAttribute(TagFromName.AffectedSOPInstanceUID), sopInstanceUid);
        }
        association.send(request.context(), command(rsp), null);
    }

    static void put(AttributeList list, Attribute a, Object value) throws DicomException {
        if (value instanceof Integer i) {
            a.addValue(i);
        } else {
            a.addValue((String) value);
        }
        list.put(a);
    }

    /** A command's bytes: its elements in Implicit VR Little Endian after their group length. */
    static byte[] command(AttributeList list) throws IOException, DicomException {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        try (DicomOutputStream out = new DicomOutputStream(rest, null, TransferSyntax.ImplicitVRLittleEndian)) {
            list.write(out);
        }
        byte[] body = rest.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0).putShort((short) 0).putInt(4).putInt(body.length).put(body);
        return b.array();
    }

    /** A data set as a message's data (no meta header), in the context's transfer syntax. */
    static byte[] data(AttributeList list, String transferSyntax) throws IOException, DicomException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DicomOutputStream out = new DicomOutputStream(bytes, null, transferSyntax)) {
            list.write(out);
        }
        return bytes.toByteArray();
    }

    private static AttributeList read(byte[] bytes, String transferSyntax) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(bytes), transferSyntax, false)) {
            list.read(in);
        }
        return list;
    }

    /**
     * Collects one request's fragments: done when the command is whole and its data set, if any, too. It extends
     * PixelMed's response handler only because {@code ReceivedDataHandler}'s constructor is not public; all of
     * its reading is replaced here.
     */
    private static final class Collector extends CompositeResponseHandler {
        private final ByteArrayOutputStream command = new ByteArrayOutputStream();
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();
        private AttributeList commandList;
        private byte context;
        private boolean expectData;
        private boolean dataDone;

        @Override
        public void sendPDataIndication(PDataPDU pdu, Association association) throws DicomNetworkException,
                DicomException, IOException {
            for (Object o : pdu.getPDVList()) {
                PresentationDataValue v = (PresentationDataValue) o;
                context = v.getPresentationContextID();
                ByteArrayOutputStream to = v.isCommand() ? command : data;
                if (command.size() + data.size() + v.getValue().length > MAX_BYTES) {
                    throw new IOException("a request over " + MAX_BYTES + " bytes");
                }
                to.write(v.getValue());
                if (v.isLastFragment() && v.isCommand()) {
                    commandList = read(command.toByteArray(), TransferSyntax.ImplicitVRLittleEndian);
                    expectData = Attribute.getSingleIntegerValueOrDefault(commandList,
                            TagFromName.CommandDataSetType, NO_DATA_SET) != NO_DATA_SET;
                } else if (v.isLastFragment()) {
                    dataDone = true;
                }
            }
            if (commandList != null && (!expectData || dataDone)) {
                done = true;
            }
        }

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList ignored) {
            // a request has no status
        }
    }
}
