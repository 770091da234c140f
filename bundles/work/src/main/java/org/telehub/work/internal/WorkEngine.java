package org.telehub.work.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.InvalidException;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;
import org.telehub.work.WorkState;

/**
 * The work service of one node: submits rows, runs the topics it has handlers for, and sweeps. Free of OSGi, so
 * tests run two of them ("two nodes") on one database.
 */
final class WorkEngine implements WorkService {
    static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Logger LOG = LoggerFactory.getLogger(WorkEngine.class);
    /** Most items one sweep wakes per kind of recovery. */
    private static final int SWEEP_LIMIT = 1000;
    /** Finished items deleted per statement, and statements per pruning round (one round a minute at most). */
    static final int PRUNE_BATCH = 5000;
    private static final int PRUNE_ROUNDS = 20;
    private volatile Instant nextPrune = Instant.EPOCH;

    private final WorkStore store;
    private final Transport transport;
    private final WorkConfig config;
    /** (pool name, size) → a pool; pools of a topic are shut down when its consumers stop. */
    private final BiFunction<String, Integer, ExecutorService> pools;
    private final String node = UUID.randomUUID().toString();
    /** Handlers registered here, per topic; the first one runs the topic. */
    private final Map<String, List<Registered>> handlers = new ConcurrentHashMap<>();
    private final Map<String, TopicConfig> configs = new ConcurrentHashMap<>();
    /** Topics consumed on this node. */
    private final Map<String, Running> topics = new ConcurrentHashMap<>();
    /** Items being run on this node: their claims are renewed by the sweeper (heartbeat). */
    private final Set<String> inHand = ConcurrentHashMap.newKeySet();

    record Registered(WorkHandler handler, Map<String, ?> properties) {
    }

    /** A consumed topic: its receivers ({@code pool}) hand claimed items to {@code runners}, its parallelism. */
    private record Running(WorkHandler handler, TopicPolicy policy, AutoCloseable consumers, ExecutorService pool,
            ExecutorService runners) {
    }

    WorkEngine(WorkStore store, Transport transport, WorkConfig config,
            BiFunction<String, Integer, ExecutorService> pools) {
        this.store = store;
        this.transport = transport;
        this.config = config;
        this.pools = pools;
    }

    String node() {
        return node;
    }

    // ---- handlers and topic configuration

    void addHandler(WorkHandler h, Map<String, ?> properties) {
        Object topic = properties.get(WorkHandler.TOPIC);
        if (topic == null || !TOPIC.matcher(topic.toString()).matches()) {
            LOG.error("Ignoring a work handler with {}={}: 1 to 100 of [A-Za-z0-9._-] required", WorkHandler.TOPIC,
                    topic);
            return;
        }
        List<Registered> list = handlers.computeIfAbsent(topic.toString(), t -> new CopyOnWriteArrayList<>());
        list.add(new Registered(h, properties));
        if (list.size() > 1) {
            LOG.warn("Two handlers for work topic '{}': the first registered runs it", topic);
        }
        restart(topic.toString());
    }

    void removeHandler(WorkHandler h, Map<String, ?> properties) {
        String topic = String.valueOf(properties.get(WorkHandler.TOPIC));
        List<Registered> list = handlers.get(topic);
        if (list != null && list.removeIf(r -> r.handler() == h)) {
            restart(topic);
        }
    }

    void setConfig(TopicConfig c) {
        configs.put(c.topic(), c);
        restart(c.topic());
    }

    void removeConfig(TopicConfig c) {
        if (configs.remove(c.topic(), c)) {
            restart(c.topic());
        }
    }

    /** (Re)starts or stops the consumers of a topic; a handler that (re)appears wakes every due item at once. */
    private synchronized void restart(String topic) {
        stop(topics.remove(topic));
        List<Registered> list = handlers.getOrDefault(topic, List.of());
        if (list.isEmpty()) {
            return;
        }
        Registered r = list.get(0);
        TopicPolicy policy = TopicPolicy.of(configs.get(topic), r.properties(), config);
        ExecutorService pool = pools.apply("work-" + topic, policy.consumers());
        ExecutorService runners = pools.apply("work-" + topic + "-run", policy.consumers());
        AutoCloseable consumers = transport.consume(topic, policy.consumers(), policy.batch(), this::receive, pool);
        topics.put(topic, new Running(r.handler(), policy, consumers, pool, runners));
        try {
            List<WorkStore.Wakeable> due = store.lost(List.of(topic), policy.ordered() ? List.of(topic) : List.of(),
                    null, Instant.now(), 10 * SWEEP_LIMIT);
            if (!due.isEmpty()) {
                LOG.info("Work topic '{}' has a handler: {} waiting item(s) run now", topic, due.size());
                transport.send(due.stream().map(w -> new Transport.Wake(topic, w.id(), null)).toList());
            }
        } catch (RuntimeException e) {
            LOG.warn("Waking the items of '{}' failed ({}); the sweeper will", topic, e.getMessage());
        }
    }

