package org.telehub.adapter.hl7v2.internal;

import java.util.Set;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.datatype.CX;
import ca.uhn.hl7v2.model.v251.message.ADT_A01;
import ca.uhn.hl7v2.model.v251.message.ADT_A05;
import ca.uhn.hl7v2.model.v251.message.ADT_A39;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.PID;
import ca.uhn.hl7v2.util.Terser;

/**
 * What the store and the browser keep of a parsed message: who sent it, its control id, type and version, and the
 * sender's identifier of the patient it is about (PID-3: the repetition of the configured identifier type, MR
 * unless configured, else the first).
 */
record Header(String sendingApplication, String sendingFacility, String controlId, String messageType,
        String version, String patientIdentifier) {

    /**
     * The message types every interface processes; any other is refused with AR, so the sender keeps it (scheduling,
     * {@link Appointments#MESSAGE_TYPES}, only where the interface books).
     */
    static final Set<String> PROCESSED = Set.of("ADT^A01", "ADT^A04", "ADT^A08", "ADT^A28", "ADT^A31", "ADT^A40",
            "ORU^R01");

    static Header of(Message m, String identifierType) throws HL7Exception {
        Terser t = new Terser(m);
        String type = nz(t.get("/MSH-9-1")) + "^" + nz(t.get("/MSH-9-2"));
        PID pid = pid(m);
        return new Header(nz(t.get("/MSH-3-1")), nz(t.get("/MSH-4-1")), t.get("/MSH-10"), type, t.get("/MSH-12-1"),
                pid != null ? patientIdentifier(pid, identifierType) : patientIdentifier(t, identifierType));
    }

    /**
     * The PID of the structures this hub processes, reached directly (a Terser search walks the whole message, and
     * at thousands of messages a second that showed); null for any other structure.
     */
    static PID pid(Message m) {
        if (m instanceof ADT_A01 a) {
            return a.getPID();
        }
        if (m instanceof ADT_A05 a) {
            return a.getPID();
        }
        if (m instanceof ADT_A39 a) {
            return a.getPATIENT().getPID();
        }
        if (m instanceof ORU_R01 o) {
            return o.getPATIENT_RESULT().getPATIENT().getPID();
        }
        if (m instanceof ca.uhn.hl7v2.model.v251.message.SIU_S12 s) {
            return s.getPATIENT().getPID();
        }
        if (m instanceof ca.uhn.hl7v2.model.v251.message.MDM_T02 d) {
            return d.getPID();
        }
        if (m instanceof ca.uhn.hl7v2.model.v251.message.MDM_T01 d) {
            return d.getPID();
        }
        return null;
    }

    /** PID-3's identifier of the configured type, else its first; null if there is none. */
    static String patientIdentifier(PID pid, String identifierType) {
        String first = null;
        for (CX cx : pid.getPatientIdentifierList()) {
            String id = cx.getIDNumber().getValue();
            if (id == null || id.isBlank()) {
                continue;
            }
            if (first == null) {
                first = id.trim();
            }
            if (identifierType.equalsIgnoreCase(nz(cx.getIdentifierTypeCode().getValue()).trim())) {
                return id.trim();
            }
        }
        return first;
    }

    /** PID-3's identifier of the configured type, else its first; null if the message has no PID. */
    static String patientIdentifier(Terser t, String identifierType) throws HL7Exception {
        String first = null;
        for (int rep = 0; rep < 10; rep++) {
            String id;
            try {
                id = t.get("/.PID-3(" + rep + ")-1");
            } catch (HL7Exception noPid) {
                return null;
            }
            if (id == null || id.isBlank()) {
                break;
            }
            if (first == null) {
                first = id.trim();
            }
            if (identifierType.equalsIgnoreCase(nz(t.get("/.PID-3(" + rep + ")-5")).trim())) {
                return id.trim();
            }
        }
        return first;
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }
}
