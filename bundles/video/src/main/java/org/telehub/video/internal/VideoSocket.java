package org.telehub.video.internal;

import static org.telehub.realtime.SocketFields.text;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.domain.ConflictException;
import org.telehub.domain.InvalidException;
import org.telehub.realtime.SocketCall;
import org.telehub.realtime.SocketHandler;
import org.telehub.video.Rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Video rooms over {@code /ws} (docs/websocket-protocol.md, "Video rooms"), thin over {@link Rooms}, which decides who
 * may do what. A connection has one peer per visit (its id kept here while the connection lives, so joining again
 * after being admitted is the same peer); the peer's own topic is followed from the join, the room's only once
 * admitted, and a peer told it is out (removed, replaced, turned away, the visit ended) gets nothing more of the room
 * even if its client ignores that.
 */
@Component(property = { SocketHandler.TYPES + "=video.join", SocketHandler.TYPES + "=video.ping",
        SocketHandler.TYPES + "=video.leave", SocketHandler.TYPES + "=video.signal",
        SocketHandler.TYPES + "=video.media", SocketHandler.TYPES + "=video.admit",
        SocketHandler.TYPES + "=video.reject", SocketHandler.TYPES + "=video.remove",
        SocketHandler.TYPES + "=video.mute", SocketHandler.TYPES + "=video.end",
        SocketHandler.TYPES + "=video.quality", SocketHandler.TYPES + "=video.consent",
        SocketHandler.TYPES + "=video.record", SocketHandler.TYPES + "=video.handover" })
public class VideoSocket implements SocketHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Rooms rooms;
    /** connection id + visit → the connection's peer in that visit's room. */
    private final ConcurrentMap<String, String> peers = new ConcurrentHashMap<>();

    @Activate
    public VideoSocket(@Reference Rooms rooms) {
        this.rooms = rooms;
    }

    @Override
    public Object handle(SocketCall call) {
        JsonNode d = call.data();
        String encounterId = text(d, "encounterId", true);
        String key = call.connectionId() + " " + encounterId;
        return switch (call.type()) {
            case "video.join" -> join(call, encounterId, key);
            case "video.ping" -> Map.of("state", rooms.ping(call.caller(), encounterId, peers.get(key)));
            case "video.leave" -> {
                String p = peers.remove(key);
                if (p != null) {
                    call.unsubscribe(Rooms.roomTopic(encounterId));
                    call.unsubscribe(Rooms.peerTopic(p));
                    call.onClose("video:" + encounterId, null);
                }
                rooms.leave(call.caller(), encounterId, p);
                yield Map.of();
            }
            case "video.signal" -> {
                rooms.signal(call.caller(), encounterId, peers.get(key), text(d, "to", true),
                        object(d, "description"), object(d, "candidate"));
                yield Map.of();
            }
            case "video.media" -> Map.of("room", rooms.media(call.caller(), encounterId, peers.get(key),
                    bool(d, "audio"), bool(d, "video"), bool(d, "screen")));
            case "video.admit" -> Map.of("room", rooms.admit(call.caller(), encounterId, text(d, "member", true)));
            case "video.reject" -> Map.of("room", rooms.reject(call.caller(), encounterId, text(d, "member", true),
                    text(d, "reason", false)));
            case "video.remove" -> Map.of("room", rooms.remove(call.caller(), encounterId, text(d, "member", true)));
            case "video.mute" -> Map.of("room", rooms.mute(call.caller(), encounterId, text(d, "member", true)));
            case "video.end" -> Map.of("room", rooms.end(call.caller(), encounterId));
            case "video.consent" -> Map.of("room", rooms.consent(call.caller(), encounterId, bool(d, "consent")));
            case "video.record" -> Map.of("room", rooms.record(call.caller(), encounterId, bool(d, "on")));
            case "video.handover" -> Map.of("room", rooms.handOver(call.caller(), encounterId,
                    text(d, "member", true)));
            case "video.quality" -> {
                rooms.quality(call.caller(), encounterId, peers.get(key), new Rooms.Sample(integer(d, "rttMs"),
                        number(d, "lossPercent"), integer(d, "kbpsIn"), bool(d, "relayed")));
                yield Map.of();
            }
            default -> throw new InvalidException("type", "Not a video message type: " + call.type());
        };
    }

    private Object join(SocketCall call, String encounterId, String key) {
        String peerId = peers.computeIfAbsent(key, k -> newPeerId());
        // the peer's own topic and the end of the connection are taken before the join commits: an admission or a
        // replacement published right after it is not missed, and a connection that ends meanwhile still leaves
        AtomicBoolean out = new AtomicBoolean();
        call.subscribe(Rooms.peerTopic(peerId), (type, data, push) -> {
            if (Rooms.REMOVED_EVENT.equals(type) || Rooms.REPLACED_EVENT.equals(type)
                    || Rooms.REJECTED_EVENT.equals(type) || Rooms.ENDED_EVENT.equals(type)) {
                out.set(true); // what tells this peer it is out also stops the room's events to it
                peers.remove(key, peerId);
            }
            push.push(type, data);
        });
        call.onClose("video:" + encounterId, () -> {
            peers.remove(key, peerId);
            rooms.gone(encounterId, peerId);
        });
        Rooms.Joined j;
        try {
            j = rooms.join(call.caller(), encounterId, peerId);
        } catch (RuntimeException e) {
            peers.remove(key, peerId);
            call.unsubscribe(Rooms.peerTopic(peerId));
            call.onClose("video:" + encounterId, null);
            throw e;
        }
        if (!Rooms.ADMITTED.equals(j.state())) {
            call.unsubscribe(Rooms.roomTopic(encounterId)); // sent out and waiting again: nothing of the room
            return j;
        }
        String member = j.member();
        call.subscribe(Rooms.roomTopic(encounterId), (type, data, push) -> {
            if (out.get() || !peerId.equals(peers.get(key))) {
                throw new ConflictException("Not in the room", "This peer left the room", null, Map.of());
            }
            // who waits is for who leads the room (the roster names them: the lead can be handed over)
            if (data.has("waiting") && !member.equals(data.path("moderator").asText(null))) {
                ObjectNode copy = data.deepCopy();
                copy.set("waiting", JSON.createArrayNode());
                push.push(type, copy);
            } else {
                push.push(type, data);
            }
        });
        return j;
    }

    private static String newPeerId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(JsonNode d, String field) {
        JsonNode n = d.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw new InvalidException(field, "An object");
        }
        return JSON.convertValue(n, Map.class);
    }

    private static int integer(JsonNode d, String field) {
        JsonNode n = d.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new InvalidException(field, "Required: a whole number");
        }
        return n.asInt();
    }

    private static double number(JsonNode d, String field) {
        JsonNode n = d.get(field);
        if (n == null || !n.isNumber()) {
            throw new InvalidException(field, "Required: a number");
        }
        return n.asDouble();
    }

    private static boolean bool(JsonNode d, String field) {
        JsonNode n = d.get(field);
        if (n == null || !n.isBoolean()) {
            throw new InvalidException(field, "Required: true or false");
        }
        return n.asBoolean();
    }
}