    private static void stop(Running r) {
        if (r == null) {
            return;
        }
        try {
            r.consumers().close();
        } catch (Exception e) {
            LOG.debug("stopping consumers", e);
        }
        // no interrupt: items in hand finish and write their outcome (a topic reconfigured mid-run loses nothing)
        r.pool().shutdown();
        r.runners().shutdown();
    }

    void close() {
        topics.keySet().forEach(t -> stop(topics.remove(t)));
    }

    // ---- running

    /** A wake-up arrived: claim what is runnable, run it, write the outcomes; returns the wake-ups that follow. */
    List<Transport.Wake> receive(String topic, List<String> ids) {
        Running t = topics.get(topic);
        if (t == null || ids.isEmpty()) {
            return List.of(); // no handler here (any more): nothing claimed, no attempt counted
        }
        Instant claimedAt = Instant.now();
        Set<String> asked = new LinkedHashSet<>(ids);
        List<WorkItem> claimed = store.claim(topic, asked, t.policy().ordered(), node, claimedAt);
        List<Transport.Wake> next = new ArrayList<>();
        if (claimed.size() < asked.size()) {
            claimed.forEach(i -> asked.remove(i.id()));
            store.early(topic, asked, claimedAt).forEach(w -> next.add(new Transport.Wake(topic, w.id(), w.due())));
        }
        if (claimed.isEmpty()) {
            return next;
        }
        List<WorkStore.Outcome> outcomes = runAll(t, claimed);
        Instant now = Instant.now();
        Set<String> written = Set.copyOf(store.finish(outcomes, node, now));
        Set<String> keys = new LinkedHashSet<>();
        for (int i = 0; i < claimed.size(); i++) {
            WorkStore.Outcome o = outcomes.get(i);
            if (!written.contains(o.id())) {
                LOG.warn("Work item {} of '{}': outcome not written, its claim expired meanwhile", o.id(), topic);
                continue;
            }
            if (o.state() == WorkState.PENDING) {
                next.add(new Transport.Wake(topic, o.id(), o.dueAt()));
            } else if (t.policy().ordered() && claimed.get(i).key() != null) {
                keys.add(claimed.get(i).key());
            }
        }
        if (!keys.isEmpty()) {
            store.heads(topic, keys).forEach(w -> next.add(new Transport.Wake(topic, w.id(), w.due())));
        }
        return next;
    }

    /** Runs a claimed batch on the topic's runners, so one consumer's batch does not serialise the topic. */
    private List<WorkStore.Outcome> runAll(Running t, List<WorkItem> claimed) {
        if (claimed.size() == 1) {
            return List.of(runHeld(t, claimed.get(0)));
        }
        List<Future<WorkStore.Outcome>> futures = new ArrayList<>();
        for (WorkItem item : claimed) {
            futures.add(t.runners().submit(() -> runHeld(t, item)));
        }
        List<WorkStore.Outcome> out = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            try {
                out.add(futures.get(i).get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("stopped while running work", e);
            } catch (ExecutionException e) {
                out.add(new WorkStore.Outcome(claimed.get(i).id(), claimed.get(i).attempts(), WorkState.PENDING,
                        Instant.now().plusMillis(t.policy().backoffMillis(claimed.get(i).attempts())),
                        "failed to run: " + e.getCause()));
            }
        }
        return out;
    }

    private WorkStore.Outcome runHeld(Running t, WorkItem item) {
        inHand.add(item.id());
        try {
            return run(t, item);
        } finally {
            inHand.remove(item.id());
        }
    }

