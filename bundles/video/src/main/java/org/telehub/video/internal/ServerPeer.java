package org.telehub.video.internal;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.UnavailableException;
import org.telehub.media.MediaEngine;
import org.telehub.realtime.Fanout;
import org.telehub.video.Rooms;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The hub's own peer in a room, a session of the media engine (the recorder, a live picture): the browsers' offers
 * and candidates that the room relays to its peer topic go to the session, its answers and candidates go back to each
 * browser's peer topic under the peer's member name. It never offers. What it follows ends with it.
 */
abstract class ServerPeer implements MediaEngine.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ServerPeer.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    final String encounterId;
    final String peerId;
    private final String member;
    private final Fanout fanout;
    final AtomicBoolean over = new AtomicBoolean();
    /** The topics followed while it lasts. */
    final List<AutoCloseable> follows = new ArrayList<>();
    volatile MediaEngine.Session session;

    ServerPeer(String encounterId, String peerId, String member, Fanout fanout) {
        this.encounterId = encounterId;
        this.peerId = peerId;
        this.member = member;
        this.fanout = fanout;
    }

    /** A new peer id: the prefix and 128 random bits. */
    static String newPeerId(String prefix) {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The media engine when it runs; else 503, saying whether it is missing or (re)starting. */
    static MediaEngine running(Supplier<MediaEngine> engine) {
        MediaEngine e = engine.get();
        if (e == null || !e.running()) {
            throw new UnavailableException("No media engine", e == null ? "The media engine is not installed"
                    + " (feature telehub-video carries it)" : "The media engine is starting or restarting: try"
                    + " again in a few seconds", null, Map.of());
        }
        return e;
    }

    /** A browser's offer or candidate for this peer, relayed by the room. */
    final void fromBrowser(String type, JsonNode d) {
        MediaEngine.Session s = session;
        if (!Rooms.SIGNAL_EVENT.equals(type) || s == null || over.get()) {
            return;
        }
        String from = d.path("from").asText(null);
        if (from == null) {
            return;
        }
        JsonNode desc = d.get("description");
        JsonNode cand = d.get("candidate");
        if (desc != null && "offer".equals(desc.path("type").asText())) {
            offered(from);
            s.offer(from, desc.path("sdp").asText(""));
        } else if (cand != null && !cand.path("candidate").asText("").isEmpty()) {
            s.candidate(from, cand.path("sdpMid").asText("0"), cand.path("sdpMLineIndex").asInt(0),
                    cand.path("candidate").asText());
        }
    }

    /** A browser offered (before the session has its offer). */
    void offered(String browserPeer) {
    }

    @Override
    public final void answer(String peer, String sdp) {
        signal(peer, Map.of("description", Map.of("type", "answer", "sdp", sdp)));
    }

    @Override
    public final void candidate(String peer, String sdpMid, int sdpMLineIndex, String candidate) {
        signal(peer, Map.of("candidate", Map.of("candidate", candidate, "sdpMid", sdpMid, "sdpMLineIndex",
                sdpMLineIndex)));
    }

    private void signal(String peer, Map<String, Object> what) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("encounterId", encounterId);
        out.put("from", peerId);
        out.put("member", member);
        out.putAll(what);
        fanout.publish(Rooms.peerTopic(peer), Rooms.SIGNAL_EVENT, out);
    }

    /** Follows nothing any more. */
    final void unfollow() {
        for (AutoCloseable f : follows) {
            try {
                f.close();
            } catch (Exception e) {
                LOG.debug("unfollow: {}", e.toString());
            }
        }
    }
}
