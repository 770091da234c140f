package org.telehub.integration.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.telehub.persistence.TestDatabases;

/**
 * The delivery rows' SQL on a real PostgreSQL, with the module's own migration scripts and the work service's:
 * states read from the work item, rows of the old queue, request keys.
 */
class DeliveryStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final AtomicLong SEQ = new AtomicLong();

    @Test
    void theStateIsTheWorkItemsInTheDeliveryWords() {
        DeliveryStore store = store();
        String queued = insert(store, "ehr-main", null, "pending", 0);
        String retrying = insert(store, "ehr-main", null, "pending", 2);
        String inFlight = insert(store, "ehr-main", null, "running", 1);
        String delivered = insert(store, "pacs-main", null, "done", 1);
        String dead = insert(store, "ehr-main", null, "dead", 1);
        assertEquals(DeliveryState.QUEUED, store.get(queued).orElseThrow().state());
        DeliveryStore.Row r = store.get(retrying).orElseThrow();
        assertEquals(DeliveryState.RETRYING, r.state());
        assertEquals(2, r.attempts());
        assertEquals("503 from the work item", r.lastError());
        assertEquals(T0.plusSeconds(30), r.nextAttemptAt(), "a pending item's due time is the next attempt");
        assertEquals(DeliveryState.IN_FLIGHT, store.get(inFlight).orElseThrow().state());
        assertEquals(DeliveryState.DELIVERED, store.get(delivered).orElseThrow().state());
        assertEquals(DeliveryState.DEAD, store.get(dead).orElseThrow().state());
        // a list filtered by state is filtered by the work item's state (and, for pending, its attempts)
        assertEquals(List.of(queued), ids(store.list(DeliveryState.QUEUED, null, null, 10)));
        assertEquals(List.of(retrying), ids(store.list(DeliveryState.RETRYING, null, null, 10)));
        assertEquals(List.of(dead), ids(store.list(DeliveryState.DEAD, "ehr-main", null, 10)));
        assertTrue(store.list(DeliveryState.DEAD, "pacs-main", null, 10).isEmpty());
        // the web console's counts are the same conditions
        assertEquals(1, store.count(DeliveryState.QUEUED));
        assertEquals(1, store.count(DeliveryState.RETRYING));
        assertEquals(1, store.count(DeliveryState.IN_FLIGHT));
        assertEquals(1, store.count(DeliveryState.DEAD));
        assertEquals(1, store.count(DeliveryState.DELIVERED));
        store.delivered(delivered, "remote-1", T0.plusSeconds(3));
        assertEquals("remote-1", store.get(delivered).orElseThrow().remoteId());
        assertEquals(T0.plusSeconds(3), store.get(delivered).orElseThrow().deliveredAt());

        // the work service prunes done items after keepFinishedHours: the row's own delivered_at still says it
        store.jdbi().useHandle(h -> h.execute("DELETE FROM work_item WHERE id = (SELECT work_id FROM"
                + " integration_delivery WHERE id = ?)", delivered));
        DeliveryStore.Row pruned = store.get(delivered).orElseThrow();
        assertEquals(DeliveryState.DELIVERED, pruned.state());
        assertEquals(T0.plusSeconds(3), pruned.deliveredAt());
        assertTrue(ids(store.list(DeliveryState.DELIVERED, "pacs-main", null, 10)).contains(delivered));
    }

    @Test
    void rowsOfTheOldQueueKeepTheirFinalStateAndOpenOnesAreFoundForTheMigration() {
        DeliveryStore store = store();
        String done = legacy(store, "delivered");
        String open = legacy(store, "retrying");
        String carried = insert(store, "ehr-main", null, "pending", 0);
        assertEquals(DeliveryState.DELIVERED, store.get(done).orElseThrow().state());
        assertTrue(ids(store.list(DeliveryState.DELIVERED, null, null, 10)).contains(done));
        assertEquals(List.of(open), ids(store.legacyOpen(10)), "only open rows without a work item move");
        String workId = workItem(store, "pending", 0);
        store.jdbi().useTransaction(h -> DeliveryStore.attach(h, open, workId));
        assertEquals(DeliveryState.QUEUED, store.get(open).orElseThrow().state(), "now the work item's state");
        assertEquals(0, store.get(open).orElseThrow().attempts());
        assertTrue(store.legacyOpen(10).isEmpty());
        assertFalse(ids(store.list(DeliveryState.RETRYING, null, null, 10)).contains(open));
        assertEquals(DeliveryState.QUEUED, store.get(carried).orElseThrow().state());
    }

    @Test
    void aRequestKeyIsUniquePerTargetForOneCallerAndPatient() {
        DeliveryStore store = store();
        insert(store, "ehr-main", "req-1");
        insert(store, "pacs-main", "req-1");
        assertEquals(2, store.byRequestKey("req-1", "nurse", "p-1").size());
        assertThrows(RuntimeException.class, () -> insert(store, "ehr-main", "req-1"));
        // the same key from another clinician, or for another patient, is another request: it finds nothing of
        // the first and may create its own
        assertTrue(store.byRequestKey("req-1", "dr.other", "p-1").isEmpty());
        assertTrue(store.byRequestKey("req-1", "nurse", "p-2").isEmpty());
        insert(store, "ehr-main", "req-1", "dr.other", "p-1");
        insert(store, "ehr-main", "req-1", "nurse", "p-2");
        assertEquals(2, store.byRequestKey("req-1", "nurse", "p-1").size());
        assertEquals(1, store.byRequestKey("req-1", "dr.other", "p-1").size());
    }

    /** The analyses a patient's panel lists: the deliveries whose payload (as the service writes it) has one. */
    @Test
    void theDeliveriesThatCarryAnAnalysisAreFoundByTheirPayload() throws Exception {
        DeliveryStore store = store();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String patient = "p-" + SEQ.incrementAndGet();
        String analysis = json.writeValueAsString(new ResultPayload(null, null, new ResultPayload.Analysis("SPS-1",
                "Polyp", null, "68496003", "SCT", "Polyp of colon", 0.9, null, null)));
        String words = json.writeValueAsString(new ResultPayload(null, List.of(), null));
        String toEndo = withPayload(store, "endo-1", patient, analysis);
        String toEhr = withPayload(store, "ehr-main", patient, analysis);
        withPayload(store, "endo-1", patient, words);
        withPayload(store, "endo-1", "someone-else", analysis);
        assertEquals(List.of(toEhr, toEndo), ids(store.withAnalysis(patient, null, 10)), "newest first");
        assertEquals(List.of(toEndo), ids(store.withAnalysis(patient, "endo-1", 10)));
        assertEquals(List.of(toEhr), ids(store.withAnalysis(patient, null, 1)));
    }

    private static String withPayload(DeliveryStore store, String adapter, String patient, String payload) {
        String id = UUID.randomUUID().toString();
        String workId = workItem(store, "pending", 0);
        store.jdbi().useTransaction(h -> DeliveryStore.insert(h, new DeliveryStore.New(id, UUID.randomUUID().toString(),
                null, patient, adapter, "MRN-1", payload, "nurse", T0.plusMillis(SEQ.incrementAndGet())), workId));
        return id;
    }

    private static String insert(DeliveryStore store, String adapter, String key) {
        return insert(store, adapter, key, "nurse", "p-1");
    }

    private static String insert(DeliveryStore store, String adapter, String key, String by, String patient) {
        return insert(store, adapter, key, by, patient, "pending", 0);
    }

    private static String insert(DeliveryStore store, String adapter, String key, String state, int attempts) {
        return insert(store, adapter, key, "nurse", "p-1", state, attempts);
    }

    /** A delivery and its work item, as the work service would have left it. */
    private static String insert(DeliveryStore store, String adapter, String key, String by, String patient,
            String state, int attempts) {
        String id = UUID.randomUUID().toString();
        String workId = workItem(store, state, attempts);
        store.jdbi().useTransaction(h -> DeliveryStore.insert(h, new DeliveryStore.New(id, UUID.randomUUID().toString(),
                key, patient, adapter, "MRN-1", "{\"report\":{\"code\":\"c\",\"title\":\"t\",\"conclusion\":\""
                        + "x".repeat(20_000) + "\"}}", by, T0.plusMillis(SEQ.incrementAndGet())), workId));
        return id;
    }

    private static String workItem(DeliveryStore store, String state, int attempts) {
        String id = UUID.randomUUID().toString();
        store.jdbi().useHandle(h -> h.createUpdate("INSERT INTO work_item (id, topic, payload, state, attempts, due_at,"
                + " woken_at, last_error, created_at, updated_at, finished_at) VALUES (:id, 'integration.delivery.x',"
                + " 'p', :s, :a, :due, :t, :e, :t, :t, :fin)")
                .bind("id", id).bind("s", state).bind("a", attempts).bind("due", Timestamp.from(T0.plusSeconds(30)))
                .bind("t", Timestamp.from(T0)).bind("e", attempts > 1 ? "503 from the work item" : null)
                .bind("fin", state.equals("done") || state.equals("dead") ? Timestamp.from(T0) : null).execute());
        return id;
    }

    /** A row written by the queue before the work service: its own state, no work item. */
    private static String legacy(DeliveryStore store, String state) {
        String id = UUID.randomUUID().toString();
        store.jdbi().useHandle(h -> h.createUpdate("INSERT INTO integration_delivery (id, result_id, local_patient_id,"
                + " adapter_id, system_patient_id, payload, state, attempts, max_attempts, next_attempt_at, created_by,"
                + " created_at, updated_at) VALUES (:id, :id, 'p-1', 'ehr-main', 'MRN-1', '{}', :s, 1, 10, :t,"
                + " 'nurse', :t, :t)").bind("id", id).bind("s", state).bind("t", Timestamp.from(T0)).execute());
        return id;
    }

    private static List<String> ids(List<DeliveryStore.Row> rows) {
        return rows.stream().map(DeliveryStore.Row::id).toList();
    }

    private static DeliveryStore store() {
        Jdbi jdbi = Jdbi.create(TestDatabases.postgres());
        for (String script : List.of("work/V1__work_items.sql", "integration/V1__patient_identifiers.sql",
                "integration/V2__deliveries.sql", "integration/V4__request_key_scope.sql",
                "integration/V5__deliveries_on_work.sql")) {
            try (InputStream in = DeliveryStoreTest.class.getResourceAsStream("/db/migration/" + script)) {
                String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                jdbi.useHandle(h -> h.createScript(sql).execute());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return new DeliveryStore(jdbi);
    }
}
