package org.telehub.media.internal;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.URL;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.UnavailableException;
import org.telehub.media.MediaEngine;
import org.telehub.media.internal.wire.Wire;
import org.telehub.work.TelehubExecutors;

/**
 * Runs the media engine ({@code media-engine}, carried in this bundle under {@code engine/}) as a child JVM and
 * keeps it running: when it exits or crashes, its sessions end as crashed and a new one is started, after 1 s and
 * then up to 30 s apart while it keeps dying at once. The engine connects to a Unix domain socket in the data
 * directory (its stdout and stderr are only logged); it ends when that connection does, so a hub killed outright
 * leaves no engine behind.
 */
@Component(service = MediaEngine.class, configurationPid = "org.telehub.media")
@Designate(ocd = MediaConfig.class)
public class EngineSupervisor implements MediaEngine {
    private static final Logger LOG = LoggerFactory.getLogger(EngineSupervisor.class);
    private static final List<String> JARS = List.of("telehub-media-engine.jar", "webrtc-java.jar",
            "webrtc-java-linux-x86_64.jar");

    private final MediaConfig config;
    private final Map<String, Running> sessions = new ConcurrentHashMap<>();
    /** Launches and restarts (this bundle's pools: they end when the bundle stops). */
    private final ScheduledExecutorService timer;
    /** The engine's blocking readers: its frames, and its output for the log (its ffmpegs may hold the latter). */
    private final ScheduledExecutorService io;
    private final Object lock = new Object();
    private volatile Process process;
    private volatile Wire wire;
    private volatile boolean ready;
    private volatile boolean active = true;
    private long backoffMillis = 1000;
    private Path home;

    @Activate
    public EngineSupervisor(@Reference TelehubExecutors executors, MediaConfig config) {
        this.config = config;
        this.timer = executors.pool("media-supervisor", 1);
        this.io = executors.pool("media-engine-io", 4);
        if (!config.enabled()) {
            LOG.info("Media engine disabled (org.telehub.media enabled=false): recording answers 503");
            return;
        }
        timer.execute(this::launch);
    }

