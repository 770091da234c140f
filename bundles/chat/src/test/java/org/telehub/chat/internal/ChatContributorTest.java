package org.telehub.chat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.chat.ChatFiles;
import org.telehub.chat.ChatFiles.Attachment;
import org.telehub.chat.Conversations.Message;
import org.telehub.domain.patientdata.Disclosure;
import org.telehub.domain.patientdata.PatientDataSink;
import org.telehub.files.FileStore;
import org.telehub.files.StoredFile;
import org.telehub.files.internal.TestFiles;

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
        // the same rule as core-encounter's PatientExportTest: a column like patient, or a foreign key to such a table
        Set<String> patientTables = jdbi.withHandle(h -> {
            Set<String> t = new TreeSet<>(h.createQuery("SELECT table_name FROM information_schema.columns WHERE"
                    + " table_schema = 'public' AND column_name LIKE '%patient%'").mapTo(String.class).list());
            while (t.addAll(h.createQuery("SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"
                    + " AND confrelid::regclass::text = ANY(:t)").bind("t", t.toArray(new String[0]))
                    .mapTo(String.class).list())) {
                // until closed
            }
            return t;
        });
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
        files.clear();
        List<Map<String, Object>> out = new ArrayList<>();
        chat.contribute("pat-1", new Disclosure() {
            @Override
            public boolean anonymised() {
                return anonymised;
            }

            @Override
            public String id(String kind, String value) {
                return anonymised ? Integer.toHexString((kind + value).hashCode()) : value;
            }

            @Override
            public String identifying(String value) {
                return anonymised ? null : value;
            }

            @Override
            public String freeText(String value) {
                return anonymised ? null : value;
            }

            @Override
            public Instant instant(Instant value) {
                return value;
            }

            @Override
            public LocalDate date(LocalDate value) {
                return value;
            }
        }, new PatientDataSink() {
            @Override
            public void resource(Map<String, Object> resource) {
                out.add(resource);
            }

            @Override
            public void file(String name, String mediaType, InputStream content) throws java.io.IOException {
                files.add(name + " " + mediaType + " " + content.readAllBytes().length);
            }
        });
        return out;
    }
}
