package org.telehub.media;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The server's WebRTC peer. It runs in a child process that the hub supervises: if the native engine crashes, the hub
 * stays up, every session of that process ends with {@link Listener#ended(boolean) ended(true)}, and the engine is
 * started again. Signalling reaches it through the caller (the video room relays the browsers' offers and
 * candidates); what it records comes back as encoded bytes, for the caller to store.
 */
@ProviderType
public interface MediaEngine {
    /** Whether the engine process is up and accepts sessions now. */
    boolean running();

    /**
     * Starts a recording session: every browser that offers to it sends its audio, which is mixed and encoded as
     * Opus in WebM ({@link #RECORDING_TYPE}), handed to {@code listener} as it is produced.
     *
     * @throws org.telehub.domain.UnavailableException when the engine is not running (starting, restarting, not
     *             installed on this machine)
     */
    Session record(String sessionId, Options options, Listener listener);

    String RECORDING_TYPE = "audio/webm";

    /**
     * @param iceServers as {@code RTCConfiguration.iceServers}: {@code urls} (a list), {@code username},
     *            {@code credential}
     */
    record Options(List<Map<String, Object>> iceServers, boolean relayOnly) {
    }

    /** A running session; its methods never block on the engine. */
    @ProviderType
    interface Session {
        String id();

        /** A browser's offer ({@code peer} is its peer id in the room); the answer comes to the listener. */
        void offer(String peer, String sdp);

        void candidate(String peer, String sdpMid, int sdpMLineIndex, String candidate);

        /** The browser left: its connection is closed. */
        void hangup(String peer);

        /** Ends the session: the last bytes, then {@link Listener#ended(boolean) ended(false)}. */
        void stop();
    }

    /** What a session tells its owner; called from the engine's reader thread, one at a time: never block. */
    @ConsumerType
    interface Listener {
        /** The engine's answer to {@code peer}'s offer. */
        void answer(String peer, String sdp);

        void candidate(String peer, String sdpMid, int sdpMLineIndex, String candidate);

        /** A connection's state: connecting, connected, disconnected, failed, closed. */
        void peerState(String peer, String state);

        /** Encoded media, in order. */
        void data(byte[] bytes);

        /** The session is over: stopped ({@code crashed} false, every byte delivered) or its engine died. */
        void ended(boolean crashed);
    }
}
