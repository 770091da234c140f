package org.telehub.chat.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.telehub.chat.Conversations.Message;
import org.telehub.domain.patientdata.Disclosure;
import org.telehub.domain.patientdata.PatientDataSink;
import org.telehub.persistence.TestDatabases;

/** A patient's export holds their visits' messages; the research export none of their words or names. */
class ChatContributorTest {

    @Test
    void everyChatTableWithPatientDataIsNamedAndTheMessagesAreExported() throws Exception {
        Jdbi jdbi = Jdbi.create(TestDatabases.postgres());
        try (InputStream in = getClass().getResourceAsStream("/db/migration/chat/V1__conversations.sql")) {
            String sql = new String(in.readAllBytes(), UTF_8);
            jdbi.useHandle(h -> h.createScript(sql).execute());
        }
        ChatContributor chat = new ChatContributor(jdbi);
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
        assertEquals(Set.of("chat_conversation", "chat_message"), patientTables);
        assertEquals(patientTables, chat.tables());

        Instant at = Instant.parse("2026-12-03T09:10:00Z");
        jdbi.useTransaction(h -> {
            String c = ConversationStore.ensure(h, "enc-1", "pat-1", at).id();
            ConversationStore.lock(h, c);
            ConversationStore.insert(h, new Message("m1", c, 1, "amy", "Amy Pond", "a-1", "The rash itches", at));
            ConversationStore.insert(h, new Message("m2", c, 2, "dr.house", "Dr House", "h-1", "Send a photo",
                    at.plusSeconds(60)));
            ConversationStore.ensure(h, "enc-9", "pat-other", at);
        });
        List<Map<String, Object>> full = export(chat, false);
        assertEquals(2, full.size());
        assertEquals("Communication", full.get(0).get("resourceType"));
        assertEquals(List.of(Map.of("contentString", "The rash itches")), full.get(0).get("payload"));
        assertEquals(Map.of("display", "Dr House"), full.get(1).get("sender"));
        assertEquals(Map.of("reference", "Encounter/enc-1"), full.get(1).get("encounter"));
        List<Map<String, Object>> research = export(chat, true);
        assertEquals(2, research.size());
        String text = research.toString();
        assertFalse(text.contains("rash") || text.contains("Amy") || text.contains("House") || text.contains("pat-1"),
                text);
        assertTrue(research.get(0).get("subject").toString().contains("Patient/"), text);
    }

    private static List<Map<String, Object>> export(ChatContributor chat, boolean anonymised) throws Exception {
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
            public void file(String name, String mediaType, InputStream content) {
                throw new AssertionError("chat has no files yet");
            }
        });
        return out;
    }
}
