package org.telehub.media.internal.engine;

import java.io.DataInputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.telehub.media.internal.wire.Wire;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import dev.onvoid.webrtc.media.video.VideoTrack;

/**
 * A live picture sent into a visit, e.g. an endoscope's: Debian's {@code ffmpeg}, a child of this process, reads
 * the source (an RTSP/RTP H.264 stream, or a V4L2 capture device) and writes raw I420 frames of a fixed size to a
 * pipe; each frame goes into one video source, whose track every viewer's connection sends (viewers offer, the
 * camera only sends). When no frame has come for {@link #LOST_AFTER_MILLIS} the hub is told {@code signal lost}, the
 * viewers keep the last picture, and ffmpeg is stopped and started again (after 1 s, doubling to 4 s while it keeps
 * failing) rather than left waiting on a source that is gone; once frames have come again for
 * {@link #LIVE_AFTER_MILLIS} without a gap, {@code signal live} (a few late frames flushed by the reader that ends
 * are no signal).
 */
final class Camera extends Session {
    static final long LOST_AFTER_MILLIS = 2000;
    static final long LIVE_AFTER_MILLIS = 500;
    /** A source that has not delivered its first frame this long after the start is lost (RTSP takes 1-3 s). */
    static final long FIRST_FRAME_MILLIS = 10_000;

    /** What the hub sends with {@code start} for a camera: the source and the picture's size and rate. */
    record Source(String url, int width, int height, int fps) {
        static Source of(Map<String, String> m) {
            String url = m.get("url");
            if (url == null || !(url.startsWith("rtsp://") || url.matches("/dev/video[0-9]{1,2}"))) {
                throw new IllegalArgumentException("url: rtsp://… or a V4L2 device /dev/videoN");
            }
            int width = Integer.parseInt(m.getOrDefault("width", "1280"));
            int height = Integer.parseInt(m.getOrDefault("height", "720"));
            int fps = Integer.parseInt(m.getOrDefault("fps", "30"));
            if (width < 16 || height < 16 || width > 3840 || height > 2160 || width % 2 != 0 || height % 2 != 0
                    || fps < 1 || fps > 60) {
                throw new IllegalArgumentException("width, height (even, 16-3840 × 16-2160) and fps (1-60)");
            }
            return new Source(url, width, height, fps);
        }

        /** ffmpeg's command: the source in, scaled to the size, at the rate, raw I420 out on stdout. */
        List<String> command(String ffmpeg) {
            List<String> c = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin"));
            if (url.startsWith("rtsp://")) {
                // low delay: no input buffering, frames as they decode
                c.addAll(List.of("-rtsp_transport", "udp", "-fflags", "nobuffer", "-flags", "low_delay",
                        "-timeout", "5000000"));
            } else {
                c.addAll(List.of("-f", "v4l2"));
            }
            c.addAll(List.of("-i", url, "-an", "-vf", "scale=" + width + ":" + height + ",fps=" + fps,
                    "-pix_fmt", "yuv420p", "-f", "rawvideo", "pipe:1"));
            return c;
        }
    }

    private final String ffmpeg;
    private final Source source;
    private final CustomVideoSource video = new CustomVideoSource();
    private final VideoTrack track;
    private final AtomicLong lastFrame = new AtomicLong();
    /** When the frames that are coming now began to come without a gap. */
    private final AtomicLong flowingSince = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();
    private volatile boolean running = true;
    /** What the hub was last told: null (nothing yet: connecting), live or lost. */
    private volatile Boolean live;
    private volatile long started;
    private volatile Process reader;
    private Thread pump;
    private Thread watch;

    Camera(String session, Wire wire, PeerConnectionFactory factory, String ffmpeg, Options options,
            Source source) {
        super(session, wire, factory, options);
        this.ffmpeg = ffmpeg;
        this.source = source;
        this.track = factory.createVideoTrack("camera-" + session, video);
    }

    @Override
    void start() {
        started = System.nanoTime();
        pump = new Thread(this::pump, "media-camera-" + session);
        pump.setDaemon(true);
        pump.start();
        watch = new Thread(this::watch, "media-camera-watch-" + session);
        watch.setDaemon(true);
        watch.start();
    }

