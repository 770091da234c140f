package org.telehub.adapter.hl7v2.internal;

import static org.telehub.domain.patientdata.JsonObjects.obj;

import java.nio.charset.Charset;
import java.sql.Timestamp;
import java.util.List;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.domain.patientdata.Disclosure;
import org.telehub.domain.patientdata.PatientDataContributor;
import org.telehub.domain.patientdata.PatientDataSink;

/**
 * The HL7 v2 messages about a patient in their data export: each as a FHIR {@code Communication} from the sending
 * system, with the message as it was received (the full export only: it names the patient) and what became of it;
 * the results they brought as {@code Observation}s, their documents as {@code DocumentReference}s.
 */
@Component(service = PatientDataContributor.class)
public class Hl7Contributor implements PatientDataContributor {
    static final String SYSTEM = "urn:telehub:system:";
    private final Jdbi jdbi;

    @Activate
    public Hl7Contributor(@Reference Hl7Schema schema) {
        this(schema.jdbi());
    }

    Hl7Contributor(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public String name() {
        return "hl7v2";
    }

    @Override
    public Set<String> tables() {
        return Set.of("hl7_message", "hl7_observation", "hl7_document");
    }

    @Override
    public void contribute(String patientId, Disclosure d, PatientDataSink sink) {
        String pid = d.id("patient", patientId);
        jdbi.useHandle(h -> h.createQuery("SELECT * FROM hl7_message WHERE local_patient_id = :p ORDER BY received_at,"
                + " id").bind("p", patientId).map((rs, c) -> {
                    String adapter = rs.getString("adapter_id");
                    String text = rs.getString("charset") == null ? null : new String(rs.getBytes("raw"),
                            Charset.forName(rs.getString("charset")));
                    Timestamp at = rs.getTimestamp("received_at");
                    return obj("resourceType", "Communication", "id", d.id("hl7-message", rs.getString("id")),
                            "status", "processed".equals(rs.getString("state")) ? "completed" : "stopped",
                            "category", List.of(obj("text", "HL7 v2 " + rs.getString("message_type")
                                    + " received from a connected system")),
                            "subject", obj("reference", "Patient/" + pid),
                            "sender", obj("identifier", obj("system", SYSTEM + adapter, "value",
                                    d.id("mrn:" + adapter, rs.getString("patient_identifier")))),
                            "received", at == null ? null : String.valueOf(d.instant(at.toInstant())),
                            "payload", d.anonymised() || text == null ? null
                                    : List.of(obj("contentString", text.replace('\r', '\n'))));
                }).forEach(sink::resource));
        // the results of those messages (those received before the sender's identifier was mapped to the patient
        // stay with their message, which names no local patient)
        jdbi.useHandle(h -> h.createQuery("SELECT o.* FROM hl7_observation o JOIN hl7_message m ON m.id = o.message_id"
                + " WHERE m.local_patient_id = :p ORDER BY o.effective, o.message_id, o.seq").bind("p", patientId)
                .map((rs, c) -> {
                    Timestamp at = rs.getTimestamp("effective");
                    Object n = rs.getObject("value_num");
                    return obj("resourceType", "Observation", "id", d.id("hl7-observation", rs.getString("message_id")
                            + "/" + rs.getInt("seq")), "status", "final",
                            "category", List.of(obj("coding", List.of(obj("system",
                                    "http://terminology.hl7.org/CodeSystem/observation-category", "code",
                                    rs.getString("category"))))),
                            "code", obj("coding", List.of(obj("system", rs.getString("code_system"), "code",
                                    rs.getString("code"), "display", rs.getString("display")))),
                            "subject", obj("reference", "Patient/" + pid),
                            "effectiveDateTime", at == null ? null : String.valueOf(d.instant(at.toInstant())),
                            "valueQuantity", n == null ? null : obj("value", ((Number) n).doubleValue(), "unit",
                                    rs.getString("unit")),
                            "valueString", n != null ? null : d.freeText(rs.getString("value_text")));
                }).forEach(sink::resource));
        // the documents they brought (MDM, an ORU's embedded ones): what and when, with their words; the content
        // itself is in the message's payload above (full export)
        jdbi.useHandle(h -> h.createQuery("SELECT d.* FROM hl7_document d JOIN hl7_message m ON m.id = d.message_id"
                + " WHERE m.local_patient_id = :p ORDER BY d.authored, d.document_number").bind("p", patientId)
                .map((rs, c) -> {
                    Timestamp at = rs.getTimestamp("authored");
                    String type = rs.getString("content_type");
                    return obj("resourceType", "DocumentReference", "id", d.id("hl7-document",
                            rs.getString("adapter_id") + "/" + rs.getString("document_number")),
                            "status", rs.getBoolean("cancelled") ? "entered-in-error"
                                    : rs.getString("replaced_by") != null ? "superseded" : "current",
                            "type", obj("text", rs.getString("document_type")),
                            "subject", obj("reference", "Patient/" + pid),
                            "date", at == null ? null : String.valueOf(d.instant(at.toInstant())),
                            "author", rs.getString("author") == null || d.anonymised() ? null
                                    : List.of(obj("display", rs.getString("author"))),
                            "description", d.freeText(rs.getString("title")),
                            "content", content(type, rs.getLong("content_bytes"), d.freeText(rs.getString("text"))));
                }).forEach(sink::resource));
    }

    /** A document's parts: its content (described: its bytes are in the message) and its words (as text). */
    private static List<Object> content(String type, long bytes, String text) {
        List<Object> parts = new java.util.ArrayList<>();
        if (type != null) {
            parts.add(obj("attachment", obj("contentType", type, "size", bytes)));
        }
        if (text != null) {
            parts.add(obj("attachment", obj("contentType", "text/plain; charset=utf-8", "data", java.util.Base64
                    .getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
        }
        return parts;
    }
}
