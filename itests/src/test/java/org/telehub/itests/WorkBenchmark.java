package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Session;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * Work items/s through a handler that does nothing (submitted in batches, each batch one transaction, from 4
 * clients), beside a raw Artemis durable send+receive of the same number of messages in transactions of the same
 * batch size, on the same broker in the same run. bench/work.sh runs it.
 */
class WorkBenchmark {
    private static final int N = Integer.getInteger("bench.work.items", 4000);
    private static final int BATCH = Integer.getInteger("bench.work.batch", 50);

    @Test
    void workItemsPerSecondBesideRawArtemis() throws Exception {
        try (KarafInstance k = KarafInstance.create("work-benchmark")) {
            k.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=",
                    "bootstrapAdminPassword=" + WorkIT.ADMIN_PASSWORD);
            k.start();
            WorkIT.install(k);
            WorkIT.submit(k, "itest.noop", 10, "done", false); // warm-up
            while (WorkIT.count(k, "itest.noop", "done") < 10) {
                Thread.sleep(20);
            }
            ExecutorService clients = Executors.newFixedThreadPool(4);
            long t0 = System.nanoTime();
            List<Future<List<String>>> sent = new ArrayList<>();
            for (int i = 0; i < N; i += BATCH) {
                sent.add(clients.submit(() -> WorkIT.submit(k, "itest.noop", BATCH, "done", false)));
            }
            for (Future<List<String>> f : sent) {
                assertEquals(BATCH, f.get().size());
            }
            double submitSeconds = (System.nanoTime() - t0) / 1e9;
            while (WorkIT.count(k, "itest.noop", "done") < N + 10) {
                Thread.sleep(10);
                assertTrue(System.nanoTime() - t0 < 600_000_000_000L, "the items did not finish within 10 min");
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            clients.shutdown();
            double perSecond = N / seconds;

            String secret = k.read("data/telehub/broker.secret").trim();
            double raw;
            try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + k.brokerPort
                    + "?consumerWindowSize=0"); javax.jms.Connection c = cf.createConnection("telehub", secret)) {
                c.start();
                Session ps = c.createSession(true, Session.SESSION_TRANSACTED);
                Session cs = c.createSession(true, Session.SESSION_TRANSACTED);
                javax.jms.Queue q = ps.createQueue("bench.raw." + UUID.randomUUID());
                MessageProducer p = ps.createProducer(q);
                p.setDeliveryMode(javax.jms.DeliveryMode.PERSISTENT);
                MessageConsumer consumer = cs.createConsumer(q);
                long r0 = System.nanoTime();
                for (int i = 0; i < N; i++) {
                    p.send(ps.createTextMessage(UUID.randomUUID().toString()));
                    if ((i + 1) % BATCH == 0) {
                        ps.commit();
                    }
                }
                ps.commit();
                for (int i = 0; i < N; i++) {
                    assertTrue(consumer.receive(10_000) != null);
                    if ((i + 1) % BATCH == 0) {
                        cs.commit();
                    }
                }
                cs.commit();
                raw = N / ((System.nanoTime() - r0) / 1e9);
            }
            String line = String.format(Locale.ROOT, "| %d | %d | %.1f | %.0f | %.0f | %.2f |", N, BATCH,
                    submitSeconds, perSecond, raw, perSecond / raw);
            System.out.println("WORK BENCHMARK " + line);
            Files.writeString(k.home.getParent().resolve("work-benchmark.md"),
                    "| items | batch | submitted in (s) | work items/s | raw Artemis durable send+receive/s | ratio |\n"
                            + "|---|---|---|---|---|---|\n" + line + "\n");
        }
    }
}