    /** Runs ffmpeg and pushes its frames, again and again while the session lasts. */
    private void pump() {
        long backoff = 1000;
        int size = source.width() * source.height() * 3 / 2;
        byte[] frame = new byte[size];
        while (running) {
            long pushed = frames.get();
            try {
                Process p = new ProcessBuilder(source.command(ffmpeg)).redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                reader = p;
                try (DataInputStream in = new DataInputStream(p.getInputStream())) {
                    while (running) {
                        in.readFully(frame);
                        push(frame);
                    }
                } catch (EOFException ended) {
                    // the source ended or ffmpeg gave up: started again below
                } finally {
                    p.destroy();
                    if (!p.waitFor(2, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            } catch (java.io.IOException e) {
                System.err.println("media engine: camera " + session + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!running) {
                return;
            }
            backoff = frames.get() > pushed ? 1000 : Math.min(backoff * 2, 4000);
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void push(byte[] frame) {
        int w = source.width();
        int h = source.height();
        NativeI420Buffer buffer = NativeI420Buffer.allocate(w, h);
        copy(frame, 0, w, h, buffer.getDataY(), buffer.getStrideY());
        copy(frame, w * h, w / 2, h / 2, buffer.getDataU(), buffer.getStrideU());
        copy(frame, w * h + (w / 2) * (h / 2), w / 2, h / 2, buffer.getDataV(), buffer.getStrideV());
        VideoFrame f = new VideoFrame(buffer, System.nanoTime());
        video.pushFrame(f);
        f.release();
        frames.incrementAndGet();
        long now = System.nanoTime();
        long previous = lastFrame.getAndSet(now);
        if (previous == 0 || now - previous > TimeUnit.MILLISECONDS.toNanos(LOST_AFTER_MILLIS)) {
            flowingSince.set(now);
        }
        if (!Boolean.TRUE.equals(live)
                && now - flowingSince.get() >= TimeUnit.MILLISECONDS.toNanos(LIVE_AFTER_MILLIS)) {
            live = true;
            send("signal", Map.of("state", "live"));
        }
    }

    /** One plane of a packed I420 frame into a buffer whose rows may be longer than the picture's. */
    private static void copy(byte[] frame, int offset, int width, int height, ByteBuffer plane, int stride) {
        for (int row = 0; row < height; row++) {
            plane.position(row * stride);
            plane.put(frame, offset + row * width, width);
        }
    }

    /**
     * Tells the hub when the picture stops, once; the next frames tell it again that it is live. A source that never
     * delivers a first frame is lost too, {@link #FIRST_FRAME_MILLIS} after the start (the viewers would otherwise wait
     * on "connecting").
     */
    private void watch() {
        while (running) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
            long last = lastFrame.get();
            long gap = last != 0 ? System.nanoTime() - last : System.nanoTime() - started;
            if (!Boolean.FALSE.equals(live) && gap > TimeUnit.MILLISECONDS.toNanos(last != 0 ? LOST_AFTER_MILLIS
                    : FIRST_FRAME_MILLIS)) {
                live = false;
                send("signal", Map.of("state", "lost"));
                Process p = reader;
                if (p != null && last != 0) {
                    p.destroy(); // read again from the start rather than wait for ffmpeg's own timeout
                }
            }
        }
    }

    /** The picture only: the viewer's video is answered send-only with the camera's track, its audio inactive. */
    @Override
    void direct(RTCPeerConnection pc) {
        for (RTCRtpTransceiver t : pc.getTransceivers()) {
            if (MediaStreamTrack.VIDEO_TRACK_KIND.equals(t.getReceiver().getTrack().getKind())) {
                t.getSender().replaceTrack(track);
                t.getSender().setStreams(List.of("camera-" + session));
                t.setDirection(RTCRtpTransceiverDirection.SEND_ONLY);
            } else {
                t.setDirection(RTCRtpTransceiverDirection.INACTIVE);
            }
        }
    }

    /** The track leaves the connection first: a track still held by a sender cannot be disposed of. */
    @Override
    void closing(RTCPeerConnection pc) {
        for (RTCRtpTransceiver t : pc.getTransceivers()) {
            t.getSender().replaceTrack(null);
        }
    }

    @Override
    void stop() throws InterruptedException {
        running = false;
        hangupAll();
        Process p = reader;
        if (p != null) {
            p.destroy();
        }
        if (pump != null) {
            pump.interrupt();
            pump.join(5000);
        }
        if (watch != null) {
            watch.interrupt();
        }
        try {
            track.dispose();
            video.dispose();
        } catch (Error stillHeld) {
            // webrtc-java refuses to free a native object something still refers to ("Native object was not
            // deleted"): left to the process, rather than losing the signalling thread to the Error
            System.err.println("media engine: camera " + session + " track not freed: " + stillHeld.getMessage());
        }
    }

    @Override
    void abort() {
        running = false;
        Process p = reader;
        if (p != null) {
            p.destroyForcibly();
        }
    }
}
