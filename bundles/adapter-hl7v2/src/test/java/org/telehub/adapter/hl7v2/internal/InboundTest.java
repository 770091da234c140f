package org.telehub.adapter.hl7v2.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telehub.persistence.TestDatabases;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;
import org.telehub.work.WorkState;

/** Inbound messages against PostgreSQL: stored with their work before AA, once, or refused and kept. */
class InboundTest {
    private Jdbi jdbi;
    private final List<WorkRequest> submitted = new ArrayList<>();
    /** The size of each submitAll: one per group commit. */
    private final List<Integer> batches = new ArrayList<>();
    private boolean workFails;
    private Inbound inbound;
    private Thread writer;

    @BeforeEach
    void setUp() throws IOException {
        jdbi = Jdbi.create(TestDatabases.postgres());
        migrate(jdbi, "V1__messages", "V4__documents");
        inbound = new Inbound("his", new Codec(), jdbi, new Recording(), new Inbound.Settings("TELEHUB", "HUB",
                StandardCharsets.UTF_8, "MR", 1024 * 1024), new Counters());
        writer = new Thread(inbound::write, "writer");
        writer.start();
    }

    /** Runs this bundle's migrations of these names, in order. */
    static void migrate(Jdbi jdbi, String... names) throws IOException {
        for (String name : names) {
            try (InputStream sql = InboundTest.class.getResourceAsStream("/db/migration/hl7v2/" + name + ".sql")) {
                String script = new String(sql.readAllBytes(), StandardCharsets.UTF_8);
                jdbi.useHandle(h -> h.createScript(script).execute());
            }
        }
    }

    @AfterEach
    void stopWriter() throws InterruptedException {
        inbound.close();
        writer.join(5000);
    }

