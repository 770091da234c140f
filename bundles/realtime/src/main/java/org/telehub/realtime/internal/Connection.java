package org.telehub.realtime.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.WebSocketListener;
import org.eclipse.jetty.websocket.api.WebSocketPingPongListener;
import org.eclipse.jetty.websocket.api.WriteCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.DomainException;
import org.telehub.domain.InvalidException;
import org.telehub.realtime.SocketCall;
import org.telehub.realtime.SocketHandler;
import org.telehub.realtime.TopicListener;
import org.telehub.security.AuthenticatedUser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * One WebSocket. Inbound frames are handled one at a time on the container's thread for this connection (so a
 * client's sends keep their order); outbound frames go through a bounded queue written by asynchronous sends, so a
 * client that does not read fills its own queue and is closed ({@code 4409}), never blocking anyone else.
 */
final class Connection implements WebSocketListener, WebSocketPingPongListener {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    final String id;
    private final SocketHub hub;
    private final Credentials credentials;
    private final Bucket bucket;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    final Map<String, TopicListener> topics = new ConcurrentHashMap<>();
    /** What handlers asked to run when the connection ends ({@link SocketCall#onClose}). */
    final Map<String, Runnable> onClose = new ConcurrentHashMap<>();
    private volatile AuthenticatedUser user;
    private volatile Session session;
    private volatile long lastHeard = System.nanoTime();
    private volatile long lastChecked = System.nanoTime();
    private boolean sending;
    private boolean closed;
    /** Frames refused by the rate limit in the current second (a client that ignores its 429s floods). */
    private int refusedInSecond;
    private long secondStarted;

    /** What the handshake presented, kept to check it again while the connection lives. */
    record Credentials(String origin, String cookie, String authorization) {
    }

    Connection(String id, SocketHub hub, AuthenticatedUser user, Credentials credentials, int rate) {
        this.id = id;
        this.hub = hub;
        this.user = user;
        this.credentials = credentials;
        this.bucket = new Bucket(rate, System.nanoTime());
    }

    AuthenticatedUser user() {
        return user;
    }

    Credentials credentials() {
        return credentials;
    }

    @Override
    public void onWebSocketConnect(Session s) {
        this.session = s;
        hub.opened(this);
    }

    @Override
    public void onWebSocketText(String text) {
        long now = System.nanoTime();
        lastHeard = now;
        JsonNode frame;
        try {
            frame = Frames.JSON.readTree(text);
        } catch (Exception e) {
            frame = null;
        }
        JsonNode idNode = frame == null ? null : frame.get("id");
        boolean goodId = idNode != null && idNode.isTextual() && !idNode.asText().isEmpty()
                && idNode.asText().length() <= 64;
        String re = goodId ? idNode.asText() : null;
        if (!hub.admit(this, bucket)) { // every frame counts, readable or not; the refusal names it when it can
            if (now - secondStarted > 1_000_000_000L) {
                secondStarted = now;
                refusedInSecond = 0;
            }
            if (++refusedInSecond >= hub.config().floodClose()) {
                close(Frames.CLOSE_FLOOD, "Too many frames: " + refusedInSecond + " over the rate limit in a second");
            } else {
                enqueue(Frames.error(re, 429, "Too Many Requests", "Over the rate limit: at most "
                        + hub.config().ratePerConnection() + " frames a second per connection and "
                        + hub.config().ratePerUser() + " per user; this frame was dropped", null, null));
            }
            return;
        }
        if (frame == null) {
            enqueue(Frames.error(null, 400, "Malformed frame", "The frame is not JSON: send one JSON object per"
                    + " text frame", null, null));
            return;
        }
        if (!frame.isObject()) {
            enqueue(Frames.error(null, 400, "Malformed frame", "A frame is a JSON object", null, null));
            return;
        }
        if (idNode != null && !idNode.isNull() && !goodId) {
            enqueue(Frames.error(null, 400, "Malformed frame", "'id' is the client's name for this frame:"
                    + " a string of 1 to 64 characters", "id", null));
            return;
        }
        if (frame.path("v").asInt(-1) != Frames.VERSION || !frame.path("v").isIntegralNumber()) {
            enqueue(Frames.error(re, 400, "Unsupported protocol version", "This hub speaks version "
                    + Frames.VERSION + " of the protocol: send \"v\":" + Frames.VERSION, "v", null));
            return;
        }
        JsonNode typeNode = frame.get("type");
        if (typeNode == null || !typeNode.isTextual() || typeNode.asText().isEmpty()) {
            enqueue(Frames.error(re, 400, "Malformed frame", "'type' is required: the message type", "type",
                    null));
            return;
        }
        String type = typeNode.asText();
        JsonNode data = frame.get("data");
        if (data != null && !data.isNull() && !data.isObject()) {
            enqueue(Frames.error(re, 400, "Malformed frame", "'data' is a JSON object", "data", null));
            return;
        }
        if (data == null || data.isNull()) {
            data = JsonNodeFactory.instance.objectNode();
        }
        if (type.equals("ping")) {
            enqueue(Frames.event("pong", re, null, null));
            return;
        }
        SocketHandler handler = hub.handler(type);
        if (handler == null) {
            enqueue(Frames.error(re, 400, "Unknown message type", "Unknown message type '" + fit(type)
                    + "'; this hub takes " + hub.types(), "type", null));
            return;
        }
        try {
            Object answer = handler.handle(new Call(type, data));
            enqueue(Frames.event("ack", re, null, answer));
        } catch (DomainException e) {
            enqueue(Frames.error(re, e));
        } catch (RuntimeException e) {
            String ref = java.util.UUID.randomUUID().toString();
            LOG.error("Socket frame {} on connection {} failed (reference {})", type, id, ref, e);
            enqueue(Frames.error(re, 500, "Internal Server Error", "The hub could not handle this frame (reference "
                    + ref + ")", null, null));
        }
    }

