package org.telehub.chat.internal;

import static org.telehub.domain.patientdata.JsonObjects.obj;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.chat.ChatFiles;
import org.telehub.domain.patientdata.Disclosure;
import org.telehub.domain.patientdata.PatientDataContributor;
import org.telehub.domain.patientdata.PatientDataSink;
import org.telehub.files.FileStore;

/**
 * Chat's share of a patient's export: every message of the conversations of the patient's visits, as FHIR
 * {@code Communication} (the text as free text, the sender's name as identifying: both left out of the research
 * export), in conversation and sequence order; a message's attachment as its {@code contentAttachment}, and the
 * attachments whose scan found them clean as files under {@code chat/}. Read markers ({@code chat_read}) and the
 * notices of unread messages ({@code chat_notice}, {@code chat_notice_due}) are not exported: they say when members
 * read and were told, not what was said.
 */
@Component(service = PatientDataContributor.class)
public class ChatContributor implements PatientDataContributor {
    private final Jdbi jdbi;
    private final FileStore files;

    @Activate
    public ChatContributor(@Reference ChatSchema schema, @Reference FileStore files) {
        this(schema.jdbi(), files);
    }

    ChatContributor(Jdbi jdbi, FileStore files) {
        this.jdbi = jdbi;
        this.files = files;
    }

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public Set<String> tables() {
        // chat_member: the members of direct conversations between clinicians, which have no patient (named because
        // it refers to chat_conversation, whose rows mostly do); chat_upload(_part): uploads in pieces not finished
        // yet, kept a day at most, not exported (what they make is an attachment, which is)
        return Set.of("chat_conversation", "chat_message", "chat_attachment", "chat_read", "chat_notice",
                "chat_notice_due", "chat_message_version", "chat_member", "chat_upload", "chat_upload_part");
    }

    @Override
    public void contribute(String patientId, Disclosure d, PatientDataSink sink) throws IOException {
        String pid = d.id("patient", patientId);
        // a changed message: its earlier texts are part of the record (notes, oldest first); a retracted one is
        // exported as entered in error with what it said when it was retracted, and the file it carried then
        jdbi.useHandle(h -> h.createQuery("SELECT c.encounter_id, m.id, m.sequence, m.sender_name, m.body, m.sent_at,"
                + " m.retracted_at, ARRAY(SELECT v.body FROM chat_message_version v WHERE v.message_id = m.id"
                + " ORDER BY v.version) AS earlier, a.id AS file, a.name, a.content_type, a.size, a.scan"
                + " FROM chat_conversation c JOIN chat_message m ON m.conversation_id = c.id"
                + " LEFT JOIN chat_attachment a ON a.id = COALESCE(m.attachment_id, (SELECT v.attachment_id"
                + " FROM chat_message_version v WHERE v.message_id = m.id AND m.retracted_at IS NOT NULL"
                + " ORDER BY v.version DESC LIMIT 1))"
                + " WHERE c.patient_id = :p ORDER BY c.created_at, c.id, m.sequence").bind("p", patientId).map((rs, c) -> {
                    Timestamp at = rs.getTimestamp("sent_at");
                    boolean retracted = rs.getTimestamp("retracted_at") != null;
                    List<String> earlier = new ArrayList<>(List.of((String[]) rs.getArray("earlier").getArray()));
                    // retracted: its text is the last version's; the versions before that are its earlier texts
                    String body = retracted && !earlier.isEmpty() ? earlier.remove(earlier.size() - 1)
                            : rs.getString("body");
                    String text = body.isEmpty() ? null : d.freeText(body);
                    List<Object> payload = new ArrayList<>();
                    if (text != null) {
                        payload.add(obj("contentString", text));
                    }
                    if (rs.getString("file") != null) {
                        // the file itself is in files/chat/ (only kept when its scan found it clean)
                        payload.add(obj("contentAttachment", obj("contentType", rs.getString("content_type"),
                                "size", rs.getLong("size"), "title", d.freeText(rs.getString("name")),
                                "url", ChatFiles.CLEAN.equals(rs.getString("scan")) && !d.anonymised()
                                        ? "files/chat/" + rs.getString("file") : null)));
                    }
                    String sender = d.identifying(rs.getString("sender_name"));
                    List<Object> notes = new ArrayList<>();
                    if (retracted) {
                        notes.add(obj("text", "retracted by its sender at " + d.instant(rs.getTimestamp("retracted_at")
                                .toInstant())));
                    }
                    for (String e : earlier) {
                        String t = d.freeText(e);
                        if (t != null) {
                            notes.add(obj("text", "earlier text: " + t));
                        }
                    }
                    return obj("resourceType", "Communication", "id", d.id("chat-message", rs.getString("id")),
                            "status", retracted ? "entered-in-error" : "completed",
                            "category", List.of(obj("text", "visit conversation")),
                            "note", notes.isEmpty() ? null : notes,
                            "subject", obj("reference", "Patient/" + pid),
                            "encounter", obj("reference", "Encounter/" + d.id("encounter", rs.getString("encounter_id"))),
                            "sent", at == null ? null : String.valueOf(d.instant(at.toInstant())),
                            "sender", sender == null ? null : obj("display", sender),
                            "payload", payload.isEmpty() ? null : payload);
                }).forEach(sink::resource));
        if (d.anonymised()) {
            return; // the research export has no files: their content is not de-identified
        }
        List<String[]> clean = jdbi.withHandle(h -> h.createQuery("SELECT a.id, a.content_type, a.file_id"
                + " FROM chat_attachment a JOIN chat_conversation c ON c.id = a.conversation_id WHERE c.patient_id = :p"
                + " AND a.scan = 'clean' AND a.file_id IS NOT NULL ORDER BY a.created_at, a.id").bind("p", patientId)
                .map((rs, c) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).list());
        for (String[] f : clean) {
            try (InputStream content = files.open(f[2])) {
                sink.file("chat/" + f[0], f[1], content);
            }
        }
    }
}
