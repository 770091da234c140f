package org.telehub.work.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.jdbi.v3.core.Jdbi;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telehub.domain.InvalidException;
import org.telehub.persistence.TestDatabases;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkState;

/**
 * The work service's guarantees on a real PostgreSQL with the module's own migration; the broker's part is played
 * by {@link LocalTransport} (queues shared by the "nodes", delays, lost and duplicate wake-ups).
 */
class WorkEngineTest {
    private final List<AutoCloseable> closing = new ArrayList<>();
    private Jdbi jdbi;
    private LocalTransport broker;
    private final TestConfig config = new TestConfig();

    @AfterEach
    void close() throws Exception {
        Collections.reverse(closing);
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private void database() throws IOException {
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(TestDatabases.postgres());
        pool.setMaximumPoolSize(24);
        HikariDataSource ds = new HikariDataSource(pool);
        closing.add(ds);
        jdbi = Jdbi.create(ds);
        for (String m : List.of("V1__work_items.sql", "V2__prune_finished.sql")) {
            try (InputStream in = getClass().getResourceAsStream("/db/migration/work/" + m)) {
                String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                jdbi.useHandle(h -> h.createScript(sql).execute());
            }
        }
        broker = new LocalTransport();
        closing.add(broker);
    }

    /** One node: an engine on the shared database and broker, its sweeper running. */
    private WorkEngine node() {
        Pools pools = new Pools();
        WorkEngine e = new WorkEngine(new WorkStore(jdbi), broker, config, pools::pool);
        ScheduledExecutorService sweeper = pools.pool("work-sweeper", 1);
        sweeper.scheduleWithFixedDelay(e::sweep, config.sweepSeconds, config.sweepSeconds, TimeUnit.SECONDS);
        closing.add(() -> {
            e.close();
            pools.close();
        });
        return e;
    }

    private static Map<String, Object> props(String topic, Object... more) {
        Map<String, Object> m = new HashMap<>(Map.of(WorkHandler.TOPIC, topic));
        for (int i = 0; i < more.length; i += 2) {
            m.put((String) more[i], more[i + 1]);
        }
        return m;
    }

    private String submit(WorkEngine e, WorkRequest r) {
        return jdbi.inTransaction(h -> e.submit(h, r));
    }

    private static void await(String what, BooleanSupplier done, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    private WorkItem item(WorkEngine e, String id) {
        return e.find(id).orElseThrow();
    }

    @Test
    void manySubmittedInOneStatementRunOnceEachAndKeepTheirIdempotencyKeys() throws Exception {
        database();
        WorkEngine e = node();
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        e.addHandler(i -> {
            runs.computeIfAbsent(i.payload(), k -> new AtomicInteger()).incrementAndGet();
            return Verdict.done();
        }, props("batch"));
        String earlier = submit(e, WorkRequest.of("batch", "p0").withIdempotencyKey("k0"));
        List<WorkRequest> requests = new java.util.ArrayList<>();
        for (int i = 0; i < 1200; i++) { // more than one statement's worth
            requests.add(WorkRequest.of("batch", "p" + i).withIdempotencyKey("k" + i));
        }
        requests.add(WorkRequest.of("batch", "again").withIdempotencyKey("k7")); // twice in one call
        List<String> ids = jdbi.inTransaction(h -> e.submitAll(h, requests));
        assertEquals(1201, ids.size());
        assertEquals(earlier, ids.get(0), "a key used before gives the earlier item");
        assertEquals(ids.get(7), ids.get(1200), "a key used twice in one call gives one item");
        assertEquals(1200, new java.util.HashSet<>(ids).size());
        await("every item ran", () -> ids.stream().allMatch(id -> item(e, id).state() == WorkState.DONE), 30_000);
        assertEquals(1200, runs.size());
        assertTrue(runs.values().stream().allMatch(n -> n.get() == 1), "each once");
        assertFalse(runs.containsKey("again"));
        assertEquals(List.of(), jdbi.inTransaction(h -> e.submitAll(h, List.of())));
    }

    @Test
    void aRolledBackSubmitRunsNothingAndACommittedOneRunsOnceAfterItsCommit() throws Exception {
        database();
        WorkEngine e = node();
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        e.addHandler(i -> {
            runs.computeIfAbsent(i.id(), k -> new AtomicInteger()).incrementAndGet();
            return Verdict.done();
        }, props("t"));
        String[] rolledBack = new String[1];
        assertThrows(IllegalStateException.class, () -> jdbi.useTransaction(h -> {
            rolledBack[0] = e.submit(h, WorkRequest.of("t", "{}"));
            throw new IllegalStateException("the caller's transaction fails");
        }));
        // the wake-up leaves after the commit: were it sent at submit, the claim would find no committed row and
        // the item would wait for the sweeper (lostAfter = 60 s), past this test's patience
        String committed = jdbi.inTransaction(h -> {
            String id = e.submit(h, WorkRequest.of("t", "{}"));
            Thread.sleep(300);
            return id;
        });
        await("the committed item ran", () -> item(e, committed).state() == WorkState.DONE, 3000);
        Thread.sleep(500);
        assertEquals(1, runs.get(committed).get(), "run exactly once");
        assertFalse(runs.containsKey(rolledBack[0]), "the rolled-back item never ran");
        assertTrue(e.find(rolledBack[0]).isEmpty(), "and left no row");
        assertEquals(1, item(e, committed).attempts());
    }

    @Test
    void retriesWithBackoffThenDoneAnExceptionIsARetry() throws Exception {
        database();
        WorkEngine e = node();
        List<Instant> times = new CopyOnWriteArrayList<>();
        e.addHandler(i -> {
            times.add(Instant.now());
            if (times.size() == 1) {
                throw new IllegalStateException("remote down");
            }
            return times.size() < 3 ? Verdict.retry("busy") : Verdict.done();
        }, props("t"));
        String id = submit(e, WorkRequest.of("t", "{}"));
        await("done", () -> item(e, id).state() == WorkState.DONE, 5000);
        WorkItem done = item(e, id);
        assertEquals(3, done.attempts());
        assertEquals(3, times.size());
        // jitter 0: 100 ms, then 200 ms (doubling)
        assertTrue(Duration.between(times.get(0), times.get(1)).toMillis() >= 100, times.toString());
        assertTrue(Duration.between(times.get(1), times.get(2)).toMillis() >= 200, times.toString());
        assertEquals(null, done.lastError());
    }

    @Test
    void maxAttemptsMakeItDeadAReplayRunsItAgainGiveUpIsDeadAtOnce() throws Exception {
        database();
        WorkEngine e = node();
        AtomicInteger runs = new AtomicInteger();
        Set<String> healed = ConcurrentHashMap.newKeySet();
        e.addHandler(i -> {
            runs.incrementAndGet();
            if (i.payload().equals("refused")) {
                return Verdict.giveUp("the remote side refused the content");
            }
            return healed.contains(i.id()) ? Verdict.done() : Verdict.retry("remote down");
        }, props("t", WorkHandler.MAX_ATTEMPTS, 3));
        String id = submit(e, WorkRequest.of("t", "{}"));
        await("dead", () -> item(e, id).state() == WorkState.DEAD, 5000);
        assertEquals(3, item(e, id).attempts());
        assertTrue(item(e, id).lastError().contains("gave up after 3 attempts"), item(e, id).lastError());
        Thread.sleep(500);
        assertEquals(3, runs.get(), "a dead item does not run again by itself");

        healed.add(id);
        assertEquals(java.util.Optional.of(true), e.replay(id));
        await("replayed and done", () -> item(e, id).state() == WorkState.DONE, 3000);
        assertEquals(1, item(e, id).attempts());
        assertEquals(java.util.Optional.of(false), e.replay(id), "only a dead item is replayed");
        assertTrue(e.replay("no-such-id").isEmpty());

        String refused = submit(e, WorkRequest.of("t", "refused"));
        await("given up", () -> item(e, refused).state() == WorkState.DEAD, 3000);
        assertEquals(1, item(e, refused).attempts());
    }

    @Test
    void withoutAHandlerItemsWaitUncountedAndRunWhenOneRegisters() throws Exception {
        database();
        WorkEngine e = node();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(submit(e, WorkRequest.of("absent", "{}")));
        }
        Thread.sleep(1500); // a sweep or more
        for (String id : ids) {
            assertEquals(WorkState.PENDING, item(e, id).state());
            assertEquals(0, item(e, id).attempts(), "no attempt is counted without a handler");
        }
        AtomicInteger runs = new AtomicInteger();
        WorkHandler h = i -> {
            runs.incrementAndGet();
            return Verdict.done();
        };
        e.addHandler(h, props("absent"));
        await("all ran", () -> ids.stream().allMatch(id -> item(e, id).state() == WorkState.DONE), 3000);
        ids.forEach(id -> assertEquals(1, item(e, id).attempts()));
        assertEquals(5, runs.get());

        e.removeHandler(h, props("absent"));
        String later = submit(e, WorkRequest.of("absent", "{}"));
        Thread.sleep(700);
        assertEquals(WorkState.PENDING, item(e, later).state(), "the handler left: it waits again");
        e.addHandler(h, props("absent"));
        await("ran after the handler came back", () -> item(e, later).state() == WorkState.DONE, 3000);
    }

    @Test
    void orderedTopicsRunOneItemPerKeyAtATimeInSubmissionOrderAcrossNodes() throws Exception {
        database();
        config.consumers = 4;
        WorkEngine a = node();
        WorkEngine b = node();
        Map<String, List<Integer>> order = new ConcurrentHashMap<>();
        Set<String> busy = ConcurrentHashMap.newKeySet();
        AtomicInteger overlaps = new AtomicInteger();
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        WorkHandler h = i -> {
            if (!busy.add(i.key())) {
                overlaps.incrementAndGet();
            }
            try {
                Thread.sleep(2);
                int n = Integer.parseInt(i.payload());
                if (n % 7 == 3 && failedOnce.add(i.id())) {
                    return Verdict.retry("once", Duration.ofMillis(50)); // a retry holds its key's later items
                }
                order.computeIfAbsent(i.key(), k -> new CopyOnWriteArrayList<>()).add(n);
                return Verdict.done();
            } finally {
                busy.remove(i.key());
            }
        };
        a.addHandler(h, props("ordered", WorkHandler.ORDERED, true));
        b.addHandler(h, props("ordered", WorkHandler.ORDERED, "true"));
        int keys = 4;
        int perKey = 25;
        jdbi.useTransaction(tx -> {
            for (int n = 0; n < perKey; n++) {
                for (int k = 0; k < keys; k++) {
                    (n % 2 == 0 ? a : b).submit(tx, WorkRequest.of("ordered", String.valueOf(n)).withKey("k" + k));
                }
            }
        });
        await("all done", () -> order.values().stream().mapToInt(List::size).sum() == keys * perKey, 30_000);
        assertEquals(0, overlaps.get(), "two items of one key ran at once");
        List<Integer> expected = new ArrayList<>();
        for (int n = 0; n < perKey; n++) {
            expected.add(n);
        }
        for (int k = 0; k < keys; k++) {
            assertEquals(expected, order.get("k" + k), "key k" + k + " in submission order");
        }
    }

    @Test
    void parallelTopicsIgnoreKeys() throws Exception {
        database();
        WorkEngine e = node();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        e.addHandler(i -> {
            most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            Thread.sleep(100);
            concurrent.decrementAndGet();
            return Verdict.done();
        }, props("parallel"));
        List<String> ids = new ArrayList<>();
        for (int n = 0; n < 8; n++) {
            ids.add(submit(e, WorkRequest.of("parallel", "{}").withKey("same")));
        }
        await("done", () -> ids.stream().allMatch(id -> item(e, id).state() == WorkState.DONE), 5000);
        assertTrue(most.get() > 1, "items of one key ran in parallel on a parallel topic");
    }

    @Test
    void notBeforeIsHonoured() throws Exception {
        database();
        WorkEngine e = node();
        Map<String, Instant> ran = new ConcurrentHashMap<>();
        e.addHandler(i -> {
            ran.put(i.id(), Instant.now());
            return Verdict.done();
        }, props("later"));
        Instant due = Instant.now().plusMillis(1500);
        String id = submit(e, WorkRequest.of("later", "{}").notBefore(due));
        Thread.sleep(1000);
        assertFalse(ran.containsKey(id), "not before its time");
        await("ran", () -> ran.containsKey(id), 3000);
        assertFalse(ran.get(id).isBefore(due), ran.get(id) + " before " + due);
    }

    @Test
    void aPendingItemIsCancelledInTheCallersTransactionAndAnIdempotencyKeyDoesNotDouble() throws Exception {
        database();
        WorkEngine e = node();
        AtomicInteger runs = new AtomicInteger();
        e.addHandler(i -> {
            runs.incrementAndGet();
            return Verdict.done();
        }, props("reminder"));
        WorkRequest r = WorkRequest.of("reminder", "{}").notBefore(Instant.now().plusMillis(800))
                .withIdempotencyKey("visit-1/PT15M");
        String id = submit(e, r);
        assertEquals(id, submit(e, r), "the same idempotency key gives the first item");
        assertEquals(1, e.list("reminder", null, 10).size());
        // a cancel in a transaction that rolls back cancels nothing
        assertThrows(IllegalStateException.class, () -> jdbi.useTransaction(h -> {
            assertTrue(e.cancel(h, "reminder", "visit-1/PT15M"));
            throw new IllegalStateException("rollback");
        }));
        assertEquals(WorkState.PENDING, item(e, id).state());
        assertTrue((boolean) jdbi.inTransaction(h -> e.cancel(h, "reminder", "visit-1/PT15M")));
        assertFalse((boolean) jdbi.inTransaction(h -> e.cancel(h, "reminder", "visit-1/PT15M")), "cancelled already");
        Thread.sleep(1500);
        assertEquals(0, runs.get(), "a cancelled item does not run");
        assertEquals(WorkState.CANCELLED, item(e, id).state());

        String other = submit(e, WorkRequest.of("reminder", "{}").notBefore(Instant.now().plusSeconds(60)));
        assertTrue((boolean) jdbi.inTransaction(h -> e.cancelById(h, other)));
    }

    @Test
    void finishedItemsArePrunedAfterTheirTimeWhileOpenAndDeadOnesStayAndCountsReadOnlyThose() throws Exception {
        database();
        WorkEngine e = node();
        e.addHandler(i -> i.payload().equals("bad") ? Verdict.giveUp("refused") : Verdict.done(), props("t"));
        String done = submit(e, WorkRequest.of("t", "{}"));
        String dead = submit(e, WorkRequest.of("t", "bad"));
        String cancelled = submit(e, WorkRequest.of("later", "{}"));
        String waiting = submit(e, WorkRequest.of("later", "{}"));
        assertTrue((boolean) jdbi.inTransaction(h -> e.cancelById(h, cancelled)));
        await("done and dead", () -> item(e, done).state() == WorkState.DONE
                && item(e, dead).state() == WorkState.DEAD, 5000);
        assertEquals(0, e.prune(Instant.now().minusSeconds(60)), "nothing finished before the cut");
        assertEquals(4, e.find(List.of(done, dead, cancelled, waiting, "no-such")).size());

        assertEquals(2, e.prune(Instant.now().plusSeconds(1)), "the done and the cancelled item");
        Map<String, WorkItem> kept = e.find(List.of(done, dead, cancelled, waiting));
        assertEquals(Set.of(dead, waiting), kept.keySet(), "dead items wait for a replay, pending ones to run");
        assertTrue(e.counts().stream().noneMatch(c -> c.state() == WorkState.DONE
                || c.state() == WorkState.CANCELLED), "counts read open and dead items only");
        assertEquals(Set.of("t/dead", "later/pending"), e.counts().stream()
                .map(c -> c.topic() + "/" + c.state().value()).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void badRequestsAreRefusedNamingTheField() throws Exception {
        database();
        WorkEngine e = node();
        assertEquals("topic", assertThrows(InvalidException.class,
                () -> submit(e, WorkRequest.of("no spaces", "{}"))).field());
        assertEquals("payload", assertThrows(InvalidException.class,
                () -> submit(e, WorkRequest.of("t", "x".repeat(1001)))).field());
        assertEquals("key", assertThrows(InvalidException.class,
                () -> submit(e, WorkRequest.of("t", "{}").withKey("k".repeat(201)))).field());
        assertTrue(e.list(null, null, 10).isEmpty(), "nothing written");
    }

    @Test
    void aStaleClaimOfADeadNodeIsRevivedAndALongRunIsNot() throws Exception {
        database();
        WorkEngine e = node();
        AtomicInteger runs = new AtomicInteger();
        e.addHandler(i -> {
            runs.incrementAndGet();
            if (i.payload().equals("slow")) {
                Thread.sleep(3500); // longer than the 2 s lease: the heartbeat keeps it ours
            }
            return Verdict.done();
        }, props("t"));
        // a node claimed it and died: its claim is never renewed
        broker.lose.set(true);
        String id = submit(e, WorkRequest.of("t", "{}"));
        broker.lose.set(false);
        List<WorkItem> taken = new WorkStore(jdbi).claim("t", List.of(id), false, "dead-node", Instant.now());
        assertEquals(1, taken.size());
        await("revived and run", () -> item(e, id).state() == WorkState.DONE, 6000);
        assertEquals(2, item(e, id).attempts(), "the interrupted run counts");
        assertEquals(1, runs.get());

        String slow = submit(e, WorkRequest.of("t", "slow"));
        await("slow done", () -> item(e, slow).state() == WorkState.DONE, 8000);
        assertEquals(1, item(e, slow).attempts(), "a run renewed by its node's heartbeat is not revived");
        assertEquals(2, runs.get());
    }

    @Test
    void aLostWakeUpIsFoundByTheSweeper() throws Exception {
        database();
        config.lostAfterSeconds = 1;
        WorkEngine e = node();
        e.addHandler(i -> Verdict.done(), props("t"));
        broker.lose.set(true); // the broker was down at commit
        String id = submit(e, WorkRequest.of("t", "{}"));
        broker.lose.set(false);
        Thread.sleep(300);
        assertEquals(WorkState.PENDING, item(e, id).state());
        await("swept and run", () -> item(e, id).state() == WorkState.DONE, 5000);
    }

    @Test
    void twoNodesOnOneDatabaseRunEachItemOnceEvenWithDuplicateWakeUps() throws Exception {
        database();
        WorkEngine a = node();
        WorkEngine b = node();
        assertNotEquals(a.node(), b.node());
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        Map<String, Set<String>> byNode = new ConcurrentHashMap<>();
        for (WorkEngine n : List.of(a, b)) {
            n.addHandler(i -> {
                runs.computeIfAbsent(i.id(), k -> new AtomicInteger()).incrementAndGet();
                byNode.computeIfAbsent(n.node(), k -> ConcurrentHashMap.newKeySet()).add(i.id());
                Thread.sleep(1);
                return Verdict.done();
            }, props("shared"));
        }
        broker.duplicate.set(true);
        int count = 400;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i += 20) {
            ids.addAll(jdbi.inTransaction(h -> {
                List<String> batch = new ArrayList<>();
                for (int j = 0; j < 20; j++) {
                    batch.add(a.submit(h, WorkRequest.of("shared", "{}")));
                }
                return batch;
            }));
        }
        await("all done", () -> a.find(ids).values().stream().filter(i -> i.state() == WorkState.DONE)
                .count() == count, 30_000);
        Thread.sleep(500);
        assertEquals(count, runs.size());
        assertTrue(runs.values().stream().allMatch(n -> n.get() == 1), "an item ran twice");
        assertEquals(2, byNode.size(), "both nodes took work");
    }
}
