package org.telehub.work;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Durable work. Submitting writes the item in the caller's own transaction (an outbox): if that transaction rolls
 * back, nothing runs; once it commits, a persistent broker message wakes the topic's handler on some node. Should
 * the message be lost (the broker was down, the node stopped between the two commits), a sweeper on a node with the
 * handler finds the row and wakes it again: the row is the truth, the message only says "look now".
 */
@ProviderType
public interface WorkService {

    /**
     * Adds an item in {@code tx}'s transaction and wakes it after the commit (at once if {@code tx} is in no
     * transaction).
     *
     * @return the item's id; with an idempotency key already used on the topic, the earlier item's id (nothing new
     *         is written or woken)
     * @throws org.telehub.domain.InvalidException naming the field: a bad topic, a payload over the size limit, a
     *             key or idempotency key over 200 characters
     */
    String submit(Handle tx, WorkRequest request);

    /**
     * As {@link #submit} for each request, in one statement and one wake-up message: for callers that take many
     * items at once (the HL7 v2 listener's group commit, where one INSERT per item was the cost). This default
     * submits them one by one.
     *
     * @return the items' ids, in the order of the requests
     * @since 1.2
     */
    default java.util.List<String> submitAll(Handle tx, java.util.List<WorkRequest> requests) {
        return requests.stream().map(r -> submit(tx, r)).toList();
    }

    /**
     * Withdraws a pending item in {@code tx}'s transaction (e.g. a reminder of a visit being rescheduled).
     *
     * @return true if it was pending and is now {@code cancelled}; false if unknown, running or finished
     */
    boolean cancel(Handle tx, String topic, String idempotencyKey);

    /** As {@link #cancel(Handle, String, String)}, by item id. */
    boolean cancelById(Handle tx, String id);

    /**
     * An item while it is kept: pending, running and dead ones always; done and cancelled ones for the
     * configured {@code keepFinishedHours} (72) after they finished, then they are deleted. An owner that shows
     * what became of its work keeps that on its own rows (e.g. when it was sent) and reads an absent item as
     * finished.
     */
    Optional<WorkItem> find(String id);

    /**
     * Those of {@code ids} that are kept (see {@link #find(String)}), by id: one read for a page of an owner's rows.
     *
     * @since 1.1
     */
    java.util.Map<String, WorkItem> find(java.util.Collection<String> ids);

    /** Newest first; {@code state} null for every state. */
    List<WorkItem> list(String topic, WorkState state, int limit);

    /**
     * A dead item starts over: pending, attempts 0, due now, woken.
     *
     * @return empty if there is no such item; false if it is not dead
     */
    Optional<Boolean> replay(String id);

    /**
     * Items per topic and state, for metrics and admin views; one grouped query over the pending, running and dead
     * items (finished ones are not counted: they are deleted after a while, see {@link #find(String)}).
     */
    List<Count> counts();

    /**
     * @param oldest for {@code pending}: the earliest due time (how long the oldest due item has waited); otherwise
     *            the earliest last change
     */
    record Count(String topic, WorkState state, long count, Instant oldest) {
    }
}
