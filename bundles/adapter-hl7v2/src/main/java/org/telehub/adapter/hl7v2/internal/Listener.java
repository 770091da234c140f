package org.telehub.adapter.hl7v2.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MLLP listener of one adapter: a thread per connection (bounded), one message in flight per connection as MLLP
 * has it; a connection that breaks the framing is closed without touching the others.
 */
final class Listener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);

    private final String adapterId;
    private final InetSocketAddress address;
    private final int maxConnections;
    private final int stallMillis;
    private final int maxBytes;
    private final Inbound inbound;
    private final Counters counters;
    private final ExecutorService pool;
    /** Null: plain MLLP. */
    private final Tls tls;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;

    Listener(String adapterId, InetSocketAddress address, int maxConnections, int stallMillis, int maxBytes,
            Inbound inbound, Counters counters, ExecutorService pool, Tls tls) {
        this.adapterId = adapterId;
        this.tls = tls;
        this.address = address;
        this.maxConnections = maxConnections;
        this.stallMillis = stallMillis;
        this.maxBytes = maxBytes;
        this.inbound = inbound;
        this.counters = counters;
        this.pool = pool;
    }

    synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        ServerSocket s = tls == null ? new ServerSocket() : tls.serverSocket();
        s.setReuseAddress(true);
        s.bind(address, 64);
        server = s;
        pool.execute(() -> accept(s));
        LOG.info("HL7 v2 {} listening on {}{}", adapterId, address, tls == null ? "" : " (TLS)");
    }

    /** Runs a task of the interface (its writer) on the listener's pool. */
    void execute(Runnable task) {
        pool.execute(task);
    }

    boolean listening() {
        ServerSocket s = server;
        return s != null && !s.isClosed();
    }

    int openConnections() {
        return open.size();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            Socket c;
            try {
                c = s.accept();
            } catch (IOException e) {
                if (!s.isClosed()) {
                    LOG.warn("HL7 v2 {}: accept failed: {}", adapterId, e.toString());
                }
                continue;
            }
            if (open.size() >= maxConnections) {
                LOG.warn("HL7 v2 {}: connection from {} closed, {} are open already", adapterId,
                        c.getRemoteSocketAddress(), open.size());
                counters.brokenConnections.incrementAndGet();
                closeQuietly(c);
                continue;
            }
            open.add(c);
            counters.connections.incrementAndGet();
            pool.execute(() -> serve(c));
        }
    }

    private void serve(Socket c) {
        Thread.currentThread().setContextClassLoader(Listener.class.getClassLoader()); // HAPI looks some parts up there
        try (c) {
            c.setTcpNoDelay(true);
            c.setSoTimeout(stallMillis);
            if (c instanceof javax.net.ssl.SSLSocket secure) {
                try {
                    secure.startHandshake(); // here, not in the acceptor: a slow or failed handshake holds no one up
                } catch (IOException e) {
                    counters.brokenConnections.incrementAndGet();
                    LOG.warn("HL7 v2 {}: TLS handshake with {} failed: {}", adapterId, c.getRemoteSocketAddress(),
                            e.getMessage());
                    return;
                }
            }
            InputStream in = new BufferedInputStream(c.getInputStream(), 16 * 1024);
            OutputStream out = new BufferedOutputStream(c.getOutputStream(), 4 * 1024);
            while (true) {
                Mllp.Frame f;
                try {
                    f = Mllp.read(in, maxBytes);
                } catch (Mllp.Idle quiet) {
                    continue; // between messages: a sender's connection may stay open and quiet for hours
                }
                if (f == null) {
                    return;
                }
                Mllp.write(out, inbound.receive(f.content(), f.oversized()).ack());
            }
        } catch (Mllp.FramingException | SocketTimeoutException e) {
            counters.brokenConnections.incrementAndGet();
            LOG.warn("HL7 v2 {}: connection from {} closed: {}", adapterId, c.getRemoteSocketAddress(),
                    e instanceof SocketTimeoutException ? "stalled inside a message for " + stallMillis + " ms"
                            : e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (listening()) {
                LOG.info("HL7 v2 {}: connection from {} ended: {}", adapterId, c.getRemoteSocketAddress(),
                        e.toString());
            }
        } finally {
            open.remove(c);
        }
    }

    @Override
    public synchronized void close() {
        ServerSocket s = server;
        server = null;
        if (s != null) {
            closeQuietly(s);
        }
        open.forEach(Listener::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing
        }
    }
}