    private WorkStore.Outcome run(Running t, WorkItem item) {
        TopicPolicy p = t.policy();
        if (item.attempts() > p.maxAttempts()) {
            // runs were cut short (the node died each time): do not start another
            return new WorkStore.Outcome(item.id(), item.attempts(), WorkState.DEAD, null,
                    "dead: " + p.maxAttempts() + " attempts spent; the last runs were interrupted"
                            + (item.lastError() == null ? "" : " (" + item.lastError() + ")"));
        }
        Verdict v;
        try {
            v = t.handler().handle(item);
            if (v == null) {
                v = Verdict.retry("the handler returned no verdict");
            }
        } catch (Exception | LinkageError e) {
            v = Verdict.retry(e.getClass().getSimpleName() + ": " + e.getMessage());
            LOG.debug("work item {} of '{}' failed", item.id(), item.topic(), e);
        }
        return switch (v.outcome()) {
            case DONE -> new WorkStore.Outcome(item.id(), item.attempts(), WorkState.DONE, null, null);
            case GIVE_UP -> new WorkStore.Outcome(item.id(), item.attempts(), WorkState.DEAD, null,
                    "gave up: " + v.reason());
            case RETRY -> {
                if (item.attempts() >= p.maxAttempts()) {
                    LOG.warn("Work item {} of '{}' is dead after {} attempts: {}", item.id(), item.topic(),
                            item.attempts(), v.reason());
                    yield new WorkStore.Outcome(item.id(), item.attempts(), WorkState.DEAD, null,
                            v.reason() + " (gave up after " + item.attempts() + " attempts)");
                }
                long delay = v.delay() != null ? v.delay().toMillis() : p.backoffMillis(item.attempts());
                yield new WorkStore.Outcome(item.id(), item.attempts(), WorkState.PENDING,
                        Instant.now().plusMillis(delay).truncatedTo(ChronoUnit.MILLIS), v.reason());
            }
        };
    }

    /** Renews this node's claims, revives stale ones, wakes the lost; runs on the sweeper's thread. */
    void sweep() {
        try {
            Instant now = Instant.now();
            store.renew(Set.copyOf(inHand), node, now);
            List<Transport.Wake> wakes = new ArrayList<>();
            for (WorkStore.Wakeable w : store.reviveStale(now.minusSeconds(config.leaseSeconds()), now, SWEEP_LIMIT)) {
                wakes.add(new Transport.Wake(w.topic(), w.id(), null));
            }
            if (!wakes.isEmpty()) {
                LOG.warn("Revived {} work item(s) whose node stopped while running them", wakes.size());
            }
            List<String> local = List.copyOf(topics.keySet());
            List<String> ordered = topics.entrySet().stream().filter(e -> e.getValue().policy().ordered())
                    .map(Map.Entry::getKey).toList();
            List<WorkStore.Wakeable> lost = store.lost(local, ordered,
                    now.minusSeconds(config.lostAfterSeconds()), now, SWEEP_LIMIT);
            if (!lost.isEmpty()) {
                LOG.info("Waking {} work item(s) whose wake-up was lost", lost.size());
                lost.forEach(w -> wakes.add(new Transport.Wake(w.topic(), w.id(), null)));
            }
            transport.send(wakes);
            if (!now.isBefore(nextPrune)) {
                nextPrune = now.plusSeconds(60);
                prune(now.minus(java.time.Duration.ofHours(config.keepFinishedHours())));
            }
        } catch (RuntimeException e) {
            LOG.warn("Work sweep failed ({}); next one in {} s", e.getMessage(), config.sweepSeconds());
        }
    }

    /** Deletes finished items older than {@code cut}, in bounded statements; returns how many. */
    int prune(Instant cut) {
        int total = 0;
        for (int i = 0; i < PRUNE_ROUNDS; i++) {
            int n = store.prune(cut, PRUNE_BATCH);
            total += n;
            if (n < PRUNE_BATCH) {
                break;
            }
        }
        if (total > 0) {
            LOG.info("Deleted {} finished work item(s) older than {}", total, cut);
        }
        return total;
    }

    // ---- the service

    @Override
    public String submit(Handle tx, WorkRequest r) {
        validate(r);
        WorkStore.Inserted in = WorkStore.insert(tx, r, Instant.now());
        if (in.created()) {
            List<Transport.Wake> wake = List.of(new Transport.Wake(r.topic(), in.id(), in.due()));
            afterCommit(tx, () -> transport.send(wake));
        }
        return in.id();
    }

