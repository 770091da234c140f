package org.telehub.integration.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.telehub.persistence.TestDatabases;

/** The delivery state machine's SQL on a real PostgreSQL, with the module's own migration scripts. */
class DeliveryStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void aDeliveryIsClaimedByOneWorkerOnlyAndFinishesOnce() throws Exception {
        DeliveryStore store = store();
        String id = insert(store, "ehr-main", null);
        int workers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Callable<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                claims.add(() -> store.claim(id, T0.plusSeconds(1)));
            }
            int won = 0;
            for (Future<Boolean> f : pool.invokeAll(claims)) {
                won += f.get() ? 1 : 0;
            }
            assertEquals(1, won, "exactly one worker owns the attempt");
        } finally {
            pool.shutdownNow();
        }
        store.delivered(id, "remote-1", T0.plusSeconds(2));
        DeliveryStore.Row row = store.get(id).orElseThrow();
        assertEquals(DeliveryState.DELIVERED, row.state());
        assertEquals(1, row.attempts());
        assertEquals("remote-1", row.remoteId());
        assertFalse(store.claim(id, T0.plusSeconds(3)), "a delivered delivery is never attempted again");
        assertFalse(store.replay(id, T0.plusSeconds(3)), "nor replayed");
    }

    @Test
    void aRetryIsNotClaimedBeforeItIsDueAndADeadOneReplays() {
        DeliveryStore store = store();
        String id = insert(store, "ehr-main", null);
        assertTrue(store.claim(id, T0));
        store.failed(id, DeliveryState.RETRYING, "503", T0.plusSeconds(10), T0);
        assertFalse(store.claim(id, T0.plusSeconds(5)), "not due yet");
        assertTrue(store.claim(id, T0.plusSeconds(10)));
        store.failed(id, DeliveryState.DEAD, "400 invalid", T0.plusSeconds(11), T0.plusSeconds(11));
        assertEquals(2, store.get(id).orElseThrow().attempts());
        assertEquals(List.of(id), store.list(DeliveryState.DEAD, null, null, 10).stream().map(DeliveryStore.Row::id).toList());
        assertTrue(store.replay(id, T0.plusSeconds(20)));
        DeliveryStore.Row replayed = store.get(id).orElseThrow();
        assertEquals(DeliveryState.QUEUED, replayed.state());
        assertEquals(0, replayed.attempts());
    }

    @Test
    void waitingCostsNoAttemptAndTheAdaptersReturnWakesItsDeliveries() {
        DeliveryStore store = store();
        String a = insert(store, "pacs-main", null);
        String b = insert(store, "pacs-main", null);
        String other = insert(store, "ehr-main", null);
        store.waiting(a, "waiting: no adapter", T0.plusSeconds(60), T0);
        store.waiting(b, "waiting: no adapter", T0.plusSeconds(60), T0);
        assertEquals(0, store.get(a).orElseThrow().attempts());
        assertFalse(store.claim(a, T0.plusSeconds(1)), "waiting until the adapter returns");
        List<String> woken = store.wake("pacs-main", T0.plusSeconds(2));
        assertEquals(2, woken.size());
        assertFalse(woken.contains(other));
        assertTrue(store.claim(a, T0.plusSeconds(2)));
    }

    @Test
    void theSweeperRecoversCrashedAttemptsAndLostMessages() {
        DeliveryStore store = store();
        String crashed = insert(store, "ehr-main", null);
        String lost = insert(store, "ehr-main", null);
        String fresh = insert(store, "ehr-main", null);
        assertTrue(store.claim(crashed, T0));
        // T0 + 100 s: the in-flight attempt is older than the stuck limit, the queued message older than the lost one
        Instant now = T0.plusSeconds(100);
        List<String> again = store.sweep(now, now.minusSeconds(60), now.minusSeconds(30)).stream()
                .map(java.util.Map.Entry::getKey).toList();
        assertTrue(again.contains(lost), again.toString());
        assertTrue(again.contains(crashed), "a crashed attempt is retried: " + again);
        assertTrue(again.contains(fresh));
        assertEquals(DeliveryState.RETRYING, store.get(crashed).orElseThrow().state());
        assertTrue(store.sweep(now.plusSeconds(1), now.minusSeconds(59), now.minusSeconds(29)).isEmpty(),
                "what was just queued again is not queued a second time at once");
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

    private static String insert(DeliveryStore store, String adapter, String key) {
        return insert(store, adapter, key, "nurse", "p-1");
    }

    private static String insert(DeliveryStore store, String adapter, String key, String by, String patient) {
        String id = UUID.randomUUID().toString();
        store.insertAll(List.of(new DeliveryStore.Row(id, UUID.randomUUID().toString(), key, patient, adapter,
                "MRN-1", "{\"report\":{\"code\":\"c\",\"title\":\"t\",\"conclusion\":\"" + "x".repeat(20_000)
                        + "\"}}", DeliveryState.QUEUED, 0, 5, T0, null, null, by, T0, T0, null)));
        return id;
    }

    private static DeliveryStore store() {
        Jdbi jdbi = Jdbi.create(TestDatabases.postgres());
        for (String script : List.of("V1__patient_identifiers.sql", "V2__deliveries.sql", "V4__request_key_scope.sql")) {
            try (InputStream in = DeliveryStoreTest.class.getResourceAsStream("/db/migration/integration/" + script)) {
                String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                jdbi.useHandle(h -> h.createScript(sql).execute());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return new DeliveryStore(jdbi);
    }
}
