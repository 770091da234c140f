package org.telehub.work.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;
import org.telehub.work.WorkState;

/**
 * The {@code work_item} rows. Every change of state is one conditional UPDATE on the state it expects, so two
 * workers (or two nodes) never both own an item, and an outcome written by a node whose claim expired is refused.
 */
final class WorkStore {
    static final String PENDING = WorkState.PENDING.value();
    static final String RUNNING = WorkState.RUNNING.value();

    private static final String COLUMNS = "id, topic, item_key, payload, state, attempts, due_at, idempotency_key,"
            + " last_error, created_at, updated_at, finished_at";
    /**
     * On an ordered topic an item may run only as the head of its key: no other item of the key running, none
     * pending that was submitted before it.
     */
    private static final String HEAD = "(w.item_key IS NULL OR NOT (w.topic = ANY(:ordered)) OR NOT EXISTS ("
            + "SELECT 1 FROM work_item o WHERE o.topic = w.topic AND o.item_key = w.item_key AND o.id <> w.id"
            + " AND (o.state = 'running' OR (o.state = 'pending' AND o.seq < w.seq))))";

    private final Jdbi jdbi;

    WorkStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /** The outcome of one run, to be written. */
    record Outcome(String id, int attempts, WorkState state, Instant dueAt, String error) {
    }

    /** Inserts, or returns the id of the item the idempotency key names already (and false). */
    static Inserted insert(Handle h, WorkRequest r, Instant now) {
        String id = UUID.randomUUID().toString();
        Instant due = due(r, now);
        Optional<String> made = h.createQuery("INSERT INTO work_item (id, topic, item_key, payload, state, due_at,"
                + " idempotency_key, woken_at, created_at, updated_at) VALUES (:id, :topic, :key, :payload, 'pending',"
                + " :due, :idem, :now, :now, :now) ON CONFLICT (topic, idempotency_key) DO NOTHING RETURNING id")
                .bind("id", id).bind("topic", r.topic()).bind("key", r.key()).bind("payload", r.payload())
                .bind("due", ts(due)).bind("idem", r.idempotencyKey()).bind("now", ts(now))
                .mapTo(String.class).findOne();
        if (made.isPresent()) {
            return new Inserted(id, due, true);
        }
        return new Inserted(earlier(h, r), due, false);
    }

    /**
     * {@link #insert} for many in one statement (at most 1,000 at a time, within PostgreSQL's bind limit); the ids in
     * the order of the requests, an idempotency key used already (or twice among them) giving the earlier item's.
     */
    static List<Inserted> insertAll(Handle h, List<WorkRequest> requests, Instant now) {
        List<Inserted> out = new ArrayList<>(requests.size());
        for (int from = 0; from < requests.size(); from += 1000) {
            List<WorkRequest> part = requests.subList(from, Math.min(requests.size(), from + 1000));
            List<String> ids = new ArrayList<>(part.size());
            List<Instant> dues = new ArrayList<>(part.size());
            List<String> topics = new ArrayList<>(part.size());
            List<String> keys = new ArrayList<>(part.size());
            List<String> payloads = new ArrayList<>(part.size());
            List<String> dueTexts = new ArrayList<>(part.size());
            List<String> idems = new ArrayList<>(part.size());
            for (WorkRequest r : part) {
                Instant due = due(r, now);
                ids.add(UUID.randomUUID().toString());
                dues.add(due);
                topics.add(r.topic());
                keys.add(r.key());
                payloads.add(r.payload());
                dueTexts.add(due.toString());
                idems.add(r.idempotencyKey());
            }
            // one statement of fixed text (arrays): no per-size text for Jdbi to parse
            var q = h.createQuery("INSERT INTO work_item (id, topic, item_key, payload, state, due_at,"
                    + " idempotency_key, woken_at, created_at, updated_at) SELECT id, topic, k, payload, 'pending',"
                    + " due::timestamptz, idem, :now, :now, :now"
                    + " FROM unnest(:ids, :topics, :keys, :payloads, :dues, :idems)"
                    + " AS t(id, topic, k, payload, due, idem) ON CONFLICT (topic, idempotency_key) DO NOTHING"
                    + " RETURNING id").bind("now", ts(now)).bindArray("ids", String.class, ids)
                    .bindArray("topics", String.class, topics).bindArray("keys", String.class, keys)
                    .bindArray("payloads", String.class, payloads).bindArray("dues", String.class, dueTexts)
                    .bindArray("idems", String.class, idems);
            java.util.Set<String> made = new java.util.HashSet<>(q.mapTo(String.class).list());
            for (int i = 0; i < part.size(); i++) {
                WorkRequest r = part.get(i);
                out.add(made.contains(ids.get(i)) ? new Inserted(ids.get(i), dues.get(i), true)
                        : new Inserted(earlier(h, r), dues.get(i), false));
            }
        }
        return out;
    }

