package org.telehub.realtime;

import org.osgi.annotation.versioning.ConsumerType;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one connection does with the events of a topic it follows. Called for one subscription at a time, in the
 * order the node received the events; events published on different nodes may arrive in another order than they
 * were made, so a listener that promises order (chat: by sequence number) restores it itself.
 */
@ConsumerType
@FunctionalInterface
public interface TopicListener {
    void onEvent(String type, JsonNode data, Push connection);
}