    @Override
    public void onWebSocketBinary(byte[] payload, int offset, int len) {
        lastHeard = System.nanoTime();
        enqueue(Frames.error(null, 400, "Malformed frame", "Binary frames are not part of the protocol: send JSON"
                + " text frames (files go through the REST upload)", null, null));
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        lastHeard = System.nanoTime();
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        lastHeard = System.nanoTime();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        synchronized (this) {
            closed = true;
            queue.clear();
        }
        hub.closed(this);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("Connection {}: {}", id, cause.toString());
    }

    /** Queues a frame; a full queue closes the connection (4409). */
    void enqueue(String frame) {
        boolean overflow = false;
        boolean start = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (queue.size() >= hub.config().maxQueuedFrames()) {
                overflow = true;
            } else {
                queue.add(frame);
                if (!sending && session != null) {
                    sending = true;
                    start = true;
                }
            }
        }
        if (overflow) {
            hub.counter("too_slow");
            close(Frames.CLOSE_TOO_SLOW, "Too slow: " + hub.config().maxQueuedFrames()
                    + " frames waiting; reconnect and resume");
        } else if (start) {
            pump();
        }
    }

    /** Writes queued frames one after another; a write that completes at once continues the loop (no recursion). */
    private void pump() {
        for (;;) {
            String next;
            synchronized (this) {
                next = closed ? null : queue.poll();
                if (next == null) {
                    sending = false;
                    return;
                }
            }
            Write w = new Write();
            try {
                session.getRemote().sendString(next, w);
            } catch (RuntimeException e) {
                w.writeFailed(e);
                return;
            }
            if (!w.returned()) {
                return; // the callback continues
            }
        }
    }

    private final class Write implements WriteCallback {
        // 0 pending, 1 done before sendString returned, 2 sendString returned first
        private final AtomicInteger state = new AtomicInteger();

        @Override
        public void writeSuccess() {
            if (!state.compareAndSet(0, 1)) {
                pump();
            }
        }

        @Override
        public void writeFailed(Throwable x) {
            state.set(1);
            synchronized (Connection.this) {
                sending = false;
            }
            LOG.debug("Connection {}: write failed: {}", id, x.toString());
            close(Frames.CLOSE_GOING_AWAY, "Write failed");
        }

        /** True if the write completed before sendString returned (the loop goes on). */
        boolean returned() {
            return !state.compareAndSet(0, 2);
        }
    }

    /**
     * The heartbeat's visit: closes a connection silent for three heartbeats (4408), pings an idle one, and
     * re-checks the credentials when due (4401 when they no longer hold).
     */
    void tick(long now) {
        Session s = session;
        if (s == null || !s.isOpen()) {
            return;
        }
        RealtimeConfig c = hub.config();
        long beat = TimeUnit.SECONDS.toNanos(c.heartbeatSeconds());
        if (now - lastHeard > 3 * beat) {
            close(Frames.CLOSE_HEARTBEAT, "No heartbeat for " + 3 * c.heartbeatSeconds() + " s");
            return;
        }
        if (now - lastChecked > TimeUnit.SECONDS.toNanos(c.recheckSeconds())) {
            lastChecked = now;
            try {
                user = hub.recheck(credentials);
            } catch (DomainException e) {
                close(Frames.CLOSE_UNAUTHENTICATED, e.getMessage());
                return;
            }
        }
        if (now - lastHeard > beat) {
            boolean idle;
            synchronized (this) {
                idle = !sending && !closed;
            }
            if (idle) { // a ping behind a stalled write would block this thread; a stalled one shows as no pong
                try {
                    s.getRemote().sendPing(ByteBuffer.allocate(0));
                } catch (Exception e) {
                    LOG.debug("Connection {}: ping failed: {}", id, e.toString());
                }
            }
        }
    }

    /** Closes with a code and reason (cut to the 123 bytes a close frame holds); disconnects if that stalls. */
    void close(int code, String reason) {
        Session s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            s = session;
        }
        if (s == null) {
            return;
        }
        try {
            s.close(code, cut(reason));
        } catch (RuntimeException e) {
            LOG.debug("Connection {}: close failed: {}", id, e.toString());
        }
        hub.later(() -> {
            if (s.isOpen()) {
                try {
                    s.disconnect();
                } catch (java.io.IOException e) {
                    LOG.debug("Connection {}: disconnect failed: {}", id, e.toString());
                }
            }
        }, 2);
        hub.closed(this);
    }

    static String cut(String reason) {
        String r = reason == null ? "" : reason;
        while (r.getBytes(StandardCharsets.UTF_8).length > 123) {
            r = r.substring(0, r.length() - 2) + "…";
        }
        return r;
    }

    private static String fit(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 60 ? clean : clean.substring(0, 59) + "…";
    }

    /** One frame as the handler sees it. */
    private final class Call implements SocketCall {
        private final String type;
        private final JsonNode data;

        Call(String type, JsonNode data) {
            this.type = type;
            this.data = data;
        }

        @Override
        public AuthenticatedUser caller() {
            return user;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public JsonNode data() {
            return data;
        }

        @Override
        public void subscribe(String topic, TopicListener listener) {
            if (!topics.containsKey(topic) && topics.size() >= hub.config().maxTopics()) {
                throw new InvalidException("topic", "This connection follows " + topics.size()
                        + " topics, the most it may; unsubscribe from one first");
            }
            topics.put(topic, listener);
            hub.follow(Connection.this, topic);
        }

        @Override
        public boolean unsubscribe(String topic) {
            boolean was = topics.remove(topic) != null;
            hub.unfollow(Connection.this, topic);
            return was;
        }

        @Override
        public void push(String t, Object d) {
            enqueue(Frames.event(t, null, null, d));
        }

        @Override
        public String connectionId() {
            return id;
        }

        @Override
        public void onClose(String key, Runnable action) {
            if (action == null) {
                Connection.this.onClose.remove(key);
                return;
            }
            Connection.this.onClose.put(key, action);
            if (!hub.isOpen(Connection.this) && Connection.this.onClose.remove(key, action)) {
                action.run(); // it ended meanwhile: what closing runs ran already
            }
        }
    }

    /** Hands an event of a followed topic to its listener. */
    void deliver(String topic, String type, JsonNode data) {
        TopicListener l = topics.get(topic);
        if (l == null) {
            return;
        }
        try {
            l.onEvent(type, data, (t, d) -> enqueue(Frames.event(t, null, topic, d)));
        } catch (DomainException e) { // e.g. the caller no longer takes part: the subscription ends, saying why
            if (topics.remove(topic, l)) {
                hub.unfollow(this, topic);
            }
            enqueue(Frames.error(null, e.status(), "Subscription ended", "No more events of " + topic + ": "
                    + e.getMessage(), null, java.util.Map.of("topic", topic)));
        } catch (RuntimeException e) {
            LOG.warn("Listener of {} on connection {} failed: {}", topic, id, e.toString());
        }
    }
}
