package org.telehub.chat.internal;

import java.io.IOException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.domain.patientdata.Disclosure;
import org.telehub.domain.patientdata.PatientDataContributor;
import org.telehub.domain.patientdata.PatientDataSink;

/**
 * Chat's share of a patient's export: every message of the conversations of the patient's visits, as FHIR
 * {@code Communication} (the text as free text, the sender's name as identifying: both left out of the research
 * export), in conversation and sequence order.
 */
@Component(service = PatientDataContributor.class)
public class ChatContributor implements PatientDataContributor {
    private final Jdbi jdbi;

    @Activate
    public ChatContributor(@Reference ChatSchema schema) {
        this(schema.jdbi());
    }

    ChatContributor(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public Set<String> tables() {
        return Set.of("chat_conversation", "chat_message");
    }

    @Override
    public void contribute(String patientId, Disclosure d, PatientDataSink sink) throws IOException {
        String pid = d.id("patient", patientId);
        jdbi.useHandle(h -> h.createQuery("SELECT c.encounter_id, m.id, m.sequence, m.sender_name, m.body, m.sent_at"
                + " FROM chat_conversation c JOIN chat_message m ON m.conversation_id = c.id WHERE c.patient_id = :p"
                + " ORDER BY c.created_at, c.id, m.sequence").bind("p", patientId).map((rs, c) -> {
                    Timestamp at = rs.getTimestamp("sent_at");
                    String text = d.freeText(rs.getString("body"));
                    String sender = d.identifying(rs.getString("sender_name"));
                    return obj("resourceType", "Communication", "id", d.id("chat-message", rs.getString("id")),
                            "status", "completed", "category", List.of(obj("text", "visit conversation")),
                            "subject", obj("reference", "Patient/" + pid),
                            "encounter", obj("reference", "Encounter/" + d.id("encounter", rs.getString("encounter_id"))),
                            "sent", at == null ? null : String.valueOf(d.instant(at.toInstant())),
                            "sender", sender == null ? null : obj("display", sender),
                            "payload", text == null ? null : List.of(obj("contentString", text)));
                }).forEach(sink::resource));
    }

    /** A map of the non-null values (key, value, ...), in order: nothing empty in the research export. */
    private static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }
}
