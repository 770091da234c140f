package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Session;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * Issue 3's benchmark, not a test: run by {@code bench/integration.sh}, never by the test command (the class name
 * does not end in IT). Prints a Markdown table; asserts only that the runs did what they measured.
 */
class IntegrationBenchmark {
    private static final String PW = "bench-admin-secret";
    private static final int DELIVERIES = Integer.getInteger("bench.deliveries", 2000);

    @Test
    void measure() throws Exception {
        StringBuilder table = new StringBuilder();
        table.append("| measure | PostgreSQL |\n|---|---|\n");
        String[] pg = run();
        String[] names = {"hot install → in /status (ms, median of 10)",
            "all-systems: total minus the slowest system's own time, 4 systems (ms, median of 20)",
            "deliveries/s, " + DELIVERIES + " results, adapter = one loopback HTTP POST",
            "raw Artemis durable send+receive/s on the same broker (reference)",
            "ratio deliveries / raw messages"};
        for (int i = 0; i < names.length; i++) {
            table.append("| ").append(names[i]).append(" | ").append(pg[i]).append(" |\n");
        }
        System.out.println("\nBENCHMARK\n" + table);
        Files.writeString(Paths.get(System.getProperty("telehub.instances")).resolve("integration-benchmark.md"),
                table.toString());
    }

    private String[] run() throws Exception {
        try (RemoteSystem remote = new RemoteSystem(); KarafInstance k = KarafInstance.create("bench")) {
            k.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=" + PW);
            Files.writeString(k.home.resolve("etc/org.telehub.adapter.test-main.cfg"),
                    "id=ehr-main\nbehaviour=ok\nremoteUrl=" + remote.url() + "\n");
            for (int ms : new int[] {50, 100, 200}) {
                Files.writeString(k.home.resolve("etc/org.telehub.adapter.test-slow" + ms + ".cfg"),
                        "id=slow-" + ms + "\nbehaviour=slow:" + ms + "\n");
            }
            k.start();
            String admin = k.login("admin", PW);
            k.post("/api/v1/users", admin, "application/json",
                    "{\"username\":\"dr.bench\",\"roles\":[\"doctor\"],\"password\":\"benchmark-doctor\"}");
            String doctor = k.login("dr.bench", "benchmark-doctor");
            String p1 = k.patientInCareOf(doctor, "Pat Bench"); // issue 14: the doctor's own patient
            Path jar = Paths.get(System.getProperty("telehub.testAdapter"));

            // hot install, 10 times
            List<Long> install = new ArrayList<>();
            long bundle = -1;
            for (int i = 0; i < 10; i++) {
                String out = k.shell("admin", PW, "bundle:install -s " + jar.toUri());
                long t0 = System.nanoTime();
                while (KarafInstance.json(k.get("/api/v1/integration/status", admin)).size() < 4) {
                    Thread.sleep(2);
                }
                install.add((System.nanoTime() - t0) / 1_000_000);
                Matcher m = Pattern.compile("Bundle ID: (\\d+)").matcher(out);
                assertTrue(m.find(), out);
                bundle = Long.parseLong(m.group(1));
                if (i < 9) {
                    k.shell("admin", PW, "bundle:uninstall " + bundle);
                    while (!k.get("/api/v1/integration/status", admin).body().equals("[]")) {
                        Thread.sleep(10);
                    }
                }
            }
            k.awaitRoutes(java.time.Duration.ofSeconds(30));

            // all-systems across 50/100/200 ms systems
            for (String id : List.of("slow-50", "slow-100", "slow-200", "ehr-main")) {
                HttpResponse<String> r = k.put("/api/v1/integration/patient/" + p1 + "/identifiers/" + id, doctor,
                        "{\"identifier\":\"MRN-1\"}");
                assertTrue(r.statusCode() < 300, r.body());
            }
            // the slow systems only read: deliveries go to ehr-main alone (targets)
            List<Long> overhead = new ArrayList<>();
            for (int i = 0; i < 22; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = k.get("/api/v1/integration/patient/" + p1 + "/all-systems", doctor);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(200, r.statusCode(), r.body());
                long slowest = 0;
                for (com.fasterxml.jackson.databind.JsonNode sys : KarafInstance.json(r).get("systems")) {
                    slowest = Math.max(slowest, sys.path("latencyMillis").asLong());
                }
                if (i >= 2) { // two warm-up reads
                    overhead.add(ms - slowest);
                }
            }

            // durable deliveries
            String load0 = Files.readString(Paths.get("/proc/loadavg")).trim();
            java.time.Instant w0 = java.time.Instant.now();
            long t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Integer>> sends = new ArrayList<>();
            for (int i = 0; i < DELIVERIES; i++) {
                int n = i;
                sends.add(pool.submit(() -> k.post("/api/v1/integration/patient/" + p1 + "/send-results", doctor,
                        "application/json", "{\"targets\":[\"ehr-main\"],\"report\":{\"code\":\"11488-4\",\"title\":\"bench "
                                + n + "\",\"conclusion\":\"ok\"}}").statusCode()));
            }
            for (Future<Integer> f : sends) {
                assertEquals(202, f.get());
            }
            pool.shutdown();
            long submitted = (System.nanoTime() - t0) / 1_000_000;
            int atTarget = remote.records.size();
            while (remote.records.size() < DELIVERIES) {
                Thread.sleep(5);
            }
            double perSecond = DELIVERIES / ((System.nanoTime() - t0) / 1e9);
            // the window, to cut a profile of the hub to this phase, and the machine's load around it
            System.out.println("BENCH deliveries window " + w0 + " " + java.time.Instant.now() + "; all 202 after " + submitted + " ms, "
                    + atTarget + " at the target by then; load before "
                    + load0 + ", after " + Files.readString(Paths.get("/proc/loadavg")).trim());

            // reference: the same number of durable messages through the same broker, sent and received
            String secret = k.read("data/telehub/broker.secret").trim();
            double raw;
            try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + k.brokerPort
                    + "?consumerWindowSize=0"); javax.jms.Connection c = cf.createConnection("telehub", secret)) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                javax.jms.Queue q = s.createQueue("bench.raw." + UUID.randomUUID());
                MessageProducer p = s.createProducer(q);
                p.setDeliveryMode(javax.jms.DeliveryMode.PERSISTENT);
                MessageConsumer consumer = s.createConsumer(q);
                long r0 = System.nanoTime();
                for (int i = 0; i < DELIVERIES; i++) {
                    p.send(s.createTextMessage("m" + i));
                }
                for (int i = 0; i < DELIVERIES; i++) {
                    assertTrue(consumer.receive(10_000) != null);
                }
                raw = DELIVERIES / ((System.nanoTime() - r0) / 1e9);
            }
            return new String[] {Long.toString(median(install)), Long.toString(median(overhead)),
                String.format(Locale.ROOT, "%.0f", perSecond), String.format(Locale.ROOT, "%.0f", raw),
                String.format(Locale.ROOT, "%.2f", perSecond / raw)};
        }
    }

    private static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
