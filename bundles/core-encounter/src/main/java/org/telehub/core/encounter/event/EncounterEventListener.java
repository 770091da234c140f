package org.telehub.core.encounter.event;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A subscriber to encounter events, registered as an OSGi service (chat, video, reports, HL7 bundles; reminders and
 * portal webhooks are the first). Delivery is durable: each event is handed to each subscriber at least once, after
 * the change committed, in sequence order per encounter, through the hub's durable work service (one work item per
 * event and subscriber, keyed by the encounter, idempotency key {@code <subscriberName>:<sequence>}). A listener
 * therefore makes its effect idempotent by {@link EncounterEvent#sequence()}.
 *
 * <p>Which subscribers get an event does not depend on which bundles run at that moment: a name is recorded
 * durably when a listener first registers, and every later event gets an item for it; while its bundle is down
 * (being updated) the items wait and it gets them when it is back.
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
