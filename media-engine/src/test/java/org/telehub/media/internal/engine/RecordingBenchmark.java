package org.telehub.media.internal.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.telehub.media.internal.wire.Wire;

import dev.onvoid.webrtc.PeerConnectionFactory;

/**
 * {@code bench/recording.sh}: how many visits one node records at once. The engine runs as the hub runs it (a child
 * JVM, one ffmpeg per recording); the callers (two per visit, webrtc-java peers) live in this test's JVM, another
 * process, so they do not count against the engine. For each number of simultaneous recordings: the engine's CPU
 * (itself and its ffmpegs, from /proc) per recorded minute, its memory, and whether every recording kept up (audio
 * ≥ 95 % of the time it ran, by ffprobe). Beside it, in the same run, the reference: ffmpeg alone encoding the same
 * length of audio (the encoding every recorder pays), so the ratio is what receiving WebRTC and mixing add. The
 * anchor from the issue: Jibri records one visit per instance (a whole browser each).
 */
class RecordingBenchmark {
    private static final long TICKS = 100; // USER_HZ on Linux

    @Test
    void recordingsPerNode() throws Exception {
        assumeTrue(Boolean.getBoolean("bench.recording"), "run by bench/recording.sh");
        int seconds = Integer.getInteger("bench.seconds", 60);
        List<Integer> counts = new ArrayList<>();
        for (String n : System.getProperty("bench.sessions", "1,10,20,30,40").split(",")) {
            counts.add(Integer.parseInt(n.strip()));
        }
        Path out = Path.of("target", "recording-benchmark.md");
        StringBuilder md = new StringBuilder("| recordings at once | engine CPU (% of one core) | CPU-s per recorded "
                + "minute | engine + ffmpeg memory (PSS, MB) | shortest recording / run | kept up |\n|---|---|---|---|---|---|\n");
        double reference = referenceCpuSecondsPerMinute();
        PeerConnectionFactory factory = Sender.factory();
        for (int n : counts) {
            try {
                md.append(round(n, seconds, factory)).append('\n');
            } catch (java.util.concurrent.TimeoutException e) {
                // the callers' side (this JVM, two webrtc-java peers a recording) gave out first: what the engine
                // would do with more is not measured by this run
                md.append("| ").append(n).append(" | not measured: the callers' own process could not set up ")
                        .append(2 * n).append(" peer connections in time | | | | |\n");
                break;
            } finally {
                Files.writeString(out, md.toString());
            }
        }
        factory.dispose();
        md.append("\nReference, same run: ffmpeg alone encoding a minute of 48 kHz mono to Opus 32 kbit/s in WebM: ")
                .append(String.format("%.2f", reference)).append(" CPU-s per minute.\n");
        Files.writeString(out, md.toString());
        System.out.println(md);
    }

