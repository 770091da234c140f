package org.telehub.itests;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A client of the hub's {@code /ws} (JDK's WebSocket): frames received go to a queue the test reads; {@code
 * paused} stops reading from the socket (no demand), as a client on a stalled network would.
 */
final class WsClient implements WebSocket.Listener, AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final java.util.concurrent.LinkedBlockingDeque<JsonNode> frames = new java.util.concurrent.LinkedBlockingDeque<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean paused;
    WebSocket socket;
    JsonNode welcome;

    /** Why a handshake failed: the HTTP status the hub answered (401, 403), or -1. */
    record Refused(int status, String message) {
    }

    static WsClient open(KarafInstance k, String bearer, String cookie, String origin) {
        return open(k, bearer, cookie, origin, false);
    }

    static WsClient open(KarafInstance k, String bearer, String cookie, String origin, boolean paused) {
        WsClient c = new WsClient();
        c.paused = paused;
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .subprotocols("telehub.v1");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        c.socket = b.buildAsync(URI.create("ws://127.0.0.1:" + k.httpPort + "/ws"), c).join();
        c.welcome = c.next("welcome", 10);
        return c;
    }

    /** The status of a refused handshake. */
    static Refused refused(KarafInstance k, String bearer, String cookie, String origin) {
        try {
            open(k, bearer, cookie, origin).close();
            return new Refused(101, "upgraded");
        } catch (CompletionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException h) {
                return new Refused(h.getResponse().statusCode(), String.valueOf(h.getResponse().body()));
            }
            return new Refused(-1, String.valueOf(e.getCause()));
        }
    }

    @Override
    public void onOpen(WebSocket ws) {
        ws.request(paused ? 1 : Long.MAX_VALUE); // paused: the welcome, then nothing more is read
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                frames.add(KarafInstance.JSON.readTree(partial.toString()));
            } catch (Exception e) {
                throw new IllegalStateException("not JSON: " + partial, e);
            }
            partial.setLength(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closed.complete(-1);
    }

    /** Starts reading again after {@code paused}. */
    void resume() {
        paused = false;
        socket.request(Long.MAX_VALUE);
    }

    void send(String type, String id, JsonNode data) {
        ObjectNode f = KarafInstance.JSON.createObjectNode().put("v", 1).put("type", type);
        if (id != null) {
            f.put("id", id);
        }
        if (data != null) {
            f.set("data", data);
        }
        sendRaw(f.toString());
    }

    void sendRaw(String text) {
        socket.sendText(text, true).join();
    }

    static ObjectNode data() {
        return KarafInstance.JSON.createObjectNode();
    }

    /** The next frame of {@code type} (others before it stay for later reads), or fails after {@code seconds}. */
    JsonNode next(String type, int seconds) {
        return next(f -> type.equals(f.path("type").asText()), seconds, type);
    }

    /** The answer (ack or error) to the frame sent with {@code id}. */
    JsonNode answer(String id, int seconds) {
        return next(f -> id.equals(f.path("re").asText()), seconds, "answer to " + id);
    }

    JsonNode next(Predicate<JsonNode> which, int seconds, String what) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<JsonNode> skipped = new ArrayList<>();
        try {
            for (;;) {
                long left = end - System.nanoTime();
                JsonNode f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
                if (f == null) {
                    throw new AssertionError("no " + what + " within " + seconds + " s; skipped " + skipped
                            + (closed.isDone() ? "; closed " + closed.getNow(null) : ""));
                }
                if (which.test(f)) {
                    for (int i = skipped.size() - 1; i >= 0; i--) {
                        frames.addFirst(skipped.get(i));
                    }
                    return f;
                }
                skipped.add(f);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Frames of {@code type} received within {@code millis} (all others dropped). */
    List<JsonNode> drain(String type, long millis) throws InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (;;) {
            long left = end - System.nanoTime();
            JsonNode f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
            if (f == null) {
                return out;
            }
            if (type.equals(f.path("type").asText())) {
                out.add(f);
            }
        }
    }

    int closeCode(int seconds) {
        try {
            return closed.get(seconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("not closed within " + seconds + " s", e);
        }
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(x -> null);
        }
        socket.abort();
    }

    /**
     * A client that stops reading, for real: a plain socket with a 4 KiB receive buffer (set before connecting, so
     * the kernel does not grow it; the JDK's WebSocket client keeps reading into memory whatever the demand). It
     * does the handshake, sends one frame, then reads nothing until {@link #drain}.
     */
    static final class Stalled implements AutoCloseable {
        final java.net.Socket socket = new java.net.Socket();

        Stalled(KarafInstance k, String bearer, String firstFrame) throws java.io.IOException {
            socket.setReceiveBufferSize(4096);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", k.httpPort), 5000);
            byte[] key = new byte[16];
            new java.util.Random().nextBytes(key);
            String hello = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + k.httpPort + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + java.util.Base64.getEncoder().encodeToString(key) + "\r\nAuthorization: Bearer " + bearer
                    + "\r\n\r\n";
            socket.getOutputStream().write(hello.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            java.io.InputStream in = socket.getInputStream();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new java.io.EOFException("handshake: " + head);
                }
                head.append((char) b);
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
                throw new java.io.IOException("handshake refused: " + head);
            }
            byte[] payload = firstFrame.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.io.ByteArrayOutputStream f = new java.io.ByteArrayOutputStream();
            f.write(0x81); // FIN, text
            f.write(0x80 | 126); // masked, 16-bit length
            f.write(payload.length >> 8);
            f.write(payload.length & 0xff);
            byte[] mask = {1, 2, 3, 4};
            f.write(mask);
            for (int i = 0; i < payload.length; i++) {
                f.write(payload[i] ^ mask[i % 4]);
            }
            socket.getOutputStream().write(f.toByteArray());
        }

        /**
         * Reads what the hub sent until it ends the connection (or {@code seconds} without data): the close code of
         * a close frame if one came (-1 if the hub just dropped the connection), or null if it is still open.
         */
        Integer drain(int seconds) throws java.io.IOException {
            socket.setSoTimeout(seconds * 1000);
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
                    socket.getInputStream()));
            try {
                for (;;) {
                    int b0 = in.read();
                    if (b0 < 0) {
                        return -1;
                    }
                    int b1 = in.readUnsignedByte();
                    long len = b1 & 0x7f;
                    if (len == 126) {
                        len = in.readUnsignedShort();
                    } else if (len == 127) {
                        len = in.readLong();
                    }
                    if ((b0 & 0x0f) == 8) { // close
                        return len >= 2 ? in.readUnsignedShort() : 1005;
                    }
                    in.skipNBytes(len);
                }
            } catch (java.net.SocketTimeoutException e) {
                return null;
            } catch (java.io.EOFException | java.net.SocketException e) {
                return -1;
            }
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }
}
