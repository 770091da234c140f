package org.telehub.adapter.hl7v2.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.text.SimpleDateFormat;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import java.util.UUID;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.DataTypeException;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.datatype.ED;
import ca.uhn.hl7v2.model.v251.datatype.NM;
import ca.uhn.hl7v2.model.v251.datatype.ST;
import ca.uhn.hl7v2.model.v251.datatype.TX;
import ca.uhn.hl7v2.model.v251.message.MDM_T02;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.message.SIU_S12;
import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.util.Terser;

import org.jdbi.v3.core.Jdbi;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AnalysisResult;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.api.ReportDocument;

/**
 * Results sent to the interface's receiver as ORU^R01 (reports, if so configured, as MDM^T02/T06) over MLLP, each
 * delivery attempt on a connection of its own:
 * stored (direction {@code out}) before it is sent and with the answer after. The control id is derived from the
 * delivery's idempotency key, so a retry sends the same MSH-10 and a receiver that keeps control ids takes it once.
 * AA (or CA) delivers; AE, no answer within the timeout or a connection failure is retried; AR is final, with the
 * receiver's ERR in the reason. A report is an OBR with its conclusion (TX) and its PDF (ED, Base64); an addendum is
 * sent as a correction (OBR-25 C) of the report it amends (the same filler order number, OBR-3).
 */
final class Outbound {
    /** Where results go. */
    /** @param tls null: plain MLLP */
    record Target(String host, int port, String application, String facility, int timeoutMillis,
            boolean reportsAsDocuments, Tls tls) {
    }

    private final String adapterId;
    private final Codec codec;
    private final Jdbi jdbi;
    private final Inbound.Settings local;
    private final Target target;

    Outbound(String adapterId, Codec codec, Jdbi jdbi, Inbound.Settings local, Target target) {
        this.adapterId = adapterId;
        this.codec = codec;
        this.jdbi = jdbi;
        this.local = local;
        this.target = target;
    }

    DeliveryReceipt observation(String patient, ObservationValue o, String key) throws AdapterException {
        String control = controlId(key);
        try {
            ORU_R01 oru = oru(patient, control);
            obr(oru, control, o.code(), o.display(), o.codeSystem(), o.effective()).getResultStatus().setValue("F");
            OBX obx = oru.getPATIENT_RESULT().getORDER_OBSERVATION().getOBSERVATION(0).getOBX();
            obx.getSetIDOBX().setValue("1");
            code(obx.getObservationIdentifier(), o.code(), o.display(), o.codeSystem());
            if (o.value() != null) {
                obx.getValueType().setValue("NM");
                NM nm = new NM(oru);
                nm.setValue(java.math.BigDecimal.valueOf(o.value()).stripTrailingZeros().toPlainString());
                obx.getObservationValue(0).setData(nm);
                if (o.unit() != null) {
                    obx.getUnits().getIdentifier().setValue(o.unit());
                }
            } else {
                obx.getValueType().setValue("ST");
                ST st = new ST(oru);
                st.setValue(o.text());
                obx.getObservationValue(0).setData(st);
            }
            obx.getObservationResultStatus().setValue("F");
            obx.getDateTimeOfTheObservation().getTime().setValue(ts(o.effective()));
            if (o.performer() != null) {
                obx.getResponsibleObserver(0).getFamilyName().getSurname().setValue(o.performer());
            }
            return send(oru, control, patient);
        } catch (HL7Exception e) {
            throw new AdapterException("cannot build the ORU^R01: " + e.getMessage(), false);
        }
    }