    /** One round: {@code n} recordings of two callers each, for {@code seconds}. */
    private String round(int n, int seconds, PeerConnectionFactory factory) throws Exception {
        Engines.Running running = Engines.start(Path.of(System.getProperty("java.io.tmpdir")), "-Xmx192m",
                "-XX:+UseSerialGC");
        Process engine = running.process();
        Wire wire = running.wire();
        Map<String, ByteArrayOutputStream> recorded = new ConcurrentHashMap<>();
        Map<String, Sender> senders = new ConcurrentHashMap<>();
        Map<String, CountDownLatch> answered = new ConcurrentHashMap<>();
        Map<String, String> answers = new ConcurrentHashMap<>();
        Map<String, List<Map<String, String>>> early = new java.util.HashMap<>();
        java.util.Set<String> applied = ConcurrentHashMap.newKeySet();
        CountDownLatch ready = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(n);
        Thread reader = new Thread(() -> {
            try {
                for (Wire.Frame f = wire.read(); f != null; f = wire.read()) {
                    if (f.message() == null) {
                        recorded.computeIfAbsent(f.session(), s -> new ByteArrayOutputStream()).writeBytes(f.data());
                        continue;
                    }
                    Map<String, String> m = f.message();
                    String key = m.get("session") + "/" + m.get("peer");
                    switch (f.op()) {
                        case "ready" -> ready.countDown();
                        case "answer" -> {
                            answers.put(key, m.get("sdp"));
                            answered.get(key).countDown();
                        }
                        case "candidate" -> {
                            // held until the caller has the answer: a candidate added before it is lost
                            synchronized (early) {
                                if (applied.contains(key)) {
                                    senders.get(key).candidate(m.get("mid"), Integer.parseInt(m.get("index")),
                                            m.get("candidate"));
                                } else {
                                    early.computeIfAbsent(key, k -> new ArrayList<>()).add(m);
                                }
                            }
                        }
                        case "stopped" -> stopped.countDown();
                        default -> { }
                    }
                }
            } catch (Exception e) {
                System.err.println("bench reader: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        ready.await(30, TimeUnit.SECONDS);
        long begin = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String session = "s" + i;
            wire.send("start", Map.of("session", session, "loopback", "true"));
            for (String who : List.of("doctor", "patient")) {
                String key = session + "/" + who;
                answered.put(key, new CountDownLatch(1));
                Sender s = new Sender(factory, c -> {
                    try {
                        wire.send("candidate", Map.of("session", session, "peer", who, "mid", c.sdpMid, "index",
                                Integer.toString(c.sdpMLineIndex), "candidate", c.sdp));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                senders.put(key, s);
                wire.send("offer", Map.of("session", session, "peer", who, "sdp", s.offer()));
                answered.get(key).await(20, TimeUnit.SECONDS);
                s.answer(answers.get(key));
                synchronized (early) {
                    applied.add(key);
                    for (Map<String, String> c : early.getOrDefault(key, List.of())) {
                        s.candidate(c.get("mid"), Integer.parseInt(c.get("index")), c.get("candidate"));
                    }
                }
            }
        }
        for (Sender s : senders.values()) {
            s.connected.get(30, TimeUnit.SECONDS);
        }
        Thread.sleep(2000); // settled
        long cpu0 = cpuTicks(engine);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long cpu1 = cpuTicks(engine);
        long t1 = System.nanoTime();
        long rss = rssKb(engine);
        for (int i = 0; i < n; i++) {
            wire.send("stop", Map.of("session", "s" + i));
        }
        stopped.await(60, TimeUnit.SECONDS);
        long ran = System.nanoTime() - begin;
        for (Sender s : senders.values()) {
            s.close();
        }
        wire.close();
        engine.waitFor(10, TimeUnit.SECONDS);
        double shortest = Double.MAX_VALUE;
        double recordedSeconds = 0;
        for (int i = 0; i < n; i++) {
            Path f = Files.createTempFile("bench-rec", ".webm");
            ByteArrayOutputStream b = recorded.get("s" + i);
            Files.write(f, b == null ? new byte[0] : b.toByteArray());
            double s = b == null ? 0 : EngineTest.audioSeconds(f);
            Files.delete(f);
            shortest = Math.min(shortest, s);
            recordedSeconds += s;
        }
        double window = (t1 - t0) / 1e9;
        double cpuSeconds = (cpu1 - cpu0) / (double) TICKS;
        double perMinute = cpuSeconds / (window * n / 60.0);
        // each recording ran from its start to the stop: the first started earliest
        double ranSeconds = ran / 1e9;
        boolean keptUp = shortest >= 0.95 * (window + 2);
        return String.format("| %d | %.0f %% | %.2f | %d | %.1f s of ≥ %.1f s | %s |", n, 100 * cpuSeconds / window,
                perMinute, rss / 1024, shortest, window + 2, keptUp ? "yes" : "no (ran " + String.format("%.0f",
                        ranSeconds) + " s)");
    }

    /** CPU time (ticks) of the engine and of its live children (its ffmpegs). */
    private static long cpuTicks(Process engine) throws Exception {
        return overTree(engine, pid -> {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        });
    }

    /**
     * Memory (kB) of the engine and its ffmpegs: proportional set size, shared library pages split between the
     * processes that map them (RSS would count them in each).
     */
    private static long rssKb(Process engine) throws Exception {
        return overTree(engine, pid -> {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return 0L;
        });
    }

    interface PerProcess {
        long of(long pid) throws Exception;
    }

    private static long overTree(Process engine, PerProcess f) throws Exception {
        long sum = f.of(engine.pid());
        for (ProcessHandle h : engine.descendants().toList()) {
            sum += f.of(h.pid());
        }
        return sum;
    }

    /** ffmpeg alone: a minute of a tone, encoded as the engine's ffmpeg does, as fast as it goes (its -benchmark). */
    private static double referenceCpuSecondsPerMinute() throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-benchmark", "-f", "lavfi", "-i",
                "sine=frequency=440:duration=60:sample_rate=48000", "-ac", "1", "-c:a", "libopus", "-b:a", "32k",
                "-application", "voip", "-f", "webm", "-y", "/dev/null").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile("utime=([0-9.]+)s stime=([0-9.]+)s").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("ffmpeg -benchmark said: " + out);
        }
        return Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2));
    }
}
