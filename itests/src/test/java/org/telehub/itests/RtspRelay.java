package org.telehub.itests;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An RTSP relay on 127.0.0.1 for the live-picture tests (issue 22), as a streaming box on an endoscopy video
 * processor's output gives one: Debian's {@code rtsp-server-perl}, which takes a stream published to it
 * (ANNOUNCE/RECORD, e.g. by ffmpeg: {@link #publishUrl}) and serves it to players over RTP/UDP ({@link #url}). Its
 * RTP ports start at 20000 whatever it is told: one relay per machine at a time. What is published, and when it stops,
 * is the test's (the browser spec runs ffmpeg). Started by the test, stopped with it.
 */
final class RtspRelay implements AutoCloseable {
    private final Process process;
    private final int sourcePort;
    private final int clientPort;
    final Path log;

    private RtspRelay(Process process, int sourcePort, int clientPort, Path log) {
        this.process = process;
        this.sourcePort = sourcePort;
        this.clientPort = clientPort;
        this.log = log;
    }

    static RtspRelay start() throws IOException, InterruptedException {
        int source = KarafInstance.freePort();
        int client = KarafInstance.freePort();
        Path log = Files.createTempFile("telehub-rtsp-relay", ".log");
        Process p = new ProcessBuilder("rtsp-server-perl", "--serverport", Integer.toString(source), "--clientport",
                Integer.toString(client), "--source_listen_address", "127.0.0.1", "--client_listen_address",
                "127.0.0.1", "--loglevel", "2").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RtspRelay r = new RtspRelay(p, source, client, log);
        for (int i = 0; i < 100; i++) {
            try (Socket ignored = new Socket("127.0.0.1", source)) {
                return r;
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    break;
                }
                Thread.sleep(100);
            }
        }
        r.close();
        throw new IllegalStateException("rtsp-server-perl does not listen on " + source + ": " + Files.readString(log));
    }

    /** Where a publisher sends the stream ({@code ffmpeg … -f rtsp <this>}). */
    String publishUrl() {
        return "rtsp://127.0.0.1:" + sourcePort + "/scope";
    }

    /** Where players (the hub's media engine) read it. */
    String url() {
        return "rtsp://127.0.0.1:" + clientPort + "/scope";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
