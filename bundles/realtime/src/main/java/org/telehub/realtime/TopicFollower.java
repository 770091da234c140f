package org.telehub.realtime;

import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Topics the hub itself follows on this node, beside the connections that do: a server-side media peer hears the
 * signals browsers address to it, whichever node they reached. The same delivery as a connection's: not durable, per
 * topic in the order this node received the events. (Apart from {@link Fanout}, which stays a one-method interface
 * for the many that only publish.) Since 1.2.
 */
@ProviderType
public interface TopicFollower {
    /** Follows {@code topic} until the result is closed. */
    AutoCloseable follow(String topic, Listener listener);

    /** What the hub does with an event of a topic it follows; must not block (it runs on the delivering thread). */
    @ConsumerType
    @FunctionalInterface
    interface Listener {
        void onEvent(String type, JsonNode data);
    }
}