    /** When a new item is due, in milliseconds as brokers schedule: a wake-up fired at its due millisecond finds it. */
    private static Instant due(WorkRequest r, Instant now) {
        return (r.notBefore() == null ? now : r.notBefore()).truncatedTo(ChronoUnit.MILLIS);
    }

    /** The item that already holds {@code r}'s idempotency key on its topic. */
    private static String earlier(Handle h, WorkRequest r) {
        return h.createQuery("SELECT id FROM work_item WHERE topic = :t AND idempotency_key = :k")
                .bind("t", r.topic()).bind("k", r.idempotencyKey()).mapTo(String.class).one();
    }

    record Inserted(String id, Instant due, boolean created) {
    }

    /** Pending → cancelled; returns the item's topic and key if it was pending. */
    static Optional<String[]> cancel(Handle h, String where, String a, String b, Instant now) {
        return h.createQuery("UPDATE work_item SET state = 'cancelled', updated_at = :now, finished_at = :now"
                + " WHERE " + where + " AND state = 'pending' RETURNING topic, item_key")
                .bind("a", a).bind("b", b).bind("now", ts(now))
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)}).findOne();
    }

    /**
     * Claims those of {@code ids} that are pending, due and (on an ordered topic) the head of their key; counts the
     * attempt. One statement: a row another worker claimed first is skipped, never run twice.
     */
    List<WorkItem> claim(String topic, Collection<String> ids, boolean ordered, String node, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("UPDATE work_item w SET state = 'running', attempts = attempts + 1,"
                + " claimed_by = :node, claimed_at = :now, updated_at = :now WHERE w.id = ANY(:ids) AND w.topic = :topic"
                + " AND w.state = 'pending' AND w.due_at <= :now AND " + HEAD + " RETURNING " + columns("w"))
                .bind("node", node).bind("now", ts(now)).bindArray("ids", String.class, ids).bind("topic", topic)
                .bindArray("ordered", String.class, ordered ? List.of(topic) : List.of())
                .map((rs, ctx) -> item(rs)).list());
    }

    /**
     * Writes outcomes in one transaction, each only if this node's claim of that attempt still holds; returns the
     * ids written.
     */
    List<String> finish(List<Outcome> outcomes, String node, Instant now) {
        if (outcomes.isEmpty()) {
            return List.of();
        }
        return jdbi.inTransaction(h -> {
            PreparedBatch b = h.prepareBatch("UPDATE work_item SET state = :state, due_at = :due, last_error = :err,"
                    + " claimed_by = NULL, claimed_at = NULL, woken_at = :now, updated_at = :now, finished_at = :fin"
                    + " WHERE id = :id AND state = 'running' AND claimed_by = :node AND attempts = :attempts");
            for (Outcome o : outcomes) {
                boolean end = o.state() != WorkState.PENDING;
                b.bind("state", o.state().value()).bind("due", ts(o.dueAt() == null ? now : o.dueAt()))
                        .bind("err", truncate(o.error())).bind("now", ts(now)).bind("fin", end ? ts(now) : null)
                        .bind("id", o.id()).bind("node", node).bind("attempts", o.attempts()).add();
            }
            int[] counts = b.execute();
            List<String> written = new ArrayList<>();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 1) {
                    written.add(outcomes.get(i).id());
                }
            }
            return written;
        });
    }

    /**
     * Those of {@code ids} still pending but not due yet: their wake-up came early (clocks of nodes and broker
     * differ), so it is scheduled again for their due time rather than dropped.
     */
    List<Wakeable> early(String topic, Collection<String> ids, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, due_at FROM work_item WHERE id = ANY(:ids)"
                + " AND topic = :t AND state = 'pending' AND due_at > :now").bindArray("ids", String.class, ids)
                .bind("t", topic).bind("now", ts(now))
                .map((rs, ctx) -> new Wakeable(rs.getString(1), topic, instant(rs, "due_at"), PENDING)).list());
    }

    /** The next runnable item of each key (after its head finished or was cancelled): id and due time. */
    static List<Wakeable> heads(Handle h, String topic, Collection<String> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        return h.createQuery("SELECT DISTINCT ON (item_key) id, due_at, state FROM work_item WHERE topic = :t"
                + " AND item_key = ANY(:keys) AND state IN ('pending', 'running') ORDER BY item_key, seq")
                .bind("t", topic).bindArray("keys", String.class, keys)
                .map((rs, ctx) -> new Wakeable(rs.getString(1), topic, instant(rs, "due_at"), rs.getString(3)))
                .list().stream().filter(w -> w.state().equals(PENDING)).toList();
    }

    List<Wakeable> heads(String topic, Collection<String> keys) {
        return jdbi.withHandle(h -> heads(h, topic, keys));
    }

    /** An item to wake: id, topic, when. */
    record Wakeable(String id, String topic, Instant due, String state) {
    }

    /** Keeps this node's running items claimed (heartbeat). */
    void renew(Collection<String> ids, String node, Instant now) {
        if (!ids.isEmpty()) {
            jdbi.useHandle(h -> h.createUpdate("UPDATE work_item SET claimed_at = :now WHERE id = ANY(:ids)"
                    + " AND state = 'running' AND claimed_by = :node").bind("now", ts(now))
                    .bindArray("ids", String.class, ids).bind("node", node).execute());
        }
    }

    /**
     * Items claimed before {@code leaseBefore} whose node stopped heartbeating (it died mid-item) become pending
     * again, due now; returns them to wake. Two sweepers never revive one item ({@code SKIP LOCKED}).
     */
    List<Wakeable> reviveStale(Instant leaseBefore, Instant now, int limit) {
        return jdbi.withHandle(h -> h.createQuery("UPDATE work_item SET state = 'pending', due_at = :now,"
                + " woken_at = :now, updated_at = :now, claimed_by = NULL, claimed_at = NULL,"
                + " last_error = 'claim expired: the node running it stopped; run again' WHERE id IN ("
                + "SELECT id FROM work_item WHERE state = 'running' AND claimed_at < :lease ORDER BY claimed_at"
                + " LIMIT :limit FOR UPDATE SKIP LOCKED) AND state = 'running' RETURNING id, topic, due_at")
                .bind("now", ts(now)).bind("lease", ts(leaseBefore)).bind("limit", limit)
                .map((rs, ctx) -> new Wakeable(rs.getString(1), rs.getString(2), now, PENDING)).list());
    }

    /**
     * Due items of {@code topics} that should have run by {@code lostBefore} and were not woken since (their message
     * was lost); marks them woken now and returns them. {@code lostBefore} null: every due one (a handler just came).
     */
    List<Wakeable> lost(Collection<String> topics, Collection<String> ordered, Instant lostBefore, Instant now,
            int limit) {
        if (topics.isEmpty()) {
            return List.of();
        }
        Instant cut = lostBefore == null ? now : lostBefore;
        return jdbi.withHandle(h -> h.createQuery("UPDATE work_item SET woken_at = :now WHERE id IN ("
                + "SELECT w.id FROM work_item w WHERE w.topic = ANY(:topics) AND w.state = 'pending'"
                + " AND w.due_at <= :cut" + (lostBefore == null ? "" : " AND w.woken_at <= :cut") + " AND " + HEAD
                + " ORDER BY w.due_at LIMIT :limit FOR UPDATE SKIP LOCKED) AND state = 'pending'"
                + " RETURNING id, topic, due_at")
                .bind("now", ts(now)).bind("cut", ts(cut)).bind("limit", limit)
                .bindArray("topics", String.class, topics).bindArray("ordered", String.class, ordered)
                .map((rs, ctx) -> new Wakeable(rs.getString(1), rs.getString(2), instant(rs, "due_at"), PENDING))
                .list());
    }

    Optional<WorkItem> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM work_item WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> item(rs)).findOne());
    }

    List<WorkItem> find(Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM work_item WHERE id = ANY(:ids)")
                .bindArray("ids", String.class, ids).map((rs, ctx) -> item(rs)).list());
    }

    List<WorkItem> list(String topic, WorkState state, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM work_item WHERE (:topic IS NULL OR"
                + " topic = :topic) AND (:state IS NULL OR state = :state) ORDER BY created_at DESC, seq DESC LIMIT"
                + " :limit").bind("topic", topic).bind("state", state == null ? null : state.value())
                .bind("limit", limit).map((rs, ctx) -> item(rs)).list());
    }

    /** Dead → pending, attempts 0, due now; the topic and key if it was dead. */
    Optional<WorkItem> replay(String id, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("UPDATE work_item SET state = 'pending', attempts = 0, due_at = :now,"
                + " woken_at = :now, updated_at = :now, finished_at = NULL, last_error = NULL WHERE id = :id"
                + " AND state = 'dead' RETURNING " + COLUMNS).bind("id", id).bind("now", ts(now))
                .map((rs, ctx) -> item(rs)).findOne());
    }

    /**
     * Deletes up to {@code limit} done or cancelled items finished before {@code cut}; returns how many. Two nodes
     * pruning at once take different rows ({@code SKIP LOCKED}).
     */
    int prune(Instant cut, int limit) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM work_item WHERE id IN (SELECT id FROM work_item"
                + " WHERE state IN ('done', 'cancelled') AND finished_at < :cut ORDER BY finished_at LIMIT :limit"
                + " FOR UPDATE SKIP LOCKED)").bind("cut", ts(cut)).bind("limit", limit).execute());
    }

    /** Open and dead items only: finished ones are pruned, so counting them would scan a table's history. */
    List<WorkService.Count> counts() {
        return jdbi.withHandle(h -> h.createQuery("SELECT topic, state, COUNT(*),"
                + " MIN(CASE WHEN state = 'pending' THEN due_at ELSE updated_at END) AS oldest FROM work_item"
                + " WHERE state IN ('pending', 'running', 'dead') GROUP BY topic, state ORDER BY 1, 2")
                .map((rs, ctx) -> new WorkService.Count(rs.getString(1), WorkState.of(rs.getString(2)),
                        rs.getLong(3), instant(rs, "oldest")))
                .list());
    }

    private static String columns(String alias) {
        return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
    }

    private static WorkItem item(ResultSet rs) throws SQLException {
        return new WorkItem(rs.getString("id"), rs.getString("topic"), rs.getString("item_key"),
                rs.getString("payload"), WorkState.of(rs.getString("state")), rs.getInt("attempts"),
                instant(rs, "due_at"), rs.getString("idempotency_key"), rs.getString("last_error"),
                instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "finished_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 1000 ? s : s.substring(0, 997) + "...";
    }
}
