package org.telehub.chat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.chat.ChatFiles;
import org.telehub.chat.ChatFiles.Attachment;
import org.telehub.chat.Conversations.Message;
import org.telehub.domain.patientdata.TestExports;
import org.telehub.files.FileStore;
import org.telehub.files.StoredFile;
import org.telehub.files.internal.TestFiles;
import org.telehub.persistence.PatientTables;

/** A patient's export holds their visits' messages; the research export none of their words or names. */
class ChatContributorTest {
    @TempDir
    Path dir;
    /** What the export wrote as files: "name type size". */
    private final List<String> files = new ArrayList<>();

    @Test
    void everyChatTableWithPatientDataIsNamedAndTheMessagesAreExported() throws Exception {
        Jdbi jdbi = new ChatFixture().jdbi;
        TestFiles.migrate(jdbi);
        FileStore store = TestFiles.store(jdbi, dir);
        ChatContributor chat = new ChatContributor(jdbi, store);
        // the rule every contributor's tables are held to (a column or name like patient, or a key to such a table)
        Set<String> patientTables = PatientTables.of(jdbi);
        assertEquals(Set.of("chat_conversation", "chat_message", "chat_attachment", "chat_read", "chat_notice",
                "chat_notice_due", "chat_message_version", "chat_member", "chat_upload", "chat_upload_part"), patientTables);
        assertEquals(patientTables, chat.tables());

        Instant at = Instant.parse("2026-12-03T09:10:00Z");
        StoredFile photo = store.put(new ByteArrayInputStream(new byte[] {1, 2, 3, 4}), "image/jpeg", "chat");
        jdbi.useTransaction(h -> {
            String c = ConversationStore.ensure(h, "enc-1", "pat-1", at).id();
            ConversationStore.lock(h, c);
            ConversationStore.store(h, new Message("m1", c, 1, "amy", "Amy Pond", "a-1", "The rash itches", at,
                    null), null);
            ConversationStore.store(h, new Message("m2", c, 2, "dr.house", "Dr House", "h-1", "Send a photo",
                    at.plusSeconds(60), null), null);
            Attachment a = new Attachment("file-1", c, "rash.jpg", "image/jpeg", 4, "ab".repeat(32), ChatFiles.CLEAN,
                    "amy", at);
            ConversationStore.insert(h, a, photo.id(), null, "ClamAV");
            ConversationStore.store(h, new Message("m3", c, 3, "amy", "Amy Pond", "a-2", "", at.plusSeconds(90), a),
                    null);
            ConversationStore.ensure(h, "enc-9", "pat-other", at);
            // Amy corrects her first message and retracts her photo: both are the record still
            ConversationStore.change(h, c, "m1", "The rash itches at night", false, at.plusSeconds(120));
            ConversationStore.change(h, c, "m3", null, true, at.plusSeconds(180));
        });
        List<Map<String, Object>> full = export(chat, false);
        assertEquals(3, full.size());
        assertEquals(List.of(Map.of("contentAttachment", Map.of("contentType", "image/jpeg", "size", 4L, "title",
                "rash.jpg", "url", "files/chat/file-1"))), full.get(2).get("payload"));
        assertEquals(List.of("chat/file-1 image/jpeg 4"), files);
        assertEquals("Communication", full.get(0).get("resourceType"));
        assertEquals(List.of(Map.of("contentString", "The rash itches at night")), full.get(0).get("payload"));
        assertEquals(List.of(Map.of("text", "earlier text: The rash itches")), full.get(0).get("note"));
        assertEquals("completed", full.get(0).get("status"));
        assertEquals("entered-in-error", full.get(2).get("status"), "the retracted photo: in the record, marked");
        assertEquals(List.of(Map.of("text", "retracted by its sender at 2026-12-03T09:13:00Z")),
                full.get(2).get("note"));
        assertEquals(Map.of("display", "Dr House"), full.get(1).get("sender"));
        assertEquals(Map.of("reference", "Encounter/enc-1"), full.get(1).get("encounter"));
        List<Map<String, Object>> research = export(chat, true);
        assertEquals(3, research.size());
        assertFalse(research.toString().contains("file-1"), "no attachment id in the research export: " + research);
        assertEquals(List.of(), files, "and no file");
        String text = research.toString();
        assertFalse(text.contains("rash") || text.contains("Amy") || text.contains("House") || text.contains("pat-1"),
                text);
        assertTrue(research.get(0).get("subject").toString().contains("Patient/"), text);
    }

    private List<Map<String, Object>> export(ChatContributor chat, boolean anonymised) throws Exception {
        TestExports.Export e = TestExports.run(chat, "pat-1", anonymised);
        files.clear();
        files.addAll(e.files());
        return e.resources();
    }
}
