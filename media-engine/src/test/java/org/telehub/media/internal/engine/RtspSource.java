package org.telehub.media.internal.engine;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A live H.264 stream over RTSP as a recorder or streaming box gives one, on 127.0.0.1: Debian's
 * {@code rtsp-server-perl} relays what Debian's {@code ffmpeg} publishes to it (ANNOUNCE/RECORD), and serves it to
 * players over RTP/UDP (it has no RTP over TCP; its RTP ports start at 20000 whatever it is told, so one relay runs
 * on a machine at a time). The picture is ffmpeg's {@code testsrc2} with the frame's number
 * burned into its top 16 rows as a block code: 20-pixel blocks, block {@code i} white when bit {@code i} is set
 * ({@link #code} reads it back from a received picture's luma, at any scale).
 */
final class RtspSource implements AutoCloseable {
    static final int BLOCK = 20;
    private final Process server;
    private final int sourcePort;
    private final int clientPort;
    private final int width;
    private final int height;
    private final int fps;
    private final Path log;
    private final Path dir;
    private Process publisher;
    private volatile long publishedAt;

    private RtspSource(Process server, int sourcePort, int clientPort, int width, int height, int fps, Path log) {
        this.server = server;
        this.sourcePort = sourcePort;
        this.clientPort = clientPort;
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.log = log;
        this.dir = log.getParent();
    }

    static RtspSource start(Path dir, int width, int height, int fps) throws Exception {
        int source = freePort();
        int client = freePort();
        Path log = dir.resolve("rtsp-server.log");
        Process server = new ProcessBuilder("rtsp-server-perl", "--serverport", Integer.toString(source),
                "--clientport", Integer.toString(client), "--source_listen_address", "127.0.0.1",
                "--client_listen_address", "127.0.0.1", "--loglevel", "2")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RtspSource s = new RtspSource(server, source, client, width, height, fps, dir.resolve("publisher.log"));
        s.awaitListening(source);
        s.publish();
        return s;
    }

    private void awaitListening(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("rtsp-server-perl does not listen on " + port);
    }

    /** Where players read the stream. */
    String url() {
        return "rtsp://127.0.0.1:" + clientPort + "/endo";
    }

    /** When the publisher started: its frame {@code n} is due {@code n / fps} seconds later (ffmpeg's -re). */
    long publishedAt() {
        return publishedAt;
    }

    /** Starts (again) publishing, numbering frames from 0. */
    void publish() throws IOException {
        String code = "if(lt(Y\\,16)\\,255*mod(floor(N/pow(2\\,floor(X/" + BLOCK + ")))\\,2)\\,lum(X\\,Y))";
        publishedAt = System.nanoTime();
        publisher = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-re", "-f",
                "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=" + fps + ",geq=lum='" + code
                        + "':cb='cb(X,Y)':cr='cr(X,Y)'", "-c:v", "libx264", "-preset", "ultrafast", "-tune",
                "zerolatency", "-g", Integer.toString(fps), "-f", "rtsp", "rtsp://127.0.0.1:" + sourcePort + "/endo")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** The source goes dark, as a recorder unplugged. */
    void stopPublishing() throws InterruptedException {
        if (publisher != null) {
            publisher.destroy();
            publisher.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The frame number burned into a picture of {@code w} × {@code h} (its luma plane with rows {@code stride} bytes
     * apart), read at the centre of each block of the code's row.
     */
    long code(ByteBuffer y, int stride, int w, int h) {
        long n = 0;
        int bits = width / BLOCK;
        int row = 8 * h / height;
        for (int b = 0; b < bits && b < 63; b++) {
            int x = (b * BLOCK + BLOCK / 2) * w / width;
            if ((y.get(row * stride + x) & 0xFF) > 128) {
                n |= 1L << b;
            }
        }
        return n;
    }

    /** What the relay and the publisher said, for a failure's message. */
    String logs() {
        try {
            return "rtsp-server-perl: " + java.nio.file.Files.readString(dir.resolve("rtsp-server.log"))
                    + "\nffmpeg publisher: " + java.nio.file.Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopPublishing();
        server.destroy();
        if (!server.waitFor(5, TimeUnit.SECONDS)) {
            server.destroyForcibly();
        }
    }
}
