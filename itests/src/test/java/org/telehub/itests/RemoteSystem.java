package org.telehub.itests;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The remote system behind the test adapter, on 127.0.0.1: it keeps one record per idempotency key, as a FHIR
 * server does for a conditional create, counts every write it receives, and misbehaves on request (slow, 503,
 * 400). It lives in the test JVM, so it outlives adapter updates and container restarts.
 */
final class RemoteSystem implements AutoCloseable {
    private static final Pattern KEY = Pattern.compile("\"key\":\"([^\"]+)\"");

    final Map<String, String> records = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();
    /** The last body written per key (what kind of record the target was asked for). */
    final Map<String, String> bodies = new ConcurrentHashMap<>();
    final AtomicLong delayMillis = new AtomicLong();
    final AtomicInteger failNext = new AtomicInteger();
    volatile boolean rejectAll;
    private final HttpServer server;

    RemoteSystem() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/records", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = KEY.matcher(body);
        if (!m.find()) {
            reply(x, 400, "{\"error\":\"no key\"}");
            return;
        }
        String key = m.group(1);
        writes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        bodies.put(key, body);
        long d = delayMillis.get();
        if (d > 0) {
            KarafInstance.sleep(d);
        }
        if (failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            reply(x, 503, "{\"error\":\"temporarily unavailable\"}");
            return;
        }
        if (rejectAll) {
            reply(x, 400, "{\"error\":\"invalid record\"}");
            return;
        }
        boolean[] created = {false};
        String id = records.computeIfAbsent(key, k -> {
            created[0] = true;
            return UUID.randomUUID().toString();
        });
        reply(x, created[0] ? 201 : 200, "{\"id\":\"" + id + "\"}");
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
