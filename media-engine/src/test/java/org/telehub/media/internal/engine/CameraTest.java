package org.telehub.media.internal.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.media.internal.wire.Wire;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCRtpTransceiverInit;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.I420Buffer;
import dev.onvoid.webrtc.media.video.VideoTrack;

/**
 * A live RTSP stream into a viewer's connection through the engine (issue 22, live video): the engine, a child JVM
 * as the hub runs it, reads {@link RtspSource}'s H.264 stream with Debian's ffmpeg and sends it to a webrtc-java
 * viewer in this process, which reads the frame number burned into each picture it decodes. The source goes dark:
 * the engine says {@code signal lost}; it comes back: {@code signal live} and the viewer sees the new stream's
 * frames. How long a frame takes from the source to the viewer is printed (measured, not asserted).
 */
class CameraTest {
    @TempDir
    java.nio.file.Path dir;

    /** A picture as the viewer decoded it: its burned-in number and when it arrived. */
    record Seen(long code, long at) {
    }

    @Test
    void aLiveStreamReachesTheViewerAndRecoversFromLosingItsSignal() throws Exception {
        try (RtspSource rtsp = RtspSource.start(dir, 640, 360, 25)) {
            throughTheEngine(rtsp);
        }
    }

    private void throughTheEngine(RtspSource rtsp) throws Exception {
        Engines.Running run = Engines.start(dir);
        Wire wire = run.wire();
        BlockingQueue<Map<String, String>> messages = new LinkedBlockingQueue<>();
        AtomicReference<Sender> viewing = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                for (Wire.Frame f = wire.read(); f != null; f = wire.read()) {
                    Map<String, String> m = f.message();
                    if (m != null && "candidate".equals(m.get("op")) && viewing.get() != null) {
                        viewing.get().candidate(m.get("mid"), Integer.parseInt(m.get("index")), m.get("candidate"));
                    } else if (m != null) {
                        messages.add(m);
                    }
                }
            } catch (Exception e) {
                messages.add(Map.of("op", "broken", "reason", e.toString()));
            }
        });
        reader.setDaemon(true);
        reader.start();
        PeerConnectionFactory factory = Sender.factory();
        List<Seen> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        CustomVideoSource none = new CustomVideoSource();
        VideoTrack placeholder = factory.createVideoTrack("none", none);
        try {
            EngineTest.next(messages, "ready");
            wire.send("start", Map.of("session", "cam1", "kind", "camera", "url", rtsp.url(), "width", "640",
                    "height", "360", "fps", "25", "loopback", "true"));
            EngineTest.next(messages, "started");
            try {
                EngineTest.next(messages, "signal", 30);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + rtsp.logs(), e);
            }
            try (Sender viewer = new Sender(factory, c -> send(wire, c.sdpMid, c.sdpMLineIndex, c.sdp), t -> {
                if (t.getReceiver().getTrack() instanceof VideoTrack video) {
                    video.addSink(frame -> {
                        try {
                            I420Buffer i420 = frame.buffer.toI420();
                            seen.add(new Seen(rtsp.code(i420.getDataY(), i420.getStrideY(), frame.buffer.getWidth(),
                                    frame.buffer.getHeight()), System.nanoTime()));
                        } finally {
                            frame.release();
                        }
                    });
                }
            }, pc -> {
                RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
                init.direction = RTCRtpTransceiverDirection.RECV_ONLY;
                pc.addTransceiver(placeholder, init);
            })) {
                viewing.set(viewer);
                wire.send("offer", Map.of("session", "cam1", "peer", "v1", "sdp", viewer.offer()));
                viewer.answer(EngineTest.next(messages, "answer").get("sdp"));
                viewer.connected.get(15, TimeUnit.SECONDS);
                Thread.sleep(4000);
                List<Seen> first = List.copyOf(seen);
                assertTrue(first.size() >= 40, "frames decoded in 4 s: " + first.size());
                long rising = 0;
                for (int i = 1; i < first.size(); i++) {
                    rising += first.get(i).code() > first.get(i - 1).code() ? 1 : 0;
                }
                assertTrue(rising >= first.size() - 3, "each picture a later frame of the source: " + codes(first));
                Seen last = first.get(first.size() - 1);
                double latency = (last.at() - rtsp.publishedAt()) / 1e6 - last.code() * 1000.0 / 25;
                System.out.printf("camera: %d frames in 4 s at the viewer; frame %d about %.0f ms after it was due "
                        + "at the source (includes the publisher's start-up)%n", first.size(), last.code(), latency);

                rtsp.stopPublishing();
                Map<String, String> lost = EngineTest.next(messages, "signal");
                assertTrue("lost".equals(lost.get("state")), lost.toString());
                int before = seen.size();
                rtsp.publish();
                Map<String, String> live = EngineTest.next(messages, "signal", 40);
                assertTrue("live".equals(live.get("state")), live.toString());
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (seen.size() < before + 25 && System.nanoTime() < until) {
                    Thread.sleep(100);
                }
                List<Seen> again = List.copyOf(seen.subList(before, seen.size()));
                assertTrue(again.size() >= 25 && again.get(again.size() - 1).code() < last.code() + 200,
                        "the new stream's frames (numbered from 0 again) reach the same connection: " + codes(again));
                wire.send("stop", Map.of("session", "cam1"));
                EngineTest.next(messages, "stopped");
            }
            // a source that never delivers a frame (nothing listens there) is lost too, not "connecting" for ever
            int closed;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                closed = s.getLocalPort();
            }
            long asked = System.nanoTime();
            wire.send("start", Map.of("session", "cam2", "kind", "camera", "url", "rtsp://127.0.0.1:" + closed
                    + "/none", "width", "640", "height", "360", "fps", "25", "loopback", "true"));
            EngineTest.next(messages, "started");
            Map<String, String> never = EngineTest.next(messages, "signal", 20);
            assertTrue("lost".equals(never.get("state")) && "cam2".equals(never.get("session")), never.toString());
            System.out.printf("camera: a source that never answered lost after %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked));
            wire.send("stop", Map.of("session", "cam2"));
            EngineTest.next(messages, "stopped");
        } finally {
            wire.close();
            assertTrue(run.process().waitFor(10, TimeUnit.SECONDS), "the engine left with the hub's socket");
            // the placeholder track stays with the viewer's closed connection until the factory goes
            factory.dispose();
        }
    }

    private static String codes(List<Seen> s) {
        return s.stream().map(x -> Long.toString(x.code())).limit(60).toList().toString();
    }

    private static void send(Wire wire, String mid, int index, String candidate) {
        try {
            wire.send("candidate", Map.of("session", "cam1", "peer", "v1", "mid", mid, "index",
                    Integer.toString(index), "candidate", candidate));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