    private static byte[] adt(String control, String mrn) {
        return ("MSH|^~\\&|HIS|NORTH|TELEHUB|HUB|20261205||ADT^A04^ADT_A01|" + control + "|P|2.5.1\rEVN|A04\r"
                + "PID|1||998877^^^NATION^NI~" + mrn + "^^^HIS^MR||Doe^Jane||19800423")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void storedWithItsWorkThenAcceptedAndARepeatOnlyCounted() throws Exception {
        Inbound.Answer a = inbound.receive(adt("C1", "MRN-1"), false);
        assertEquals("AA", a.code());
        Message ack = new Codec().parser().parse(new String(a.ack(), StandardCharsets.UTF_8));
        Terser t = new Terser(ack);
        assertEquals("C1", t.get("MSA-2"));
        assertEquals("TELEHUB", t.get("MSH-3-1"));
        assertEquals("HIS", t.get("MSH-5-1"));
        assertEquals(1, submitted.size());
        assertEquals("his|MRN-1", submitted.get(0).key(), "ordered per patient, by the MR identifier of PID-3");
        assertEquals(a.messageId(), submitted.get(0).payload());

        Inbound.Answer again = inbound.receive(adt("C1", "MRN-1"), false);
        assertEquals("AA", again.code());
        assertEquals("duplicate", again.state());
        assertEquals(1, submitted.size(), "a repeat is not processed twice");
        Map<String, Object> row = jdbi.withHandle(h -> h.createQuery("SELECT state, duplicates, patient_identifier,"
                + " message_type FROM hl7_message").mapToMap().one());
        assertEquals(Map.of("state", "queued", "duplicates", 1, "patient_identifier", "MRN-1", "message_type",
                "ADT^A04"), row);
    }

    @Test
    void whatCannotBeStoredIsAnsweredAeAndLeavesNothing() {
        workFails = true;
        Inbound.Answer a = inbound.receive(adt("C2", "MRN-2"), false);
        assertEquals("AE", a.code());
        assertTrue(new String(a.ack(), StandardCharsets.UTF_8).contains("MSA|AE|C2"));
        int rows = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM hl7_message").mapTo(Integer.class).one());
        assertEquals(0, rows, "the row went with the failed transaction: the sender sends again");
        workFails = false;
        assertEquals("AA", inbound.receive(adt("C2", "MRN-2"), false).code(), "and then it is taken");
    }

    @Test
    void unreadableAndOversizedAreRefusedAndKept() {
        Inbound.Answer garbage = inbound.receive("\u0000\u0001binary".getBytes(StandardCharsets.ISO_8859_1), false);
        assertEquals("AR", garbage.code());
        assertTrue(new String(garbage.ack(), StandardCharsets.UTF_8).contains("MSA|AR"));
        Inbound.Answer big = inbound.receive(adt("C3", "MRN-3"), true);
        String ack = new String(big.ack(), StandardCharsets.UTF_8);
        assertTrue(ack.contains("MSA|AR|C3") && ack.contains("longer than 1048576 bytes"), ack);
        assertEquals(List.of("rejected", "rejected"), jdbi.withHandle(h -> h.createQuery("SELECT state FROM"
                + " hl7_message").mapTo(String.class).list()));
        assertEquals(0, submitted.size());
    }

    @Test
    void theMessagesAboutAPatientAreInTheirExportAndNotItsResearchVersion() throws Exception {
        Hl7Contributor contributor = new Hl7Contributor(jdbi);
        assertEquals(org.telehub.persistence.PatientTables.of(jdbi), contributor.tables(),
                "every table of this bundle with patient data is exported");
        String id = inbound.receive(adt("C4", "MRN-4"), false).messageId();
        jdbi.useHandle(h -> h.execute("UPDATE hl7_message SET state = 'processed', local_patient_id = 'pat-4'"
                + " WHERE id = ?", id));
        var full = org.telehub.domain.patientdata.TestExports.run(contributor, "pat-4", false);
        assertEquals(1, full.resources().size());
        String text = full.resources().toString();
        assertTrue(text.contains("Doe^Jane") && text.contains("MRN-4") && text.contains("ADT^A04"), text);
        jdbi.useHandle(h -> h.execute("INSERT INTO hl7_observation (message_id, seq, adapter_id, patient_identifier,"
                + " code, code_system, display, value_num, unit, category) VALUES (?, 1, 'his', 'MRN-4', '2345-7',"
                + " 'http://loinc.org', 'Glucose', 5.4, 'mmol/L', 'laboratory')", id));
        full = org.telehub.domain.patientdata.TestExports.run(contributor, "pat-4", false);
        assertEquals(List.of("Communication", "Observation"), full.resources().stream().map(r -> r.get(
                "resourceType")).toList());
        assertTrue(full.resources().get(1).toString().contains("value=5.4"), full.resources().toString());
        jdbi.useHandle(h -> h.execute("INSERT INTO hl7_document (adapter_id, document_number, message_id,"
                + " patient_identifier, document_type, title, text, content_type, content_obx, content_bytes) VALUES"
                + " ('his', 'DOC-4', ?, 'MRN-4', 'ENDO', 'Colonoscopy', 'Polyp removed', 'application/pdf', 2, 912)",
                id));
        full = org.telehub.domain.patientdata.TestExports.run(contributor, "pat-4", false);
        assertEquals(List.of("Communication", "Observation", "DocumentReference"), full.resources().stream()
                .map(r -> r.get("resourceType")).toList());
        String document = full.resources().get(2).toString();
        assertTrue(document.contains("application/pdf") && document.contains("Colonoscopy") && document.contains(
                java.util.Base64.getEncoder().encodeToString("Polyp removed".getBytes(StandardCharsets.UTF_8))),
                document);
        var research = org.telehub.domain.patientdata.TestExports.run(contributor, "pat-4", true);
        String anon = research.resources().toString();
        assertTrue(!anon.contains("Doe") && !anon.contains("MRN-4") && !anon.contains("pat-4"), anon);
        assertTrue(!anon.contains("Colonoscopy") && !anon.contains(java.util.Base64.getEncoder().encodeToString(
                "Polyp removed".getBytes(StandardCharsets.UTF_8))), "a document's words are free text: " + anon);
        assertEquals(0, org.telehub.domain.patientdata.TestExports.run(contributor, "pat-other", false).resources()
                .size());
    }

    @Test
    void messagesArrivingTogetherAreStoredTogether() throws Exception {
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(16);
        List<java.util.concurrent.Future<Inbound.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int n = i;
            answers.add(senders.submit(() -> inbound.receive(adt("G" + n, "MRN-G" + (n % 50)), false)));
        }
        for (var a : answers) {
            assertEquals("AA", a.get().code());
        }
        senders.shutdown();
        int rows = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM hl7_message").mapTo(Integer.class).one());
        assertEquals(400, rows);
        List<String> queued = new ArrayList<>();
        synchronized (submitted) {
            submitted.forEach(r -> queued.add(r.payload()));
            assertTrue(batches.size() < 400 && batches.stream().mapToInt(Integer::intValue).sum() == 400,
                    "group commits: " + batches);
        }
        assertEquals(400, new java.util.HashSet<>(queued).size(), "every message queued once");
    }

