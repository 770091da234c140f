package org.telehub.files.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real ClamAV {@code clamd} (Debian's clamav-daemon) on 127.0.0.1 for tests: no signature can be downloaded here, so
 * its database is one signature the test builds itself — {@code sigtool --md5} of the EICAR test file, which every
 * antivirus treats as a virus by agreement. One per test JVM, started on first use, stopped when the JVM ends.
 */
public final class Clamd {
    /** The EICAR test file (eicar.org): harmless, detected as a virus by agreement. */
    public static final byte[] EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
            .getBytes(StandardCharsets.US_ASCII);
    /** The signature name the database gives EICAR. */
    public static final String EICAR_SIGNATURE = "telehub-test-eicar";

    private static Clamd shared;

    private final Process process;
    private final Path dir;
    private final int port;

    private Clamd(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** The JVM's clamd, started on first call. */
    public static synchronized Clamd shared() throws IOException, InterruptedException {
        if (shared == null || !shared.process.isAlive()) {
            shared = start();
            Clamd c = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(c::stop));
        }
        return shared;
    }

    public int port() {
        return port;
    }

    /** A free TCP port on 127.0.0.1 (nothing listens there afterwards): a scanner that is down. */
    public static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static Clamd start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("telehub-clamd");
        Path db = Files.createDirectories(dir.resolve("db"));
        Path eicar = dir.resolve(EICAR_SIGNATURE);
        Files.write(eicar, EICAR);
        Process sig = new ProcessBuilder("sigtool", "--md5", eicar.toString()).redirectErrorStream(true).start();
        String line = new String(sig.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (sig.waitFor() != 0 || !line.endsWith(":" + EICAR_SIGNATURE)) {
            throw new IOException("sigtool --md5 failed (is Debian's clamav installed?): " + line);
        }
        Files.writeString(db.resolve("telehub-test.hdb"), line + "\n");
        int port = deadPort();
        Path conf = dir.resolve("clamd.conf");
        Files.writeString(conf, String.join("\n", "TCPSocket " + port, "TCPAddr 127.0.0.1",
                "DatabaseDirectory " + db, "Foreground yes", "LogFile " + dir.resolve("clamd.log"),
                "StreamMaxLength 300M", "MaxFileSize 300M", "MaxScanSize 300M", "AlertExceedsMax yes", ""));
        Process p = new ProcessBuilder("clamd", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("clamd.out").toFile()).start();
        Clamd c = new Clamd(p, dir, port);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!c.ping()) {
            if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                c.stop();
                throw new IOException("clamd did not start: " + Files.readString(dir.resolve("clamd.out")));
            }
            Thread.sleep(100);
        }
        return c;
    }

    /** clamd answers PING with PONG. */
    public boolean ping() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("zPING\0".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(4), StandardCharsets.US_ASCII).equals("PONG");
        } catch (IOException e) {
            return false;
        }
    }

    public void stop() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // a temp directory left behind
        }
    }
}
