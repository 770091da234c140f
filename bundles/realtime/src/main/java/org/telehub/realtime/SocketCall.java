package org.telehub.realtime;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.security.AuthenticatedUser;

import com.fasterxml.jackson.databind.JsonNode;

/** One frame a connection sent, with what the handler may do to the connection. */
@ProviderType
public interface SocketCall extends Push {
    /** Who opened the connection, as authenticated at the handshake and re-checked since. */
    AuthenticatedUser caller();

    /** The frame's type, one of the handler's {@link SocketHandler#TYPES}. */
    String type();

    /** The frame's {@code data} object (an empty object when the frame had none). */
    JsonNode data();

    /**
     * Follows {@code topic} on this connection: every event published to it ({@link Fanout#publish}) on any node
     * is given to {@code listener}, which decides what this connection is sent. A second subscription to the same
     * topic replaces the first. {@code InvalidException} when the connection follows too many topics.
     */
    void subscribe(String topic, TopicListener listener);

    /** Stops following {@code topic}; false if it was not followed. */
    boolean unsubscribe(String topic);

    /**
     * Runs {@code action} once when this connection ends, however it ends (the client closed it, the network dropped,
     * a heartbeat was missed, the hub stops): what a handler holds for the connection (a peer in a video room) is let
     * go there. A second registration under the same {@code key} replaces the first; {@code null} removes it. Runs on
     * the thread that noticed the end; exceptions are logged.
     *
     * @since 1.1
     */
    void onClose(String key, Runnable action);

    /** The connection's id (as its {@code welcome} frame said): what a handler keys per-connection state by. */
    String connectionId();
}
