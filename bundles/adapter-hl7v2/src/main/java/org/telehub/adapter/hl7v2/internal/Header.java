package org.telehub.adapter.hl7v2.internal;

import java.util.Set;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;

/**
 * What the store and the browser keep of a parsed message: who sent it, its control id, type and version, and the
 * sender's identifier of the patient it is about (PID-3: the repetition of the configured identifier type, MR
 * unless configured, else the first).
 */
record Header(String sendingApplication, String sendingFacility, String controlId, String messageType,
        String version, String patientIdentifier) {

    /** The message types this version processes; any other is refused with AR, so the sender keeps it. */
    static final Set<String> PROCESSED = Set.of("ADT^A01", "ADT^A04", "ADT^A08", "ADT^A28", "ADT^A31", "ADT^A40",
            "ORU^R01");

    static Header of(Message m, String identifierType) throws HL7Exception {
        Terser t = new Terser(m);
        String type = nz(t.get("/MSH-9-1")) + "^" + nz(t.get("/MSH-9-2"));
        return new Header(nz(t.get("/MSH-3-1")), nz(t.get("/MSH-4-1")), t.get("/MSH-10"), type, t.get("/MSH-12-1"),
                patientIdentifier(t, identifierType));
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