    /**
     * An analysis of a procedure as a result: OBR LOINC 18751-8 (Endoscopy study); OBX 1 the finding (DICOM's 121071
     * Finding, valued with the coded finding as CE, or the words as ST), OBX 2 the confidence (111012 Certainty of
     * Finding, NM in percent), OBX 3 the words (TX); the algorithm as each OBX's equipment (OBX-18).
     */
    DeliveryReceipt analysis(String patient, AnalysisResult a, String key) throws AdapterException {
        String control = controlId(key);
        try {
            ORU_R01 oru = oru(patient, control);
            obr(oru, control, "18751-8", "Endoscopy study", "http://loinc.org", null).getResultStatus().setValue("F");
            String algorithm = a.algorithmName() == null ? null : a.algorithmName()
                    + (a.algorithmVersion() == null ? "" : " " + a.algorithmVersion());
            int seq = 0;
            OBX finding = oru.getPATIENT_RESULT().getORDER_OBSERVATION().getOBSERVATION(seq).getOBX();
            finding.getSetIDOBX().setValue(String.valueOf(++seq));
            code(finding.getObservationIdentifier(), "121071", "Finding", DCM);
            if (a.findingCode() != null) {
                finding.getValueType().setValue("CE");
                ca.uhn.hl7v2.model.v251.datatype.CE ce = new ca.uhn.hl7v2.model.v251.datatype.CE(oru);
                code(ce, a.findingCode(), a.findingDisplay() != null ? a.findingDisplay() : a.summary(),
                        a.findingCodeSystem());
                finding.getObservationValue(0).setData(ce);
            } else {
                finding.getValueType().setValue("ST");
                ST st = new ST(oru);
                st.setValue(a.summary());
                finding.getObservationValue(0).setData(st);
            }
            finish(finding, algorithm);
            if (a.confidence() != null) {
                OBX sure = oru.getPATIENT_RESULT().getORDER_OBSERVATION().getOBSERVATION(seq).getOBX();
                sure.getSetIDOBX().setValue(String.valueOf(++seq));
                sure.getValueType().setValue("NM");
                code(sure.getObservationIdentifier(), "111012", "Certainty of Finding", DCM);
                NM nm = new NM(oru);
                nm.setValue(java.math.BigDecimal.valueOf(a.confidence() * 100).setScale(1,
                        java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString());
                sure.getObservationValue(0).setData(nm);
                sure.getUnits().getIdentifier().setValue("%");
                finish(sure, algorithm);
            }
            conclusion(oru.getPATIENT_RESULT().getORDER_OBSERVATION().getOBSERVATION(seq).getOBX(), ++seq, oru,
                    a.details() == null ? a.summary() : a.summary() + "\n" + a.details(), "F");
            return send(oru, control, patient);
        } catch (HL7Exception e) {
            throw new AdapterException("cannot build the ORU^R01: " + e.getMessage(), false);
        }
    }

    /** DICOM's codes (PS3.16), as Telehub names their system. */
    private static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";

    private static void finish(OBX obx, String algorithm) throws HL7Exception {
        obx.getObservationResultStatus().setValue("F");
        obx.getDateTimeOfTheObservation().getTime().setValue(ts(null));
        if (algorithm != null) {
            obx.getEquipmentInstanceIdentifier(0).getEntityIdentifier().setValue(Inbound.cut(algorithm, 199));
        }
    }

    DeliveryReceipt report(String patient, ReportDocument r, String key) throws AdapterException {
        if (target.reportsAsDocuments()) {
            return document(patient, r, key);
        }
        String control = controlId(key);
        try {
            ORU_R01 oru = oru(patient, control);
            String filler = r.amends() != null ? r.amends() : r.documentId() != null ? r.documentId() : control;
            OBR obr = obr(oru, Inbound.cut(filler, 199), r.code(), r.title(), r.codeSystem(), r.authoredAt());
            obr.getResultStatus().setValue(r.amends() != null ? "C" : "F");
            if (r.author() != null) {
                obr.getPrincipalResultInterpreter().getNDLName().getFamilyName().setValue(r.author());
            }
            int seq = 0;
            if (r.conclusion() != null && !r.conclusion().isBlank()) {
                conclusion(oru.getPATIENT_RESULT().getORDER_OBSERVATION().getOBSERVATION(seq).getOBX(), ++seq, oru,
                        r.conclusion(), r.amends() != null ? "C" : "F");
            }
            if (r.content() != null) {
                OBX pdf = oru.getPATIENT_RESULT().getORDER_OBSERVATION().getOBSERVATION(seq).getOBX();
                pdf.getSetIDOBX().setValue(String.valueOf(++seq));
                pdf.getValueType().setValue("ED");
                code(pdf.getObservationIdentifier(), r.code(), r.title(), r.codeSystem());
                pdf.getObservationValue(0).setData(pdf(oru, r));
                pdf.getObservationResultStatus().setValue(r.amends() != null ? "C" : "F");
            }
            return send(oru, control, patient);
        } catch (HL7Exception e) {
            throw new AdapterException("cannot build the ORU^R01: " + e.getMessage(), false);
        }
    }

    /**
     * A report as a document: MDM^T02 (an addendum MDM^T06 naming the report it adds to, TXA-13), with the document
     * legally authenticated (signed, TXA-17 LA) and available (TXA-19 AV), its conclusion as TX and its PDF as ED.
     */
    private DeliveryReceipt document(String patient, ReportDocument r, String key) throws AdapterException {
        String control = controlId(key);
        try {
            return send(documentMessage(patient, r, control), control, patient);
        } catch (HL7Exception e) {
            throw new AdapterException("cannot build the MDM^" + (r.amends() != null ? "T06" : "T02") + ": "
                    + e.getMessage(), false);
        }
    }

    /** The MDM message of a report, as sent with {@code control} as its MSH-10. */
    MDM_T02 documentMessage(String patient, ReportDocument r, String control) throws HL7Exception {
        boolean addendum = r.amends() != null;
        MDM_T02 mdm = new MDM_T02();
        mdm.setParser(codec.parser());
        try {
            mdm.initQuickstart("MDM", addendum ? "T06" : "T02", "P");
        } catch (IOException e) {
            throw new HL7Exception(e);
        }
        Terser t = header(mdm, control);
        t.set("/EVN-1", addendum ? "T06" : "T02");
        t.set("/EVN-2-1", ts(Instant.now()));
        t.set("/PID-1", "1");
        t.set("/PID-3-1", patient);
        t.set("/PID-3-5", local.identifierType());
        t.set("/PV1-2", "O"); // a visit to a clinician: outpatient
        t.set("/TXA-1", "1");
        t.set("/TXA-2", "CN"); // HL7 table 0270: consult
        t.set("/TXA-3", "AP");
        t.set("/TXA-4-1", ts(r.authoredAt()));
        if (r.author() != null) {
            t.set("/TXA-5-2-1", r.author());
        }
        t.set("/TXA-12-1", Inbound.cut(r.documentId() != null ? r.documentId() : control, 199));
        if (addendum) {
            t.set("/TXA-13-1", Inbound.cut(r.amends(), 199));
        }
        t.set("/TXA-17", "LA");
        t.set("/TXA-19", "AV");
        int seq = 0;
        if (r.conclusion() != null && !r.conclusion().isBlank()) {
            conclusion(mdm.getOBSERVATION(seq).getOBX(), ++seq, mdm, r.conclusion(), "F");
        }
        if (r.content() != null) {
            OBX pdf = mdm.getOBSERVATION(seq).getOBX();
            pdf.getSetIDOBX().setValue(String.valueOf(++seq));
            pdf.getValueType().setValue("ED");
            code(pdf.getObservationIdentifier(), r.code(), r.title(), r.codeSystem());
            pdf.getObservationValue(0).setData(pdf(mdm, r));
            pdf.getObservationResultStatus().setValue("F");
        }
        return mdm;
    }

    /** A report's conclusion as a TX observation, one repetition per line. */
    private static void conclusion(OBX text, int seq, Message m, String conclusion, String status)
            throws HL7Exception {
        text.getSetIDOBX().setValue(String.valueOf(seq));
        text.getValueType().setValue("TX");
        code(text.getObservationIdentifier(), "59776-5", "Procedure findings Narrative", "http://loinc.org");
        String[] lines = conclusion.split("\r\n|\r|\n");
        for (int i = 0; i < lines.length; i++) {
            TX tx = new TX(m);
            tx.setValue(lines[i]);
            text.getObservationValue(i).setData(tx);
        }
        text.getObservationResultStatus().setValue(status);
    }

    /** The document as ED: Base64, typed from its content type. */
    private ED pdf(Message m, ReportDocument r) throws DataTypeException {
        ED ed = new ED(m);
        ed.getSourceApplication().getNamespaceID().setValue(local.application());
        ed.getTypeOfData().setValue("AP");
        ed.getDataSubtype().setValue(subtype(r.contentType()));
        ed.getEncoding().setValue("Base64");
        ed.getData().setValue(Base64.getEncoder().encodeToString(r.content()));
        return ed;
    }

    /**
     * A visit's status as the scheduling message its receiver expects.
     *
     * @param event S12 (booked), S13 (rescheduled), S14 (modified: started, completed), S15 (cancelled), S26
     *            (no-show)
     * @param fillerStatus SCH-25, HL7 table 0278: Booked, Started, Complete, Cancelled, Noshow
     * @param placerId the appointment id this interface's scheduler booked it under (SCH-1), or null
     * @param doctorId AIP-3: the scheduler's id of the doctor where the interface maps one, else their account
     */
    record Visit(String event, String fillerStatus, String encounterId, String placerId, Instant start, Instant end,
            String type, String doctorId, String doctorName) {
    }

    /**
     * Sends a visit's status as SIU (the filler's appointment id, SCH-2, is the visit's); null, sending nothing,
     * when the receiver answered this message before (the event is being handled again).
     */
    DeliveryReceipt visit(String patient, Visit v, String key) throws AdapterException {
        String control = controlId(key);
        boolean answered = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM hl7_message WHERE adapter_id = :a"
                + " AND direction = 'out' AND control_id = :c AND state IN ('accepted', 'refused')")
                .bind("a", adapterId).bind("c", control).mapTo(Integer.class).one()) > 0;
        if (answered) {
            return null;
        }
        try {
            SIU_S12 siu = new SIU_S12();
            siu.setParser(codec.parser());
            try {
                siu.initQuickstart("SIU", v.event(), "P");
            } catch (IOException e) {
                throw new HL7Exception(e);
            }
            Terser t = header(siu, control);
            long minutes = java.time.Duration.between(v.start(), v.end()).toMinutes();
            if (v.placerId() != null) {
                t.set("/SCH-1-1", Inbound.cut(v.placerId(), 199));
            }
            t.set("/SCH-2-1", v.encounterId());
            t.set("/SCH-6-1", v.event());
            t.set("/SCH-6-2", v.fillerStatus() + " in Telehub");
            t.set("/SCH-8-1", v.type());
            t.set("/SCH-9", Long.toString(minutes));
            t.set("/SCH-10-1", "min");
            t.set("/SCH-11-4-1", ts(v.start()));
            t.set("/SCH-11-5-1", ts(v.end()));
            t.set("/SCH-25-1", v.fillerStatus());
            siu.getTQ1().getSetIDTQ1().setValue("1");
            siu.getTQ1().getStartDateTime().getTime().setValue(ts(v.start()));
            siu.getTQ1().getEndDateTime().getTime().setValue(ts(v.end()));
            var pid = siu.getPATIENT().getPID();
            pid.getSetIDPID().setValue("1");
            pid.getPatientIdentifierList(0).getIDNumber().setValue(patient);
            pid.getPatientIdentifierList(0).getIdentifierTypeCode().setValue(local.identifierType());
            siu.getRESOURCES().getRGS().getSetIDRGS().setValue("1");
            var aip = siu.getRESOURCES().getPERSONNEL_RESOURCE().getAIP();
            aip.getSetIDAIP().setValue("1");
            aip.getPersonnelResourceID(0).getIDNumber().setValue(v.doctorId());
            if (v.doctorName() != null) {
                aip.getPersonnelResourceID(0).getFamilyName().getSurname().setValue(v.doctorName());
            }
            aip.getStartDateTime().getTime().setValue(ts(v.start()));
            aip.getDuration().setValue(Long.toString(minutes));
            aip.getDurationUnits().getIdentifier().setValue("min");
            return send(siu, control, patient);
        } catch (HL7Exception e) {
            throw new AdapterException("cannot build the SIU^" + v.event() + ": " + e.getMessage(), false);
        }
    }

    /** MSH as every message Telehub sends has it: both ends, the control id, UTF-8. */
    private Terser header(Message m, String control) throws HL7Exception {
        Terser t = new Terser(m);
        t.set("MSH-3-1", local.application());
        t.set("MSH-4-1", local.facility());
        t.set("MSH-5-1", target.application());
        t.set("MSH-6-1", target.facility());
        t.set("MSH-10", control);
        t.set("MSH-18", "UNICODE UTF-8");
        return t;
    }

    private ORU_R01 oru(String patient, String control) throws HL7Exception {
        ORU_R01 oru = new ORU_R01();
        oru.setParser(codec.parser());
        try {
            oru.initQuickstart("ORU", "R01", "P");
        } catch (IOException e) {
            throw new HL7Exception(e);
        }
        header(oru, control);
        var pid = oru.getPATIENT_RESULT().getPATIENT().getPID();
        pid.getSetIDPID().setValue("1");
        pid.getPatientIdentifierList(0).getIDNumber().setValue(patient);
        pid.getPatientIdentifierList(0).getIdentifierTypeCode().setValue(local.identifierType());
        return oru;
    }

    /** The message's one OBR: the filler's order number, what was observed, when. */
    private static OBR obr(ORU_R01 oru, String filler, String code, String display, String system, Instant at)
            throws HL7Exception {
        OBR obr = oru.getPATIENT_RESULT().getORDER_OBSERVATION().getOBR();
        obr.getSetIDOBR().setValue("1");
        obr.getFillerOrderNumber().getEntityIdentifier().setValue(filler);
        code(obr.getUniversalServiceIdentifier(), code, display, system);
        obr.getObservationDateTime().getTime().setValue(ts(at));
        return obr;
    }

    /** Stores, sends and records the answer; the outcome as the delivery contract has it. */
    private DeliveryReceipt send(Message m, String control, String patient) throws AdapterException, HL7Exception {
        byte[] raw = m.encode().getBytes(StandardCharsets.UTF_8);
        Terser sent = new Terser(m);
        String type = sent.get("MSH-9-1") + "^" + sent.get("MSH-9-2");
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO hl7_message (id, adapter_id, direction, received_at,"
                + " sending_application, sending_facility, control_id, message_type, version, patient_identifier,"
                + " state, charset, raw) VALUES (:id, :a, 'out', :t, :sa, :sf, :c, :mt, '2.5.1', :p, 'sending',"
                + " 'UTF-8', :raw) ON CONFLICT (adapter_id, control_id) WHERE direction = 'out' DO UPDATE SET"
                + " state = 'sending', received_at = EXCLUDED.received_at, raw = EXCLUDED.raw")
                .bind("id", UUID.randomUUID().toString()).bind("a", adapterId).bind("t", Timestamp.from(Instant.now()))
                .bind("sa", local.application()).bind("sf", local.facility()).bind("c", control).bind("mt", type)
                .bind("p", Inbound.cut(patient, 200)).bind("raw", raw).execute());
        byte[] answer;
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(target.host(), target.port()), target.timeoutMillis());
            plain.setSoTimeout(target.timeoutMillis());
            plain.setTcpNoDelay(true);
            try (Socket s = target.tls() == null ? plain : target.tls().client(plain, target.host(), target.port())) {
                Mllp.write(new BufferedOutputStream(s.getOutputStream()), raw);
                Mllp.Frame f = Mllp.read(new BufferedInputStream(s.getInputStream()), 1024 * 1024);
                if (f == null) {
                    throw new IOException("the receiver closed the connection without an answer");
                }
                answer = f.content();
            }
        } catch (IOException e) {
            String why = e instanceof java.net.SocketTimeoutException ? "no answer within "
                    + target.timeoutMillis() + " ms" : e.getMessage();
            outcome(control, "error", null, null, why);
            throw new AdapterException("HL7 v2 receiver " + target.host() + ":" + target.port() + ": " + why, true);
        }
        String ackText = new String(answer, StandardCharsets.UTF_8);
        String code;
        String error;
        try {
            Terser ack = new Terser(codec.parser().parse(ackText));
            code = Header.nz(ack.get("/MSA-1"));
            // what the receiver says: MSA-3 (before 2.5), ERR-3's text, ERR-7 (diagnostics), ERR-8 (user message)
            List<String> said = new java.util.ArrayList<>();
            for (String path : List.of("/MSA-3", "/.ERR-3-2", "/.ERR-7", "/.ERR-8")) {
                String v = ack.get(path);
                if (v != null && !v.isBlank()) {
                    said.add(v.trim());
                }
            }
            error = said.isEmpty() ? null : String.join(": ", said);
            if (!control.equals(ack.get("/MSA-2"))) {
                outcome(control, "error", answer, code, "the answer acknowledges another message");
                throw new AdapterException("HL7 v2 receiver answered for message " + ack.get("/MSA-2") + ", not "
                        + control, true);
            }
        } catch (HL7Exception e) {
            outcome(control, "error", answer, null, "unreadable answer: " + e.getMessage());
            throw new AdapterException("HL7 v2 receiver's answer is not an ACK: " + e.getMessage(), true);
        }
        switch (code) {
            case "AA", "CA" -> {
                outcome(control, "accepted", answer, code, null);
                return new DeliveryReceipt(control, false);
            }
            case "AR", "CR" -> {
                outcome(control, "refused", answer, code, error);
                throw new AdapterException("HL7 v2 receiver refused the message (" + code + ")"
                        + (error == null ? "" : ": " + error), false);
            }
            default -> {
                outcome(control, "error", answer, code, error);
                throw new AdapterException("HL7 v2 receiver could not take the message (" + code + ")"
                        + (error == null ? "" : ": " + error), true);
            }
        }
    }

    private void outcome(String control, String state, byte[] ack, String code, String error) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE hl7_message SET state = :s, ack = :ack, ack_code = :c, error = :e,"
                + " processed_at = :t WHERE adapter_id = :a AND direction = 'out' AND control_id = :id")
                .bind("s", state).bind("ack", ack).bind("c", code == null ? null : Inbound.cut(code, 2))
                .bind("e", error == null ? null : Inbound.cut(error.replaceAll("\\p{Cntrl}", "?"), 2000))
                .bind("t", Timestamp.from(Instant.now())).bind("a", adapterId).bind("id", control).execute());
    }

    /** 19 characters of a SHA-256 of the key, base 36: the same key, the same MSH-10. */
    static String controlId(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            String s = new BigInteger(1, java.util.Arrays.copyOf(d, 12)).toString(36).toUpperCase(Locale.ROOT);
            return "T" + "0".repeat(Math.max(0, 18 - s.length())) + s.substring(0, Math.min(18, s.length()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HL7 table 0396 for the systems Telehub writes; any other system's URI as it is. */
    private static void code(ca.uhn.hl7v2.model.v251.datatype.CE ce, String code, String display, String system)
            throws DataTypeException {
        ce.getIdentifier().setValue(code);
        ce.getText().setValue(display);
        ce.getNameOfCodingSystem().setValue(Inbound.cut(Observations.code(system), 20));
    }

    private static String subtype(String contentType) {
        return contentType == null ? "PDF" : contentType.substring(contentType.indexOf('/') + 1)
                .toUpperCase(Locale.ROOT);
    }

    private static String ts(Instant at) {
        SimpleDateFormat f = new SimpleDateFormat("yyyyMMddHHmmssZ", Locale.ROOT);
        f.setTimeZone(TimeZone.getTimeZone("UTC"));
        return f.format(Date.from(at == null ? Instant.now() : at));
    }
}
