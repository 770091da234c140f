package org.telehub.work;

import java.time.Instant;

/**
 * One piece of work to submit.
 *
 * @param topic what kind of work, and so which {@link WorkHandler} runs it: 1 to 100 of {@code [A-Za-z0-9._-]},
 *            e.g. {@code encounter.reminder} or {@code integration.delivery.orthanc-main}
 * @param key optional; on a topic configured as ordered, items with the same key run one at a time, in submission
 *            order (the next waits while an earlier one is pending, even for a retry); ignored on parallel topics
 * @param payload what the handler needs, a String (JSON by convention); limited in size by the service's
 *            configuration. Store references to large data, not the data.
 * @param notBefore optional; the item is not run before this time (scheduled work, e.g. reminders)
 * @param idempotencyKey optional, unique per topic: submitting the same key again returns the first item's id and
 *            creates nothing, so a retried request does not double the work
 */
public record WorkRequest(String topic, String key, String payload, Instant notBefore, String idempotencyKey) {

    /** Parallel work due now. */
    public static WorkRequest of(String topic, String payload) {
        return new WorkRequest(topic, null, payload, null, null);
    }

    public WorkRequest withKey(String k) {
        return new WorkRequest(topic, k, payload, notBefore, idempotencyKey);
    }

    public WorkRequest notBefore(Instant t) {
        return new WorkRequest(topic, key, payload, t, idempotencyKey);
    }

    public WorkRequest withIdempotencyKey(String k) {
        return new WorkRequest(topic, key, payload, notBefore, k);
    }
}
