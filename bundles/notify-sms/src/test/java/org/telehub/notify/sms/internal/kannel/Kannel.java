package org.telehub.notify.sms.internal.kannel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Kannel on 127.0.0.1 for tests: Debian's {@code bearerbox} and {@code smsbox} (package {@code kannel}) with
 * the fake SMSC of {@code kannel-extras} connected to it, every port free and bound to the loopback, a generated
 * {@code kannel.conf} and the logs in {@code dir}. {@link #received()} is what reached the fake SMSC, decoded.
 * Public in this bundle's test-jar, so other bundles' tests send through the real channel to a real gateway
 * ({@link #channel}).
 */
public final class Kannel implements AutoCloseable {
    static final Path BEARERBOX = Path.of("/usr/sbin/bearerbox");
    static final Path SMSBOX = Path.of("/usr/sbin/smsbox");
    static final Path FAKESMSC = Path.of("/usr/lib/kannel/test/fakesmsc");
    /** {@code Got message 1: <from to ucs-2 %06%CC…>} or {@code … <from to text hello+there>}. */
    private static final Pattern GOT = Pattern.compile("Got message \\d+: <(\\S+) (\\S+) (\\S+) (.*)>");

    /** One message as the SMSC got it: its text whole, and in how many parts it came. */
    public record Sms(String from, String to, String coding, String text, int parts) {
    }

    final Path dir;
    public final int sendsmsPort;
    private final List<Process> processes = new ArrayList<>();

    private Kannel(Path dir, int sendsmsPort) {
        this.dir = dir;
        this.sendsmsPort = sendsmsPort;
    }

    public static Kannel start(Path dir, String user, String password) throws Exception {
        for (Path p : List.of(BEARERBOX, SMSBOX, FAKESMSC)) {
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(p + " is missing: install Debian's kannel and kannel-extras"
                        + " (./telehub test does)");
            }
        }
        Files.createDirectories(dir);
        int admin = freePort();
        int box = freePort();
        int smsc = freePort();
        int sendsms = freePort();
        String conf = """
                group = core
                admin-port = %d
                admin-interface = 127.0.0.1
                admin-password = %s
                admin-allow-ip = 127.0.0.1
                smsbox-port = %d
                smsbox-interface = 127.0.0.1
                box-deny-ip = "*.*.*.*"
                box-allow-ip = 127.0.0.1
                log-file = "%s/bearerbox.log"
                log-level = 1

                group = smsc
                smsc = fake
                smsc-id = fake
                port = %d
                our-host = 127.0.0.1
                connect-allow-ip = 127.0.0.1

                group = smsbox
                bearerbox-host = 127.0.0.1
                bearerbox-port = %d
                sendsms-port = %d
                sendsms-interface = 127.0.0.1
                global-sender = 13013
                log-file = "%s/smsbox.log"
                log-level = 1

                group = sendsms-user
                username = %s
                password = %s
                max-messages = 5
                concatenation = true

                group = sms-service
                keyword = default
                text = "No service"
                """.formatted(admin, Long.toHexString(System.nanoTime()), box, dir, smsc, box, sendsms, dir, user,
                password);
        Path cfg = dir.resolve("kannel.conf");
        Files.writeString(cfg, conf);
        Kannel k = new Kannel(dir, sendsms);
        try {
            k.run("bearerbox", BEARERBOX.toString(), "-v", "1", cfg.toString());
            k.await(smsc, "bearerbox");
            k.run("fakesmsc", FAKESMSC.toString(), "-H", "127.0.0.1", "-r", String.valueOf(smsc), "-m", "0",
                    "1 2 text unused");
            k.run("smsbox", SMSBOX.toString(), "-v", "1", cfg.toString());
            k.await(sendsms, "smsbox");
            // the SMSC is connected (else a message waits in bearerbox's queue until it is, which is fine but slow)
            k.awaitLog(dir.resolve("bearerbox.log"), "Fakesmsc client connected");
            k.awaitLog(dir.resolve("smsbox.log"), "Connected to bearerbox");
            return k;
        } catch (Exception | Error e) {
            k.close();
            throw e;
        }
    }

    /**
     * The real, enabled SMS channel over the real Kannel provider, sending as {@code from} through this Kannel's
     * {@code sendsms} interface.
     */
    public org.telehub.domain.notify.NotificationChannel channel(String user, String password, String from) {
        return org.telehub.notify.sms.internal.SmsChannelAccess.channel(true, new KannelSendSms("http://127.0.0.1:"
                + sendsmsPort + "/cgi-bin/sendsms", user, password, from, "", "", 31, 5));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void run(String name, String... command) throws IOException {
        Path out = dir.resolve(name + ".out");
        processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start());
    }

    private void await(int port, String what) throws Exception {
        for (long end = System.currentTimeMillis() + 15_000; System.currentTimeMillis() < end;) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(what + " ended (exit " + p.exitValue() + "); see " + dir);
                }
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException(what + " did not listen on 127.0.0.1:" + port + " in 15 s; see " + dir);
    }

    private void awaitLog(Path log, String line) throws Exception {
        for (long end = System.currentTimeMillis() + 15_000; System.currentTimeMillis() < end;) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(line)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no '" + line + "' in " + log + " after 15 s");
    }

    /**
     * Messages the fake SMSC printed, UCS-2 ones decoded; {@code text} ones are form-encoded bytes (UTF-8 here). A
     * long message Kannel split into concatenated parts (the SMSC prints each as {@code udh <header> data <bytes>},
     * the header {@code 05 00 03 <ref> <total> <seq>}) is put together once every part arrived, as one message of
     * coding {@code ucs-2} with {@link Sms#parts} its parts (the tests split only UCS-2 text).
     */
    public List<Sms> received() throws IOException {
        List<Sms> out = new ArrayList<>();
        java.util.Map<String, java.util.TreeMap<Integer, byte[]>> split = new java.util.LinkedHashMap<>();
        java.util.Map<String, Integer> totals = new java.util.HashMap<>();
        Matcher m = GOT.matcher(Files.readString(dir.resolve("fakesmsc.out"), StandardCharsets.ISO_8859_1));
        while (m.find()) {
            if (m.group(3).equals("udh")) {
                String[] hd = m.group(4).split(" data ", 2);
                byte[] udh = bytes(hd[0]);
                String key = m.group(1) + " " + m.group(2) + " " + (udh[3] & 0xff);
                split.computeIfAbsent(key, k -> new java.util.TreeMap<>()).put(udh[5] & 0xff, bytes(hd[1]));
                totals.put(key, udh[4] & 0xff);
                continue;
            }
            byte[] raw = bytes(m.group(4));
            String text = new String(raw, m.group(3).equals("ucs-2") ? StandardCharsets.UTF_16BE
                    : StandardCharsets.UTF_8);
            out.add(new Sms(m.group(1), m.group(2), m.group(3), text, 1));
        }
        split.forEach((key, parts) -> {
            if (parts.size() == totals.get(key)) {
                java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                parts.values().forEach(all::writeBytes);
                String[] k = key.split(" ");
                out.add(new Sms(k[0], k[1], "ucs-2", all.toString(StandardCharsets.UTF_16BE), parts.size()));
            }
        });
        return out;
    }

    private static byte[] bytes(String formEncoded) {
        return URLDecoder.decode(formEncoded, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        // smsbox first, then the SMSC, then bearerbox: each goes down without a queue left waiting on the other
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            try {
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
