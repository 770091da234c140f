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
     * Starts a live picture (since 1.1): the engine reads {@code source} (Debian's ffmpeg, a child of the engine) and
     * sends it as a video track to every browser that offers to the session; the session never offers and takes
     * nothing from them. {@link Listener#signal} says when the picture stops and comes back; the engine keeps trying
     * a source that is gone until the session is stopped.
     *
     * @throws org.telehub.domain.UnavailableException when the engine is not running
     */
    Session camera(String sessionId, Options options, Source source, Listener listener);

    /**
     * A live picture's source: an RTSP stream ({@code rtsp://host[:port]/path}, H.264 over RTP) or a V4L2 capture
     * device ({@code /dev/videoN}), scaled to {@code width}×{@code height} (even, 16–3840 × 16–2160) at {@code fps}
     * (1–60). Since 1.1.
     */
    record Source(String url, int width, int height, int fps) {
        private static final java.util.regex.Pattern URL = java.util.regex.Pattern.compile(
                "rtsp://[A-Za-z0-9.\\-\\[\\]:]+(/[A-Za-z0-9._~/%&=?+-]*)?|/dev/video[0-9]{1,2}");

        public Source {
            if (url == null || !URL.matcher(url).matches()) {
                throw new IllegalArgumentException("url: rtsp://host[:port]/path or a V4L2 device /dev/videoN");
            }
            if (width < 16 || height < 16 || width > 3840 || height > 2160 || width % 2 != 0 || height % 2 != 0) {
                throw new IllegalArgumentException("size: even, 16-3840 x 16-2160");
            }
            if (fps < 1 || fps > 60) {
                throw new IllegalArgumentException("fps: 1-60");
            }
        }
    }

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

        /**
         * A live picture's signal: {@code false} when no frame has come from its source for 2 s (or none yet, 2 s
         * after the start), {@code true} once frames flow again. Since 1.1.
         */
        default void signal(boolean live) {
        }

        /** The session is over: stopped ({@code crashed} false, every byte delivered) or its engine died. */
        void ended(boolean crashed);
    }
}
