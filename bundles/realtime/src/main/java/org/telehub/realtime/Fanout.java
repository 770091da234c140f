package org.telehub.realtime;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Publishes an event to every connection, on every hub node, that follows {@code topic}, through one Artemis topic
 * the nodes share. Not durable: what must not be lost is stored first (a chat message in its table), and a
 * connection that missed events catches up from the store when it resumes.
 */
@ProviderType
public interface Fanout {
    /** Publishes; {@code data} is serialised as JSON. Failures are logged and counted, never thrown. */
    void publish(String topic, String type, Object data);
}