    @Test
    void retentionDeletesOldMessagesButNotWhatIsStillToBeActedOnNorResults() throws Exception {
        for (String c : List.of("R1", "R2", "R3", "R4")) {
            assertEquals("AA", inbound.receive(adt(c, "MRN-" + c), false).code());
        }
        assertEquals("AR", inbound.receive("garbage".getBytes(StandardCharsets.US_ASCII), false).code());
        jdbi.useHandle(h -> {
            h.execute("UPDATE hl7_message SET received_at = now() - interval '100 days'");
            h.execute("UPDATE hl7_message SET state = 'processed' WHERE control_id IN ('R1', 'R2')");
            h.execute("UPDATE hl7_message SET message_type = 'ORU^R01' WHERE control_id = 'R2'");
            h.execute("UPDATE hl7_message SET state = 'failed' WHERE control_id = 'R3'");
            h.execute("UPDATE hl7_message SET state = 'processed', received_at = now() WHERE control_id = 'R4'");
        });
        assertEquals(2, Retention.purge(jdbi, java.time.Instant.now().minus(java.time.Duration.ofDays(90))),
                "the old processed ADT and the old rejected message");
        assertEquals(List.of("R2", "R3", "R4"), jdbi.withHandle(h -> h.createQuery("SELECT control_id FROM"
                + " hl7_message ORDER BY control_id").mapTo(String.class).list()));
    }

    /** Records what would be queued; fails on request to show the transaction's all-or-nothing. */
    private final class Recording implements WorkService {
        @Override
        public String submit(Handle tx, WorkRequest request) {
            if (workFails) {
                throw new IllegalStateException("work service unavailable");
            }
            synchronized (submitted) {
                submitted.add(request);
                return "w" + submitted.size();
            }
        }

        @Override
        public List<String> submitAll(Handle tx, List<WorkRequest> requests) {
            synchronized (submitted) {
                batches.add(requests.size());
            }
            return WorkService.super.submitAll(tx, requests);
        }

        @Override
        public boolean cancel(Handle tx, String topic, String idempotencyKey) {
            return false;
        }

        @Override
        public boolean cancelById(Handle tx, String id) {
            return false;
        }

        @Override
        public Optional<WorkItem> find(String id) {
            return Optional.empty();
        }

        @Override
        public Map<String, WorkItem> find(java.util.Collection<String> ids) {
            return Map.of();
        }

        @Override
        public List<WorkItem> list(String topic, WorkState state, int limit) {
            return List.of();
        }

        @Override
        public Optional<Boolean> replay(String id) {
            return Optional.empty();
        }

        @Override
        public List<Count> counts() {
            return List.of();
        }
    }

}
