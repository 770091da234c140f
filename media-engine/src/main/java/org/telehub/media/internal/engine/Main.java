package org.telehub.media.internal.engine;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.telehub.media.internal.wire.Wire;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;

/**
 * The media engine: a child process of the hub that holds the native WebRTC stack. It connects to the Unix domain
 * socket the hub listens on and speaks {@link Wire} frames there (its stdout and stderr are only logged by the hub:
 * webrtc-java's native code and the JVM print to stdout, which therefore cannot carry the frames), and ends when the
 * socket does, so it never outlives a hub that died. One {@link Recorder} per recording session, one {@link Camera}
 * per live picture sent into a room ({@code start} with {@code kind=camera}).
 *
 * <p>Usage: {@code java -cp ... org.telehub.media.internal.engine.Main <ffmpeg> <socket>}
 */
public final class Main {
    private final Wire wire;
    private final String ffmpeg;
    private final PeerConnectionFactory factory;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** The hub's messages are applied one after the other, off the reading thread. */
    private final ExecutorService signalling = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "media-signalling");
        t.setDaemon(true);
        return t;
    });

    Main(Wire wire, String ffmpeg, PeerConnectionFactory factory) {
        this.wire = wire;
        this.ffmpeg = ffmpeg;
        this.factory = factory;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Main <ffmpeg> <hub's socket>");
            System.exit(2);
        }
        String ffmpeg = args[0];
        Wire wire = Wire.over(SocketChannel.open(UnixDomainSocketAddress.of(args[1])));
        // never the default audio module: with no sound card it aborts the whole process ("Failed to initialize ADM")
        PeerConnectionFactory factory = new PeerConnectionFactory(new HeadlessAudioDeviceModule());
        Main main = new Main(wire, ffmpeg, factory);
        wire.send("ready", Map.of("pid", Long.toString(ProcessHandle.current().pid())));
        main.run();
    }

    void run() throws IOException {
        try {
            for (Wire.Frame f = wire.read(); f != null; f = wire.read()) {
                Wire.Frame frame = f;
                if (frame.message() != null) {
                    signalling.execute(() -> handle(frame.message()));
                }
            }
        } finally {
            // the hub is gone (or closed the socket): stop everything, the encoders too, and leave
            for (Session r : sessions.values()) {
                r.abort();
            }
            Runtime.getRuntime().halt(0);
        }
    }

    private void handle(Map<String, String> m) {
        String session = m.get("session");
        try {
            switch (m.get("op")) {
                case "start" -> {
                    Session r = "camera".equals(m.get("kind"))
                            ? new Camera(session, wire, factory, ffmpeg, Session.Options.of(m), Camera.Source.of(m))
                            : new Recorder(session, wire, factory, ffmpeg, Session.Options.of(m));
                    if (sessions.putIfAbsent(session, r) != null) {
                        wire.send("failed", Map.of("session", session, "reason", "already started"));
                        return;
                    }
                    r.start();
                    wire.send("started", Map.of("session", session));
                }
                case "offer" -> recorder(session).offer(m.get("peer"), m.get("sdp"));
                case "candidate" -> recorder(session).candidate(m.get("peer"), m.get("mid"),
                        Integer.parseInt(m.getOrDefault("index", "0")), m.get("candidate"));
                case "hangup" -> recorder(session).hangup(m.get("peer"));
                case "stop" -> {
                    Session r = sessions.remove(session);
                    if (r != null) {
                        r.stop();
                    }
                    wire.send("stopped", Map.of("session", session));
                }
                case "exit" -> Runtime.getRuntime().halt(0);
                default -> System.err.println("media engine: unknown message " + m.get("op"));
            }
        } catch (Exception e) {
            System.err.println("media engine: " + m.get("op") + " of session " + session + " failed: " + e);
            try {
                wire.send("failed", Map.of("session", String.valueOf(session), "op", String.valueOf(m.get("op")),
                        "reason", String.valueOf(e.getMessage())));
            } catch (IOException gone) {
                Runtime.getRuntime().halt(1);
            }
        }
    }

    private Session recorder(String session) {
        Session r = sessions.get(session);
        if (r == null) {
            throw new IllegalStateException("no session " + session);
        }
        return r;
    }
}
