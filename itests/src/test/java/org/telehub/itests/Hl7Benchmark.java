package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.StandardSocketFactory;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

import org.junit.jupiter.api.Test;

/**
 * Issue 21's benchmark: ADT A04s (each a new patient) over {@code bench.hl7.connections} MLLP connections, one
 * message in flight on each, for {@code bench.hl7.seconds} per round; the hub (stored with its work item in
 * PostgreSQL before AA) and, in the same run, interleaved, HAPI HL7 v2's own MLLP server that parses each message
 * and answers AA storing nothing (same canonical 2.5.1 model, no validation), in this JVM. Then how long the hub
 * takes to process what it stored (register each patient, map the MRN). bench/hl7.sh runs it.
 */
class Hl7Benchmark {
    private static final int CONNECTIONS = Integer.getInteger("bench.hl7.connections", 16);
    private static final int SECONDS = Integer.getInteger("bench.hl7.seconds", 10);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    /** Whether processing waits until the rounds are over (intake measured alone), as it does by default. */
    private static final boolean DEFER = !Boolean.getBoolean("bench.hl7.processDuringLoad");
    private static final String PROCESSOR = "org.telehub.adapter.hl7v2.internal.InboundProcessor";
    private static final AtomicLong SEQ = new AtomicLong();

    @Test
    void persistedAndAcknowledgedBesideAStoreNothingReceiver() throws Exception {
        int hubPort = KarafInstance.freePort();
        int rawPort = KarafInstance.freePort();
        try (KarafInstance k = KarafInstance.create("hl7-benchmark")) {
            k.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=",
                    "bootstrapAdminPassword=" + WorkIT.ADMIN_PASSWORD);
            Files.writeString(k.home.resolve("etc/org.telehub.adapter.hl7v2-bench.cfg"), "id=his-bench\nport="
                    + hubPort + "\nmaxConnections=" + (CONNECTIONS + 4) + "\n");
            k.start();
            String out = k.shell("admin", WorkIT.ADMIN_PASSWORD, "feature:install telehub-adapter-hl7v2");
            assertTrue(!out.contains("Error"), out);
            awaitListening(hubPort);
            HL7Service raw = rawHapi(rawPort);
            try {
                run("hub", hubPort, 5); // warm-up: the JIT, the pools, the database
                run("raw", rawPort, 5);
                if (DEFER) { // the stored messages wait for their handler (no attempt counted) until it is back
                    String off = k.shell("admin", WorkIT.ADMIN_PASSWORD, "scr:disable " + PROCESSOR);
                    assertTrue(!off.contains("Error"), off);
                }
                List<double[]> rounds = new ArrayList<>();
                for (int r = 0; r < ROUNDS; r++) {
                    double rawRate = run("raw", rawPort, SECONDS);
                    double hubRate = run("hub", hubPort, SECONDS);
                    rounds.add(new double[] {hubRate, rawRate});
                }
                long drainStart = System.currentTimeMillis();
                if (DEFER) {
                    k.shell("admin", WorkIT.ADMIN_PASSWORD, "scr:enable " + PROCESSOR);
                }
                double[] drain = drain(k, drainStart);
                StringBuilder md = new StringBuilder("| round | hub: stored + AA /s | HAPI store-nothing AA /s"
                        + " | ratio |\n|---|---|---|---|\n");
                double hubSum = 0;
                double rawSum = 0;
                for (int r = 0; r < rounds.size(); r++) {
                    double[] x = rounds.get(r);
                    hubSum += x[0];
                    rawSum += x[1];
                    md.append(String.format("| %d | %.0f | %.0f | %.2f |%n", r + 1, x[0], x[1], x[0] / x[1]));
                }
                md.append(String.format("| mean | %.0f | %.0f | %.2f |%n%n", hubSum / rounds.size(),
                        rawSum / rounds.size(), hubSum / rawSum));
                md.append(String.format("%d connections, %d s rounds, interleaved (HAPI first); processing %s. "
                        + "Processing of the %d stored admissions (a patient registered and an MRN mapped each): "
                        + "%.0f /s.%n", CONNECTIONS, SECONDS, DEFER ? "held until the rounds were over (intake alone)"
                                : "running beside the intake", (long) drain[0], drain[1]));
                Files.writeString(k.home.resolve("../hl7-benchmark.md"), md.toString());
                System.out.println(md);
            } finally {
                raw.stop();
            }
        }
    }

    /** AA answers a second over all connections for {@code seconds}. */
    private static double run(String label, int port, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        List<Future<Long>> counts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < CONNECTIONS; c++) {
            counts.add(pool.submit(() -> {
                long n = 0;
                try (MllpClient client = new MllpClient(port, 60_000)) {
                    while (System.nanoTime() < until) {
                        long i = SEQ.incrementAndGet();
                        String msg = "MSH|^~\\&|HIS|BENCH|TELEHUB|TELEHUB|20261205||ADT^A04^ADT_A01|B" + i
                                + "|P|2.5.1\rEVN|A04|20261205\rPID|1||BENCH-" + i + "^^^HIS^MR||Bench^Hl7 " + i
                                + "||19800101|U\rPV1|1|O";
                        String ack = client.exchange(msg.getBytes(StandardCharsets.US_ASCII),
                                StandardCharsets.US_ASCII);
                        assertTrue(ack.contains("MSA|AA|B" + i), label + ": " + ack);
                        n++;
                    }
                }
                return n;
            }));
        }
        long total = 0;
        for (Future<Long> f : counts) {
            total += f.get();
        }
        double secondsTaken = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        return total / secondsTaken;
    }

    /**
     * Waits until the hub has processed everything it stored: {count, processed/s} (from {@code since} when the
     * processing was held, else from the first message).
     */
    private static double[] drain(KarafInstance k, long since) throws Exception {
        String sql = "SELECT COUNT(*), COUNT(*) FILTER (WHERE state = 'processed'), EXTRACT(EPOCH FROM"
                + " MAX(processed_at) - " + (DEFER ? "to_timestamp(" + since / 1000.0 + ")" : "MIN(received_at)")
                + ") FROM hl7_message";
        for (long until = System.nanoTime() + 900_000_000_000L; System.nanoTime() < until;) {
            try (Connection c = DriverManager.getConnection(k.dbUrl, KarafInstance.pgUser(), "");
                    ResultSet rs = c.createStatement().executeQuery(sql)) {
                rs.next();
                if (rs.getLong(1) == rs.getLong(2)) {
                    return new double[] {rs.getLong(1), rs.getLong(1) / rs.getDouble(3)};
                }
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the stored admissions were not processed within 15 minutes");
    }

    private static void awaitListening(int port) throws Exception {
        for (long until = System.nanoTime() + 60_000_000_000L; System.nanoTime() < until;) {
            try (MllpClient c = new MllpClient(port, 5000)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the hub's listener did not open");
    }

    /** HAPI's MLLP server with an application that answers AA to everything, bound to loopback only. */
    private static HL7Service rawHapi(int port) throws Exception {
        HapiContext ctx = new DefaultHapiContext();
        ctx.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
        ctx.setValidationContext(ValidationContextFactory.noValidation());
        ctx.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        ctx.setSocketFactory(new StandardSocketFactory() {
            @Override
            public ServerSocket createServerSocket() throws IOException {
                return new ServerSocket() {
                    @Override
                    public void bind(SocketAddress endpoint, int backlog) throws IOException {
                        super.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                                ((InetSocketAddress) endpoint).getPort()), backlog);
                    }
                };
            }
        });
        HL7Service server = ctx.newServer(port, false);
        server.registerApplication("*", "*", new ReceivingApplication<Message>() {
            @Override
            public Message processMessage(Message m, Map<String, Object> meta) {
                try {
                    return m.generateACK();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public boolean canProcess(Message m) {
                return true;
            }
        });
        server.startAndWait();
        assertEquals(true, server.isRunning());
        return server;
    }
}
