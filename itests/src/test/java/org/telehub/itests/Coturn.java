package org.telehub.itests;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Debian's coturn ({@code turnserver}) on 127.0.0.1 for the video tests: the TURN REST scheme ({@code use-auth-secret}
 * with a shared secret the hub is given too), loopback peers allowed (everything here is on 127.0.0.1), relays from a
 * port range of its own. Started by the test, stopped with it.
 */
final class Coturn implements AutoCloseable {
    final int port;
    final String secret;
    private final Process process;
    private final Path dir;

    private Coturn(Process process, Path dir, int port, String secret) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.secret = secret;
    }

    /** The URL peers use: TURN over UDP on 127.0.0.1. */
    String url() {
        return "turn:127.0.0.1:" + port + "?transport=udp";
    }

    static Coturn start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("telehub-coturn");
        byte[] s = new byte[24];
        new SecureRandom().nextBytes(s);
        String secret = HexFormat.of().formatHex(s);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        int relays = 40000 + new SecureRandom().nextInt(200) * 100;
        Process p = new ProcessBuilder("turnserver", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1",
                "--listening-port=" + port, "--min-port=" + relays, "--max-port=" + (relays + 99),
                "--use-auth-secret", "--static-auth-secret=" + secret, "--realm=telehub.test",
                "--allow-loopback-peers", "--no-cli", "--no-tls", "--no-dtls", "--no-multicast-peers",
                "--db=" + dir.resolve("turndb"), "--pidfile=" + dir.resolve("turnserver.pid"),
                "--log-file=" + dir.resolve("turnserver.log"), "--simple-log", "--no-software-attribute",
                "--fingerprint").redirectErrorStream(true).redirectOutput(dir.resolve("turnserver.out").toFile())
                .start();
        Coturn c = new Coturn(p, dir, port, secret);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        for (;;) {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return c;
            } catch (IOException notYet) {
                if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                    c.close();
                    throw new IOException("turnserver did not start (is Debian's coturn installed?): "
                            + Files.readString(dir.resolve("turnserver.out")));
                }
                Thread.sleep(100);
            }
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
