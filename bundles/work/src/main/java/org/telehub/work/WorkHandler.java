package org.telehub.work;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Runs the items of one topic. Register it as a service with {@link #TOPIC}{@code =<topic>}; the work service
 * starts consuming that topic on this node when the first handler for it appears and stops when it leaves. While
 * no node has a handler for a topic its items wait, no attempt counted (an adapter being updated), and they run
 * at once when one registers.
 *
 * <p>The other properties below are the handler's suggested policy for its topic; a factory configuration
 * {@code org.telehub.work.topic} for the topic overrides them, and where neither says, the service's defaults apply.
 *
 * <p>Runs are at-least-once: a node that dies mid-item, or an outcome lost with the database, means a second run
 * after the claim's lease. Use {@link WorkItem#id()} as the idempotency key towards the remote side.
 */
@ConsumerType
public interface WorkHandler {
    /** Service property (String, required): the topic this handler runs. */
    String TOPIC = "telehub.work.topic";
    /** Service property (Integer): items of the topic run in parallel on this node. */
    String CONSUMERS = "telehub.work.consumers";
    /** Service property (Boolean): items with the same key run one at a time, in submission order. */
    String ORDERED = "telehub.work.ordered";
    /** Service property (Integer): runs before an item is dead. */
    String MAX_ATTEMPTS = "telehub.work.maxAttempts";
    /** Service property (Long): first retry delay in ms; doubles with each attempt. */
    String BACKOFF_INITIAL_MILLIS = "telehub.work.backoffInitialMillis";
    /** Service property (Long): longest retry delay in ms. */
    String BACKOFF_MAX_MILLIS = "telehub.work.backoffMaxMillis";
    /** Service property (Double, 0..1): share of a retry delay that is random (spreads a herd of retries). */
    String JITTER = "telehub.work.jitter";

    /**
     * Runs one item; called on one of the topic's pool threads, never twice at once for one item. An exception is a
     * {@link Verdict#retry(String)} with the exception as reason. Should return within the service's claim lease
     * (configuration {@code leaseSeconds}); a run still going is kept claimed by this node's heartbeat.
     */
    Verdict handle(WorkItem item) throws Exception;
}
