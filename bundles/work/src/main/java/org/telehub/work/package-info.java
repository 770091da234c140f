/**
 * Durable work, one mechanism for the whole hub (deliveries, reminders, webhooks, and what comes next), and the
 * shared thread pools.
 *
 * <p>Why one exported service instead of a queue per bundle: the guarantees (the row is the truth, written in the
 * caller's transaction; a persistent broker message only wakes it; a claim is one conditional update, so one node
 * runs an item once at a time; stale claims and lost wake-ups are revived; a topic without a handler waits without
 * spending attempts) are subtle enough that two copies of them drifted apart. A bundle now submits
 * {@link org.telehub.work.WorkRequest}s through {@link org.telehub.work.WorkService} and registers a
 * {@link org.telehub.work.WorkHandler} for its topic; policy (parallel or ordered per key, attempts, backoff) is
 * configuration of the topic. At-least-once: a handler must tolerate a second run of an item whose first run's
 * outcome was lost (pass {@link org.telehub.work.WorkItem#id()} to the remote side as its idempotency key).
 *
 * <p>{@link org.telehub.work.TelehubExecutors} gives bounded, named pools, so domain bundles start no threads.
 *
 * <p>1.2: {@code WorkService.submitAll}, many items in one statement.
 */
@Version("1.2.0")
package org.telehub.work;

import org.osgi.annotation.versioning.Version;
