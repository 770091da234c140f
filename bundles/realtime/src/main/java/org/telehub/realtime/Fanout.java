package org.telehub.realtime;

import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Publishes an event to every connection, on every hub node, that follows {@code topic}, through one Artemis topic
 * the nodes share. Not durable: what must not be lost is stored first (a chat message in its table), and a
 * connection that missed events catches up from the store when it resumes.
 */
@ProviderType
public interface Fanout {
    /** Publishes; {@code data} is serialised as JSON. Failures are logged and counted, never thrown. */
    void publish(String topic, String type, Object data);

    /**
     * Follows {@code topic} on this node for the hub itself (a server-side media peer hears the signals browsers
     * address to it, whichever node they reached), until the result is closed. Same delivery as a connection's:
     * not durable, per topic in the order this node received the events.
     */
    AutoCloseable follow(String topic, Listener listener);

    /** What the hub does with an event of a topic it follows; must not block (it runs on the delivering thread). */
    @ConsumerType
    @FunctionalInterface
    interface Listener {
        void onEvent(String type, JsonNode data);
    }
}
