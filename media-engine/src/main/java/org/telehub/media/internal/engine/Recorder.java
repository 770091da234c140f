package org.telehub.media.internal.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.telehub.media.internal.wire.Wire;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioTrack;

/**
 * One recording: a peer connection per browser in the room, each only receiving (the recorder sends nothing), their
 * audio mixed by {@link Mixer} into one 48 kHz mono stream that Debian's {@code ffmpeg} encodes as Opus in WebM; the
 * encoded bytes go to the hub as they come (the hub encrypts and stores them), never to a file here. Video is not
 * taken: the recorder answers the browsers' video as inactive, so they do not send it.
 */
final class Recorder extends Session {
    private final String ffmpeg;
    private final Mixer mixer = new Mixer();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "media-mixer");
        t.setDaemon(true);
        return t;
    });
    private Process encoder;
    private Thread pump;

    Recorder(String session, Wire wire, PeerConnectionFactory factory, String ffmpeg, Options options) {
        super(session, wire, factory, options);
        this.ffmpeg = ffmpeg;
    }

    @Override
    void start() throws IOException {
        encoder = new ProcessBuilder(ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "s16le", "-ar",
                Integer.toString(Mixer.RATE), "-ac", "1", "-i", "pipe:0", "-c:a", "libopus", "-b:a",
                options.bitrateKbps() + "k", "-application", "voip", "-f", "webm", "-cluster_time_limit", "1000",
                "-flush_packets", "1", "pipe:1").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        OutputStream pcm = encoder.getOutputStream();
        InputStream encoded = encoder.getInputStream();
        pump = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try {
                for (int n = encoded.read(buf); n >= 0; n = encoded.read(buf)) {
                    if (n > 0) {
                        wire.data(session, buf, 0, n);
                    }
                }
            } catch (IOException e) {
                System.err.println("media engine: session " + session + " output: " + e);
            }
        }, "media-out-" + session);
        pump.setDaemon(true);
        pump.start();
        long started = System.nanoTime();
        clock.scheduleAtFixedRate(() -> {
            try {
                mixer.writeUntil(pcm, System.nanoTime() - started);
            } catch (IOException e) {
                System.err.println("media engine: session " + session + " encoder: " + e);
                clock.shutdown();
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
    }

    /** The browsers' audio only: their video is answered inactive, so they do not send it. */
    @Override
    void direct(RTCPeerConnection pc) {
        for (RTCRtpTransceiver t : pc.getTransceivers()) {
            boolean audio = MediaStreamTrack.AUDIO_TRACK_KIND.equals(t.getReceiver().getTrack().getKind());
            t.setDirection(audio ? RTCRtpTransceiverDirection.RECV_ONLY : RTCRtpTransceiverDirection.INACTIVE);
        }
    }

    @Override
    void received(String peer, RTCRtpTransceiver transceiver) {
        MediaStreamTrack track = transceiver.getReceiver().getTrack();
        if (track instanceof AudioTrack audio) {
            audio.addSink((data, bits, rate, channels, frames) -> mixer.add(peer, data, bits, rate, channels,
                    frames));
        }
    }

    @Override
    void left(String peer) {
        mixer.remove(peer);
    }

    /** Closes every connection, lets the encoder finish the file and waits for its last bytes to reach the hub. */
    @Override
    void stop() throws InterruptedException {
        hangupAll();
        clock.shutdown();
        clock.awaitTermination(2, TimeUnit.SECONDS);
        try {
            encoder.getOutputStream().close();
        } catch (IOException e) {
            System.err.println("media engine: closing the encoder of " + session + ": " + e);
        }
        if (!encoder.waitFor(10, TimeUnit.SECONDS)) {
            encoder.destroyForcibly();
        }
        pump.join(5000);
    }

    @Override
    void abort() {
        clock.shutdownNow();
        if (encoder != null) {
            encoder.destroyForcibly();
        }
    }
}