    @Deactivate
    void deactivate() {
        active = false;
        Process p = process;
        Wire w = wire;
        if (p != null) {
            try {
                if (w != null) {
                    w.close(); // the engine leaves when the socket ends
                }
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (IOException | InterruptedException e) {
                p.destroyForcibly();
            }
        }
        endAll();
    }

    @Override
    public boolean running() {
        return ready;
    }

    @Override
    public Session record(String sessionId, Options options, Listener listener) {
        return start(sessionId, options, listener, Map.of());
    }

    @Override
    public Session camera(String sessionId, Options options, Source source, Listener listener) {
        return start(sessionId, options, listener, Map.of("kind", "camera", "url", source.url(), "width",
                Integer.toString(source.width()), "height", Integer.toString(source.height()), "fps",
                Integer.toString(source.fps())));
    }

    private Session start(String sessionId, Options options, Listener listener, Map<String, String> kind) {
        Wire w = wire;
        if (!ready || w == null) {
            throw new UnavailableException("No media engine", config.enabled() ? "The media engine is starting or "
                    + "restarting: try again in a few seconds" : "The media engine is disabled (org.telehub.media)",
                    null, Map.of());
        }
        Running r = new Running(sessionId, w, listener);
        if (sessions.putIfAbsent(sessionId, r) != null) {
            throw new IllegalStateException("session " + sessionId + " is already running");
        }
        Map<String, String> start = new LinkedHashMap<>();
        start.put("session", sessionId);
        start.put("iceServers", iceServers(options.iceServers()));
        start.put("policy", options.relayOnly() ? "relay" : "all");
        start.put("loopback", Boolean.toString(config.loopbackOnly()));
        start.put("bitrateKbps", Integer.toString(config.bitrateKbps()));
        start.putAll(kind);
        r.send("start", start);
        return r;
    }

    private void launch() {
        if (!active) {
            return;
        }
        try {
            Path dir = unpack();
            String java = config.java().isBlank() ? Paths.get(System.getProperty("java.home"), "bin", "java")
                    .toString() : config.java();
            List<String> cp = new ArrayList<>();
            for (String jar : JARS) {
                cp.add(dir.resolve(jar).toString());
            }
            Path tmp = Files.createDirectories(dir.resolve("tmp")); // webrtc-java unpacks its native library here
            // the frames go over a Unix socket, not the child's stdout: webrtc-java's native code and the JVM print
            // there (e.g. "VM attach current thread failed" when a native thread ends), which would break a frame.
            // The socket is in a directory only the hub's user may enter, so no other local user can connect first
            // and pose as the engine (a temporary directory is created 0700 too).
            Path run = Files.createDirectories(dir.resolve("run"));
            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwx------"));
            Path socket = run.resolve("engine.sock");
            if (socket.toString().length() > 100) { // a Unix socket's path holds at most 107 bytes
                socket = Files.createTempDirectory("telehub-media").resolve("engine.sock");
            }
            Files.deleteIfExists(socket);
            Process p;
            SocketChannel channel;
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(socket));
                ProcessBuilder pb = new ProcessBuilder(java, "-Xmx" + config.heapMegabytes() + "m",
                        "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + tmp, "-cp", String.join(File.pathSeparator, cp),
                        "org.telehub.media.internal.engine.Main", config.ffmpeg(), socket.toString())
                        .redirectErrorStream(true);
                p = pb.start();
                io.execute(() -> logErrors(p.getInputStream()));
                // an engine that dies before it connects must not hold this thread: closing the server ends accept
                timer.schedule(() -> closeQuietly(server), 30, TimeUnit.SECONDS); // a no-op once accepted
                p.onExit().thenRun(() -> closeQuietly(server));
                channel = server.accept();
            } finally {
                Files.deleteIfExists(socket);
            }
            Process proc = p;
            Wire w = Wire.over(channel);
            synchronized (lock) {
                process = proc;
                wire = w;
            }
            io.execute(() -> read(proc, w));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Media engine could not start ({}); trying again in {} ms", e.toString(), backoffMillis);
            again();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("closing: {}", e.toString());
        }
    }

    private void read(Process p, Wire w) {
        long started = System.nanoTime();
        try {
            for (Wire.Frame f = w.read(); f != null; f = w.read()) {
                if (f.message() == null) {
                    Running r = sessions.get(f.session());
                    if (r != null) {
                        r.listener.data(f.data());
                    }
                    continue;
                }
                Map<String, String> m = f.message();
                if ("ready".equals(f.op())) {
                    ready = true;
                    backoffMillis = 1000;
                    LOG.info("Media engine ready (pid {})", m.get("pid"));
                    continue;
                }
                Running r = sessions.get(String.valueOf(m.get("session")));
                if (r == null) {
                    continue;
                }
                try {
                    switch (f.op()) {
                        case "answer" -> r.listener.answer(m.get("peer"), m.get("sdp"));
                        case "candidate" -> r.listener.candidate(m.get("peer"), m.get("mid"),
                                Integer.parseInt(m.getOrDefault("index", "0")), m.get("candidate"));
                        case "peer" -> r.listener.peerState(m.get("peer"), m.get("state"));
                        case "signal" -> r.listener.signal("live".equals(m.get("state")));
                        case "stopped" -> {
                            sessions.remove(r.id);
                            r.listener.ended(false);
                        }
                        case "failed" -> {
                            LOG.warn("Media session {}: {}", r.id, m.get("reason"));
                            if ("start".equals(m.get("op")) && sessions.remove(r.id, r)) {
                                r.listener.ended(true); // the engine refused the session itself: it never ran
                            }
                        }
                        default -> LOG.debug("Media session {}: {}", r.id, f.op());
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Media session {}: handling {} failed: {}", r.id, f.op(), e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("Media engine output broke off: {}", e.toString());
        }
        int code;
        try {
            code = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
        }
        synchronized (lock) {
            if (process == p) {
                ready = false;
                wire = null;
                process = null;
            }
        }
        endAll();
        if (active) {
            LOG.warn("Media engine exited ({}) after {} s; starting it again in {} ms", code,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), backoffMillis);
            if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(60)) {
                backoffMillis = 1000; // it ran a while: a crash, not a start that keeps failing
            }
            again();
        }
    }

    private void again() {
        if (active) {
            long delay = backoffMillis;
            backoffMillis = Math.min(30_000, backoffMillis * 2);
            try {
                timer.schedule(this::launch, delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // deactivated meanwhile
            }
        }
    }

    /** The engine is gone (it died, or the hub stops it): every session of it ends as crashed. */
    private void endAll() {
        for (String id : List.copyOf(sessions.keySet())) {
            Running r = sessions.remove(id);
            if (r != null) {
                try {
                    r.listener.ended(true);
                } catch (RuntimeException e) {
                    LOG.warn("Media session {}: its end failed: {}", id, e.toString());
                }
            }
        }
    }

    private Path unpack() throws IOException {
        if (home != null) {
            return home;
        }
        Path dir = Paths.get(System.getProperty("karaf.data", System.getProperty("java.io.tmpdir")), "telehub",
                "media-engine");
        Files.createDirectories(dir);
        Bundle b = FrameworkUtil.getBundle(EngineSupervisor.class);
        for (String jar : JARS) {
            URL u = b == null ? EngineSupervisor.class.getResource("/engine/" + jar) : b.getEntry("engine/" + jar);
            if (u == null) {
                throw new IOException("engine/" + jar + " is not in the media bundle");
            }
            try (InputStream in = u.openStream()) {
                Path part = dir.resolve(jar + ".part");
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                Files.move(part, dir.resolve(jar), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
        }
        home = dir;
        return dir;
    }

    private static void logErrors(InputStream err) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    LOG.info("engine: {}", line);
                }
            }
        } catch (IOException e) {
            LOG.debug("Media engine log ended: {}", e.toString());
        }
    }

    /** ICE servers as the engine reads them: a line each, urls (space-separated), username, credential. */
    @SuppressWarnings("unchecked")
    static String iceServers(List<Map<String, Object>> servers) {
        StringBuilder s = new StringBuilder();
        for (Map<String, Object> m : servers == null ? List.<Map<String, Object>>of() : servers) {
            Object urls = m.get("urls");
            List<String> list = urls instanceof List<?> l ? (List<String>) l : Collections.singletonList(
                    String.valueOf(urls));
            s.append(String.join(" ", list)).append('\t').append(m.getOrDefault("username", "")).append('\t')
                    .append(m.getOrDefault("credential", "")).append('\n');
        }
        return s.toString();
    }

    private final class Running implements Session {
        private final String id;
        private final Wire wire;
        private final Listener listener;

        Running(String id, Wire wire, Listener listener) {
            this.id = id;
            this.wire = wire;
            this.listener = listener;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void offer(String peer, String sdp) {
            send("offer", Map.of("session", id, "peer", peer, "sdp", sdp));
        }

        @Override
        public void candidate(String peer, String sdpMid, int sdpMLineIndex, String candidate) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("session", id);
            m.put("peer", peer);
            m.put("mid", sdpMid);
            m.put("index", Integer.toString(sdpMLineIndex));
            m.put("candidate", candidate);
            send("candidate", m);
        }

        @Override
        public void hangup(String peer) {
            send("hangup", Map.of("session", id, "peer", peer));
        }

        @Override
        public void stop() {
            send("stop", Map.of("session", id));
        }

        void send(String op, Map<String, String> fields) {
            try {
                wire.send(op, fields);
            } catch (IOException e) {
                // the engine is gone: its reader ends every session as crashed
                LOG.warn("Media session {}: {} not delivered ({})", id, op, e.toString());
            }
        }
    }
}
