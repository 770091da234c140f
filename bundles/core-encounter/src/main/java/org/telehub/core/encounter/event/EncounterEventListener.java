package org.telehub.core.encounter.event;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A subscriber to encounter events, registered as an OSGi service (chat, video, reports, HL7 bundles; reminders and
 * portal webhooks are the first). Delivery is durable: each event is handed to each subscriber at least once, after
 * the change committed, in sequence order per encounter, through the hub's durable work service (one work item per
 * event and subscriber, keyed by the encounter, idempotency key {@code <subscriberName>:<sequence>}). A listener
 * therefore makes its effect idempotent by {@link EncounterEvent#sequence()}.
 *
 * <p>Until the work service is in place, the hub's own subscribers (reminders, portal webhooks) are called inside
 * the change's transaction by the module's internal event publisher, and listeners of other bundles are not yet
 * called: this interface is the contract they are written against.
 */
@ConsumerType
public interface EncounterEventListener {
    /** Service property naming the subscriber (the same value as {@link #subscriberName()}). */
    String SUBSCRIBER = "telehub.encounter.subscriber";

    /**
     * A stable name, e.g. {@code reminders}, {@code portal-webhooks}: it keys the subscriber's work items, so
     * renaming a subscriber loses its pending events.
     */
    String subscriberName();

    /**
     * Handles one event.
     *
     * @throws Exception to have the event handed again later (with backoff); return normally once it is handled or
     *             deliberately ignored
     */
    void onEvent(EncounterEvent event) throws Exception;
}