    /** {@link #submit} for many: one INSERT, one wake-up for the new ones after the commit. */
    public List<String> submitAll(Handle tx, List<WorkRequest> requests) {
        if (requests.isEmpty()) {
            return List.of();
        }
        requests.forEach(this::validate);
        List<WorkStore.Inserted> in = WorkStore.insertAll(tx, requests, Instant.now());
        List<Transport.Wake> wake = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            if (in.get(i).created()) {
                wake.add(new Transport.Wake(requests.get(i).topic(), in.get(i).id(), in.get(i).due()));
            }
        }
        if (!wake.isEmpty()) {
            afterCommit(tx, () -> transport.send(wake));
        }
        return in.stream().map(WorkStore.Inserted::id).toList();
    }

    private void validate(WorkRequest r) {
        if (r == null) {
            throw new InvalidException("request", "a work request is required");
        }
        if (r.topic() == null || !TOPIC.matcher(r.topic()).matches()) {
            throw new InvalidException("topic", "1 to 100 of [A-Za-z0-9._-]");
        }
        if (r.payload() == null) {
            throw new InvalidException("payload", "required (may be empty)");
        }
        if (r.payload().length() > config.maxPayloadChars()) {
            throw new InvalidException("payload", r.payload().length() + " characters; at most "
                    + config.maxPayloadChars() + ": store a reference to large data, not the data");
        }
        if (r.key() != null && (r.key().isEmpty() || r.key().length() > 200)) {
            throw new InvalidException("key", "1 to 200 characters");
        }
        if (r.idempotencyKey() != null && (r.idempotencyKey().isEmpty() || r.idempotencyKey().length() > 200)) {
            throw new InvalidException("idempotencyKey", "1 to 200 characters");
        }
    }

    private static void afterCommit(Handle tx, Runnable r) {
        if (tx.isInTransaction()) {
            tx.afterCommit(r);
        } else {
            r.run();
        }
    }

    @Override
    public boolean cancel(Handle tx, String topic, String idempotencyKey) {
        return cancelled(tx, WorkStore.cancel(tx, "topic = :a AND idempotency_key = :b", topic, idempotencyKey,
                Instant.now()));
    }

    @Override
    public boolean cancelById(Handle tx, String id) {
        return cancelled(tx, WorkStore.cancel(tx, "id = :a AND :b IS NULL", id, null, Instant.now()));
    }

    /** A cancelled head of a key lets the next item of the key run: wake it after the commit. */
    private boolean cancelled(Handle tx, Optional<String[]> topicAndKey) {
        topicAndKey.filter(tk -> tk[1] != null).ifPresent(tk -> afterCommit(tx, () -> {
            try {
                transport.send(store.heads(tk[0], List.of(tk[1])).stream()
                        .map(w -> new Transport.Wake(tk[0], w.id(), w.due())).toList());
            } catch (RuntimeException e) {
                LOG.warn("Waking the next item of a key failed ({}); the sweeper will", e.getMessage());
            }
        }));
        return topicAndKey.isPresent();
    }

    @Override
    public Optional<WorkItem> find(String id) {
        return store.find(id);
    }

    @Override
    public Map<String, WorkItem> find(java.util.Collection<String> ids) {
        Map<String, WorkItem> out = new java.util.LinkedHashMap<>();
        List<String> all = List.copyOf(new LinkedHashSet<>(ids));
        for (int i = 0; i < all.size(); i += 1000) {
            store.find(all.subList(i, Math.min(all.size(), i + 1000))).forEach(w -> out.put(w.id(), w));
        }
        return out;
    }

    @Override
    public List<WorkItem> list(String topic, WorkState state, int limit) {
        return store.list(topic, state, Math.max(1, Math.min(limit, 1000)));
    }

    @Override
    public Optional<Boolean> replay(String id) {
        if (store.find(id).isEmpty()) {
            return Optional.empty();
        }
        Optional<WorkItem> again = store.replay(id, Instant.now());
        again.ifPresent(i -> transport.send(List.of(new Transport.Wake(i.topic(), i.id(), null))));
        return Optional.of(again.isPresent());
    }

    @Override
    public List<Count> counts() {
        return store.counts();
    }

    /** For tests: a topic's policy as resolved now. */
    Optional<TopicPolicy> policy(String topic) {
        return Optional.ofNullable(topics.get(topic)).map(Running::policy);
    }
}
