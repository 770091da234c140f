package org.telehub.work;

import java.time.Instant;

/**
 * A work item as stored.
 *
 * @param id stable for the item's life; a good idempotency key for the remote side of a handler
 * @param attempts runs started so far, this one included while {@code running}; a run cut short by a crash counts
 * @param dueAt when a pending item may run next (its {@code notBefore}, or its retry time)
 * @param lastError the reason of the last retry or of giving up, or why it waits
 */
public record WorkItem(String id, String topic, String key, String payload, WorkState state, int attempts,
        Instant dueAt, String idempotencyKey, String lastError, Instant createdAt, Instant updatedAt,
        Instant finishedAt) {
}
