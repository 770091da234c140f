package org.telehub.media.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.media.internal.wire.Wire;

import dev.onvoid.webrtc.PeerConnectionFactory;

/**
 * The engine as the hub runs it: a child JVM spoken to over a Unix domain socket. A webrtc-java caller in this
 * process is connected for four seconds; what comes back is Opus in WebM that Debian's ffprobe reads as about four
 * seconds of audio. (The caller sends silence, see {@link Sender}; that a voice is heard is WebIT's browser test.)
 */
class EngineTest {
    @TempDir
    Path dir;

    @Test
    void recordsACallersAudioAsOpusInWebm() throws Exception {
        Engines.Running run = Engines.start(dir);
        Process engine = run.process();
        Wire wire = run.wire();
        BlockingQueue<Map<String, String>> messages = new LinkedBlockingQueue<>();
        ByteArrayOutputStream recorded = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try {
                for (Wire.Frame f = wire.read(); f != null; f = wire.read()) {
                    if (f.message() != null) {
                        messages.add(f.message());
                    } else {
                        synchronized (recorded) {
                            recorded.write(f.data());
                        }
                    }
                }
            } catch (Exception e) {
                messages.add(Map.of("op", "broken", "reason", e.toString()));
            }
        });
        reader.start();
        PeerConnectionFactory factory = Sender.factory();
        try {
            assertEquals("ready", next(messages, "ready").get("op"));
            wire.send("start", Map.of("session", "s1", "loopback", "true"));
            next(messages, "started");
            try (Sender caller = new Sender(factory, c -> {
                try {
                    wire.send("candidate", Map.of("session", "s1", "peer", "p1", "mid", c.sdpMid, "index",
                            Integer.toString(c.sdpMLineIndex), "candidate", c.sdp));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })) {
                wire.send("offer", Map.of("session", "s1", "peer", "p1", "sdp", caller.offer()));
                caller.answer(next(messages, "answer").get("sdp"));
                Thread feed = new Thread(() -> {
                    try {
                        for (Map<String, String> m = messages.poll(20, TimeUnit.SECONDS); m != null
                                && !"stopped".equals(m.get("op")); m = messages.poll(20, TimeUnit.SECONDS)) {
                            if ("candidate".equals(m.get("op"))) {
                                caller.candidate(m.get("mid"), Integer.parseInt(m.get("index")), m.get("candidate"));
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                feed.setDaemon(true);
                feed.start();
                caller.connected.get(15, TimeUnit.SECONDS);
                Thread.sleep(4000);
                wire.send("stop", Map.of("session", "s1"));
                feed.join(20_000);
            }
            Path webm = dir.resolve("call.webm");
            synchronized (recorded) {
                Files.write(webm, recorded.toByteArray());
            }
            double seconds = audioSeconds(webm);
            assertTrue(seconds > 3.5 && seconds < 6, "about the call's length: " + seconds + " s");
            assertTrue(Files.readString(webm, StandardCharsets.ISO_8859_1).contains("OpusHead"), "Opus inside");
        } finally {
            wire.close(); // the engine leaves when the hub's socket ends
            assertTrue(engine.waitFor(10, TimeUnit.SECONDS), "the engine left with the hub's socket");
            factory.dispose();
        }
    }

    static Map<String, String> next(BlockingQueue<Map<String, String>> q, String op) throws Exception {
        return next(q, op, 20);
    }

    /** The engine's next message {@code op} within {@code seconds} (others passed over). */
    static Map<String, String> next(BlockingQueue<Map<String, String>> q, String op, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            Map<String, String> m = q.poll(1, TimeUnit.SECONDS);
            if (m != null && op.equals(m.get("op"))) {
                return m;
            }
            if (m != null && ("failed".equals(m.get("op")) || "broken".equals(m.get("op")))) {
                throw new AssertionError("engine: " + m);
            }
        }
        throw new AssertionError("no " + op + " from the engine");
    }

    /** The time of the last audio packet: a WebM written as a stream has no duration in its header. */
    static double audioSeconds(Path webm) throws Exception {
        String[] times = run("ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "packet=pts_time",
                "-of", "csv=p=0", webm.toString()).strip().split("\\s+");
        return Double.parseDouble(times[times.length - 1].replace(",", ""));
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
