package org.telehub.adapter.endoscopy.internal;

import static org.telehub.dicom.net.DicomFiles.s;

import java.io.Closeable;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.dicom.net.AcceptedContexts;
import org.telehub.dicom.net.DicomFiles;
import org.telehub.dicom.net.Messages;
import org.telehub.dicom.net.Scp;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.PerformedStep;
import org.telehub.integration.api.PerformedSteps;

/**
 * The endoscopy system's Modality Performed Procedure Step SCP (PS3.4 F.7): N-CREATE when a procedure starts, N-SET
 * as it goes on and when it is completed or discontinued, kept by the hub's {@link PerformedSteps} before the answer
 * (success means recorded). Only the configured senders may associate. Refusals carry PS3.4's statuses: a
 * duplicate step (0111), an unknown one (0112), a final one (0110, error id A710), an attribute missing (0120) or
 * invalid (0106), the hub unable to record it now (0110, so the system sends it again).
 */
final class Mpps implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Mpps.class);
    static final String MPPS = "1.2.840.10008.3.1.2.3.3";
    private static final String VERIFICATION = AcceptedContexts.VERIFICATION;
    private static final List<String> UNCOMPRESSED = AcceptedContexts.UNCOMPRESSED;

    static final int SUCCESS = 0;
    static final int PROCESSING_FAILURE = 0x0110;
    static final int DUPLICATE_INSTANCE = 0x0111;
    static final int NO_SUCH_INSTANCE = 0x0112;
    static final int NO_SUCH_CLASS = 0x0118;
    static final int MISSING_ATTRIBUTE = 0x0120;
    static final int INVALID_VALUE = 0x0106;
    static final int UNRECOGNIZED_OPERATION = 0x0211;
    /** Error ID of a final step's update (PS3.4 F.7.2.2.2). */
    static final int MAY_NO_LONGER_BE_UPDATED = 0xA710;

    private static final AttributeTag STATUS = new AttributeTag(0x0040, 0x0252);
    private static final AttributeTag SCHEDULED_STEP_ATTRIBUTES = new AttributeTag(0x0040, 0x0270);
    private static final AttributeTag SCHEDULED_STEP_ID = new AttributeTag(0x0040, 0x0009);
    private static final AttributeTag STATION_AE = new AttributeTag(0x0040, 0x0241);
    private static final AttributeTag END_DATE = new AttributeTag(0x0040, 0x0250);
    private static final AttributeTag END_TIME = new AttributeTag(0x0040, 0x0251);
    private static final AttributeTag DESCRIPTION = TagFromName.PerformedProcedureStepDescription;
    private static final AttributeTag OFFSET = new AttributeTag(0x0008, 0x0201);

    /** Where the SCP listens and who may send. */
    record Settings(String bindAddress, int port, String aeTitle, List<Scp.Peer> senders, int maxPdu,
            int readTimeoutMillis) {
    }

    /** A refusal: its DIMSE status, error comment and error id. */
    static final class Refused extends Exception {
        final int status;
        final int errorId;

        Refused(int status, String comment) {
            this(status, comment, 0);
        }

        Refused(int status, String comment, int errorId) {
            super(comment);
            this.status = status;
            this.errorId = errorId;
        }
    }

    private final String adapterId;
    private final Settings settings;
    private final PerformedSteps steps;
    private final ZoneId zone;
    private final Scp scp;
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile String lastRefusal;

    Mpps(String adapterId, Settings settings, PerformedSteps steps, ZoneId zone) throws IOException {
        this.adapterId = adapterId;
        this.settings = settings;
        this.steps = steps;
        this.zone = zone;
        this.scp = new Scp("MPPS " + adapterId, settings.bindAddress(), settings.port(), settings.aeTitle(),
                settings.senders(), settings.readTimeoutMillis(), this::session);
    }

    int port() {
        return scp.port();
    }

    long recorded() {
        return recorded.get();
    }

    long refused() {
        return refused.get();
    }

    String lastRefusal() {
        return lastRefusal;
    }

    private void session(Socket admitted) throws Exception {
        Association association = AssociationFactory.createNewAssociation(admitted, settings.aeTitle(),
                settings.maxPdu(), AssociationFactory.getDefaultReceiveBufferSize(),
                AssociationFactory.getDefaultSendBufferSize(),
                new AcceptedContexts(Map.of(VERIFICATION, UNCOMPRESSED, MPPS, UNCOMPRESSED)), 0);
        for (Messages.Request r = Messages.receive(association); r != null; r = Messages.receive(association)) {
            answer(association, r);
        }
    }

    private void answer(Association association, Messages.Request r) throws Exception {
        String uid = null;
        try {
            switch (r.field()) {
                case Messages.C_ECHO_RQ -> {
                    Messages.respond(association, r, SUCCESS, VERIFICATION, null, null, 0);
                    return;
                }
                case Messages.N_CREATE_RQ -> uid = create(r);
                case Messages.N_SET_RQ -> uid = set(r);
                default -> throw new Refused(UNRECOGNIZED_OPERATION, "only N-CREATE, N-SET and C-ECHO here");
            }
            recorded.incrementAndGet();
            Messages.respond(association, r, SUCCESS, MPPS, uid, null, 0);
        } catch (Refused e) {
            refused.incrementAndGet();
            lastRefusal = "an MPPS " + (r.field() == Messages.N_SET_RQ ? "N-SET" : "N-CREATE") + " from "
                    + association.getCallingAETitle() + " was refused: " + e.getMessage();
            LOG.warn("Endoscopy {}: {}", adapterId, lastRefusal);
            Messages.respond(association, r, e.status, MPPS, uid != null ? uid : instanceOf(r), e.getMessage(),
                    e.errorId);
        }
    }

    private static String instanceOf(Messages.Request r) {
        String uid = r.string(r.field() == Messages.N_SET_RQ ? TagFromName.RequestedSOPInstanceUID
                : TagFromName.AffectedSOPInstanceUID);
        return DicomFiles.isUid(uid) ? uid : null;
    }

    /** N-CREATE: a step starts. */
    String create(Messages.Request r) throws Refused {
        if (!MPPS.equals(r.string(TagFromName.AffectedSOPClassUID))) {
            throw new Refused(NO_SUCH_CLASS, "not Modality Performed Procedure Step");
        }
        String uid = r.string(TagFromName.AffectedSOPInstanceUID);
        if (uid.isEmpty()) { // the SCU may leave the id to us (PS3.4 F.7.2.1.1)
            UUID u = UUID.randomUUID();
            uid = "2.25." + new BigInteger(1, ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                    .putLong(u.getLeastSignificantBits()).array());
        } else if (!DicomFiles.isUid(uid)) {
            throw new Refused(INVALID_VALUE, "Affected SOP Instance UID is not a DICOM UID");
        }
        AttributeList d = data(r);
        String status = s(d, STATUS);
        if (!PerformedStep.IN_PROGRESS.equals(status)) {
            throw new Refused(INVALID_VALUE, "(0040,0252) Performed Procedure Step Status must be IN PROGRESS");
        }
        String patientId = required(d, TagFromName.PatientID, "(0010,0020) Patient ID");
        Instant started = when(d, TagFromName.PerformedProcedureStepStartDate,
                TagFromName.PerformedProcedureStepStartTime, "(0040,0244) Performed Procedure Step Start Date");
        AttributeList scheduled = firstItem(d, SCHEDULED_STEP_ATTRIBUTES);
        String study = scheduled == null ? "" : s(scheduled, TagFromName.StudyInstanceUID);
        if (!study.isEmpty() && !DicomFiles.isUid(study)) {
            throw new Refused(INVALID_VALUE, "(0020,000D) Study Instance UID is not a DICOM UID");
        }
        PerformedStep step = new PerformedStep(uid, patientId, scheduled == null ? null
                : blank(s(scheduled, SCHEDULED_STEP_ID)), scheduled == null ? null
                        : blank(s(scheduled, TagFromName.AccessionNumber)), blank(study), status,
                blank(s(d, DESCRIPTION)), blank(s(d, STATION_AE)), started, null);
        try {
            if (!steps.create(adapterId, step)) {
                throw new Refused(DUPLICATE_INSTANCE, "a step " + uid + " exists already");
            }
        } catch (AdapterException e) {
            throw new Refused(PROCESSING_FAILURE, e.getMessage());
        }
        return uid;
    }

    /** N-SET: a step goes on, or ends. */
    String set(Messages.Request r) throws Refused {
        if (!MPPS.equals(r.string(TagFromName.RequestedSOPClassUID))) {
            throw new Refused(NO_SUCH_CLASS, "not Modality Performed Procedure Step");
        }
        String uid = r.string(TagFromName.RequestedSOPInstanceUID);
        try {
            Optional<PerformedStep> found = uid.isEmpty() ? Optional.empty() : steps.find(adapterId, uid);
            if (found.isEmpty()) {
                throw new Refused(NO_SUCH_INSTANCE, "no step " + uid);
            }
            PerformedStep old = found.get();
            if (old.isFinal()) {
                throw new Refused(PROCESSING_FAILURE, "Performed Procedure Step Object may no longer be updated",
                        MAY_NO_LONGER_BE_UPDATED);
            }
            AttributeList d = data(r);
            String status = d.get(STATUS) == null ? old.status() : s(d, STATUS);
            if (!status.equals(PerformedStep.IN_PROGRESS) && !status.equals(PerformedStep.COMPLETED)
                    && !status.equals(PerformedStep.DISCONTINUED)) {
                throw new Refused(INVALID_VALUE, "(0040,0252) Performed Procedure Step Status '" + status
                        + "' is not IN PROGRESS, COMPLETED or DISCONTINUED");
            }
            Instant ended = d.get(END_DATE) == null ? old.ended() : when(d, END_DATE, END_TIME,
                    "(0040,0250) Performed Procedure Step End Date");
            if (!status.equals(PerformedStep.IN_PROGRESS) && ended == null) {
                throw new Refused(MISSING_ATTRIBUTE, "(0040,0250) Performed Procedure Step End Date is required to "
                        + "end a step");
            }
            String description = d.get(DESCRIPTION) == null ? old.description() : blank(s(d, DESCRIPTION));
            PerformedStep step = new PerformedStep(uid, old.patientId(), old.scheduledStepId(),
                    old.accessionNumber(), old.studyInstanceUid(), status, description, old.stationAe(),
                    old.started(), ended);
            switch (steps.update(adapterId, step)) {
                case UPDATED -> {
                    return uid;
                }
                case FINAL -> throw new Refused(PROCESSING_FAILURE,
                        "Performed Procedure Step Object may no longer be updated", MAY_NO_LONGER_BE_UPDATED);
                default -> throw new Refused(NO_SUCH_INSTANCE, "no step " + uid);
            }
        } catch (AdapterException e) {
            throw new Refused(PROCESSING_FAILURE, e.getMessage());
        }
    }

    private static AttributeList data(Messages.Request r) throws Refused {
        if (r.data() == null) {
            throw new Refused(MISSING_ATTRIBUTE, "no data set");
        }
        return r.data();
    }

    private static AttributeList firstItem(AttributeList d, AttributeTag tag) {
        Attribute a = d.get(tag);
        return a instanceof SequenceAttribute seq && seq.getNumberOfItems() > 0 ? seq.getItem(0).getAttributeList()
                : null;
    }

    private Instant when(AttributeList d, AttributeTag date, AttributeTag time, String name) throws Refused {
        String da = s(d, date);
        if (da.isEmpty()) {
            throw new Refused(MISSING_ATTRIBUTE, name + " is required");
        }
        try {
            return Worklist.when(da, s(d, time), s(d, OFFSET), zone);
        } catch (RuntimeException e) {
            throw new Refused(INVALID_VALUE, name + " or its time is not a DICOM date and time");
        }
    }

    private static String required(AttributeList d, AttributeTag tag, String name) throws Refused {
        String v = s(d, tag);
        if (v.isEmpty()) {
            throw new Refused(MISSING_ATTRIBUTE, name + " is required");
        }
        if (v.length() > 64) {
            throw new Refused(INVALID_VALUE, name + " is over 64 characters");
        }
        return v;
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    @Override
    public void close() {
        scp.close();
    }
}
