package org.telehub.adapter.hl7v2.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.DataTypeException;
import ca.uhn.hl7v2.model.v251.datatype.TS;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_PATIENT_RESULT;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.OBX;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.telehub.integration.api.ObservationValue;

/**
 * The OBX segments of received ORU^R01 messages as observations ({@code hl7_observation}), and read back as the
 * interface's record of a patient. Results reported as wrong or deleted (OBX-11 W, D) are not kept; an embedded
 * document (ED) is kept as a note of its type and size, not its bytes.
 */
final class Observations {
    /** v2 results carry no FHIR category: what an ORU feed brings is laboratory results unless it says otherwise. */
    static final String CATEGORY = "laboratory";

    private Observations() {
    }

    /** Writes the message's observations (replacing any of an earlier run); returns how many. */
    static int store(Handle tx, String messageId, String adapterId, String identifier, ORU_R01 oru)
            throws HL7Exception {
        tx.createUpdate("DELETE FROM hl7_observation WHERE message_id = :m").bind("m", messageId).execute();
        Instant sent = instant(oru.getMSH().getDateTimeOfMessage());
        int seq = 0;
        for (int p = 0; p < oru.getPATIENT_RESULTReps(); p++) {
            ORU_R01_PATIENT_RESULT pr = oru.getPATIENT_RESULT(p);
            for (int o = 0; o < pr.getORDER_OBSERVATIONReps(); o++) {
                ORU_R01_ORDER_OBSERVATION oo = pr.getORDER_OBSERVATION(o);
                Instant ordered = instant(oo.getOBR().getObservationDateTime());
                for (int x = 0; x < oo.getOBSERVATIONReps(); x++) {
                    OBX obx = oo.getOBSERVATION(x).getOBX();
                    String status = Header.nz(obx.getObservationResultStatus().getValue());
                    if (status.equals("W") || status.equals("D")) {
                        continue;
                    }
                    String type = Header.nz(obx.getValueType().getValue());
                    StringBuilder text = new StringBuilder();
                    for (int v = 0; v < obx.getObservationValueReps(); v++) {
                        String value = type.equals("ED") ? "document (" + obx.getObservationValue(v).getData()
                                .encode().length() + " characters encoded)" : obx.getObservationValue(v).getData()
                                .encode();
                        text.append(text.length() == 0 ? "" : "\n").append(value);
                    }
                    Double num = null;
                    if ((type.equals("NM") || type.equals("SN")) && text.length() > 0) {
                        try {
                            num = Double.valueOf(text.toString().replace("^", "").trim());
                        } catch (NumberFormatException notANumber) {
                            num = null;
                        }
                    }
                    Instant at = instant(obx.getDateTimeOfTheObservation());
                    String system = obx.getObservationIdentifier().getNameOfCodingSystem().getValue();
                    tx.createUpdate("INSERT INTO hl7_observation (message_id, seq, adapter_id, patient_identifier,"
                            + " code, code_system, display, value_num, unit, value_text, effective, performer,"
                            + " category) VALUES (:m, :s, :a, :p, :c, :cs, :d, :n, :u, :t, :e, :pf, :cat)")
                            .bind("m", messageId)
                            .bind("s", ++seq).bind("a", adapterId).bind("p", identifier)
                            .bind("c", Inbound.cut(obx.getObservationIdentifier().getIdentifier().getValue(), 100))
                            .bind("cs", Inbound.cut(system(system), 200))
                            .bind("d", Inbound.cut(obx.getObservationIdentifier().getText().getValue(), 500))
                            .bind("n", num).bind("u", Inbound.cut(obx.getUnits().getIdentifier().getValue(), 100))
                            .bind("t", num != null ? null : text.toString())
                            .bind("e", ts(at != null ? at : ordered != null ? ordered : sent))
                            .bind("pf", Inbound.cut(obx.getResponsibleObserver(0).getFamilyName().getSurname()
                                    .getValue(), 200))
                            .bind("cat", CATEGORY).execute();
                }
            }
        }
        return seq;
    }

    /** The patient's observations from this interface, newest first. */
    static List<ObservationValue> read(Jdbi jdbi, String adapterId, String identifier, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM hl7_observation WHERE adapter_id = :a AND"
                + " patient_identifier = :p ORDER BY effective DESC NULLS LAST, message_id, seq LIMIT :l")
                .bind("a", adapterId).bind("p", identifier).bind("l", limit).map((rs, c) -> {
                    Timestamp e = rs.getTimestamp("effective");
                    Object n = rs.getObject("value_num");
                    return new ObservationValue(rs.getString("code"), rs.getString("code_system"),
                            rs.getString("display"), n == null ? null : ((Number) n).doubleValue(),
                            rs.getString("unit"),
                            rs.getString("value_text"), e == null ? null : e.toInstant(), rs.getString("performer"),
                            rs.getString("category"));
                }).list());
    }

    /** HL7 table 0396's codes of the systems Telehub writes, by the URI FHIR and Telehub use. */
    private static final java.util.Map<String, String> CODES = java.util.Map.of("http://loinc.org", "LN",
            "http://snomed.info/sct", "SCT", "http://hl7.org/fhir/sid/icd-10", "I10",
            "http://dicom.nema.org/resources/ontology/DCM", "DCM");
    private static final java.util.Map<String, String> URIS = java.util.Map.of("LN", "http://loinc.org", "SCT",
            "http://snomed.info/sct", "SNM", "http://snomed.info/sct", "I10", "http://hl7.org/fhir/sid/icd-10");

    /** A table 0396 code as the URI FHIR and Telehub use (SNM, SNOMED's older code, too); any other as it is. */
    static String system(String hl7) {
        return hl7 == null ? null : URIS.getOrDefault(hl7, hl7);
    }

    /** The inverse of {@link #system}: the table 0396 code of a URI, any other URI as it is. */
    static String code(String uri) {
        return uri == null ? null : CODES.getOrDefault(uri, uri);
    }

    static Instant instant(TS ts) throws DataTypeException {
        Date d = ts.getTime().getValue() == null ? null : ts.getTime().getValueAsDate();
        return d == null ? null : d.toInstant();
    }

    private static Timestamp ts(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }
}
