package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Session;
import javax.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Issue 17's chat benchmark (bench/chat.sh): {@code bench.chat.sockets} sockets (default 1,000) in half as many
 * visits' conversations, a patient's and a doctor's socket in each, on one hub (or two, {@code bench.chat.nodes=2}:
 * patients on node B, doctors on node A, one database and A's broker). Each rate step sends {@code rate} messages a
 * second for {@code bench.chat.seconds}, spread evenly over the sockets; measured: acknowledged messages a second,
 * send → receive at the other member of the conversation (p50, p99, max), and messages lost (acknowledged, never
 * received by the other member), duplicated and out of order (per conversation, by sequence). Beside it, in the same
 * run on the same broker: a raw Artemis topic round trip (non-persistent, one producer, one consumer) at the top rate.
 */
class ChatBenchmark {
    private static final int SOCKETS = Integer.getInteger("bench.chat.sockets", 1000);
    private static final int SECONDS = Integer.getInteger("bench.chat.seconds", 20);
    private static final int NODES = Integer.getInteger("bench.chat.nodes", 1);
    private static final int[] RATES = Arrays.stream(System.getProperty("bench.chat.rates", "500,1000,2000")
            .split(",")).mapToInt(Integer::parseInt).toArray();
    private static final String ADMIN_PASSWORD = "bench-admin-secret";
    private static final String PW = "bench-pass-1";
    private static final int DOCTORS = 10;
    /** Client ids of every acknowledged message, and of every message the other member received, over the run. */
    static final java.util.Set<String> ACKED = ConcurrentHashMap.newKeySet();
    static final java.util.Set<String> RECEIVED = ConcurrentHashMap.newKeySet();

    /** One conversation's view at one socket: the last sequence received, and what went wrong. */
    static final class Member implements WebSocket.Listener {
        final int conversation;
        final int index;
        final Stats stats;
        final StringBuilder partial = new StringBuilder();
        final CompletableFuture<Void> subscribed = new CompletableFuture<>();
        final CompletableFuture<Void> welcomed = new CompletableFuture<>();
        volatile long lastSequence;
        volatile CompletableFuture<WebSocket> sending = CompletableFuture.completedFuture(null);
        WebSocket socket;

        Member(int conversation, int index, Stats stats) {
            this.conversation = conversation;
            this.index = index;
            this.stats = stats;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    frame(KarafInstance.JSON.readTree(text));
                } catch (Exception e) {
                    stats.errors.incrementAndGet();
                }
            }
            ws.request(1);
            return null;
        }

        private void frame(JsonNode f) {
            switch (f.path("type").asText()) {
                case "welcome" -> welcomed.complete(null);
                case "ack" -> {
                    if (f.path("re").asText().startsWith("sub")) {
                        lastSequence = f.path("data").path("delivered").asLong();
                        subscribed.complete(null);
                    } else {
                        stats.acked.incrementAndGet();
                        stats.lastAck = System.nanoTime();
                        ACKED.add(f.path("data").path("message").path("clientId").asText());
                    }
                }
                case "chat.message" -> {
                    long seq = f.path("data").path("sequence").asLong();
                    String text = f.path("data").path("text").asText();
                    if (!subscribed.isDone()) {
                        return; // the backlog before the ack
                    }
                    long expected = lastSequence + 1;
                    if (seq < expected) {
                        stats.duplicated.incrementAndGet();
                        return;
                    }
                    if (seq > expected) {
                        stats.outOfOrder.incrementAndGet();
                    }
                    lastSequence = seq;
                    // "b <sender socket> <nanoTime>": the other member's copy is the one measured
                    String[] p = text.split(" ");
                    if (p.length == 3 && p[0].equals("b") && Integer.parseInt(p[1]) != index) {
                        stats.received(System.nanoTime() - Long.parseLong(p[2]));
                        RECEIVED.add(f.path("data").path("clientId").asText());
                    }
                }
                case "error" -> stats.errors.incrementAndGet();
                default -> {
                }
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            stats.closed.incrementAndGet();
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            stats.closed.incrementAndGet();
        }

        void send(String frame) {
            synchronized (this) {
                sending = sending.thenCompose(x -> socket.sendText(frame, true));
            }
        }
    }

    /** Counters of one rate step; latencies in microseconds, bounded. */
    static final class Stats {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong acked = new AtomicLong();
        final AtomicLong receivedCount = new AtomicLong();
        final AtomicLong duplicated = new AtomicLong();
        final AtomicLong outOfOrder = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong closed = new AtomicLong();
        final AtomicLongArray micros = new AtomicLongArray(4_000_000);
        volatile long lastAck;

        void received(long nanos) {
            long i = receivedCount.getAndIncrement();
            if (i < micros.length()) {
                micros.set((int) i, nanos / 1000);
            }
        }

        long[] sorted() {
            int n = (int) Math.min(receivedCount.get(), micros.length());
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = micros.get(i);
            }
            Arrays.sort(out);
            return out;
        }

        void reset() {
            for (AtomicLong a : List.of(sent, acked, receivedCount, duplicated, outOfOrder, errors)) {
                a.set(0);
            }
        }
    }

    static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1000.0;
    }

    @Test
    void chatAtRateStepsBesideARawArtemisTopic() throws Exception {
        KarafInstance a = KarafInstance.create("chat-bench-a");
        KarafInstance b = null;
        try {
            configure(a);
            a.start();
            if (NODES == 2) {
                b = KarafInstance.joining("chat-bench-b", a);
                configure(b);
                b.start();
            }
            KarafInstance patientsNode = b != null ? b : a;
            String admin = a.login("admin", ADMIN_PASSWORD);
            int conversations = SOCKETS / 2;
            int patients = Math.max(1, conversations / DOCTORS);
            String[] doctorIds = new String[DOCTORS];
            String[] doctorTokens = new String[DOCTORS];
            for (int d = 0; d < DOCTORS; d++) {
                user(a, admin, "bench.doc" + d, "doctor");
                doctorIds[d] = Scheduling.doctor(a, admin, "Dr Bench " + d, "bench.doc" + d);
                doctorTokens[d] = a.login("bench.doc" + d, PW);
            }
            String[] patientIds = new String[patients];
            String[] patientTokens = new String[patients];
            for (int p = 0; p < patients; p++) {
                user(a, admin, "bench.pat" + p, "patient");
                patientIds[p] = Scheduling.patient(a, admin, "Bench Patient " + p, "bench.pat" + p);
                patientTokens[p] = patientsNode.login("bench.pat" + p, PW);
            }
            // conversation j: doctor j % DOCTORS, patient j / DOCTORS, at slot (patient + doctor) % patients of 30
            // minutes, so that no doctor and no patient has two visits at once
            String[] visits = new String[conversations];
            java.time.Instant day = Scheduling.dayAfterTomorrow(0);
            for (int j = 0; j < conversations; j++) {
                int d = j % DOCTORS;
                int p = j / DOCTORS;
                HttpResponse<String> r = a.post("/api/v1/encounters", admin, "application/json", Scheduling.visit(
                        doctorIds[d], patientIds[p], day.plus(Duration.ofMinutes(30L * ((p + d) % patients))), 30));
                assertEquals(201, r.statusCode(), r.body());
                visits[j] = KarafInstance.json(r).get("id").asText();
            }
            Stats stats = new Stats();
            List<Member> members = new ArrayList<>();
            List<HttpClient> clients = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                clients.add(HttpClient.newHttpClient());
            }
            long t0 = System.nanoTime();
            for (int j = 0; j < conversations; j++) {
                Member doc = open(clients.get(members.size() % 4), a, doctorTokens[j % DOCTORS], j, members.size(),
                        stats);
                members.add(doc);
                Member pat = open(clients.get(members.size() % 4), patientsNode, patientTokens[j / DOCTORS], j,
                        members.size(), stats);
                members.add(pat);
            }
            for (int j = 0; j < conversations; j++) {
                for (Member m : members.subList(2 * j, 2 * j + 2)) {
                    m.send("{\"v\":1,\"type\":\"chat.subscribe\",\"id\":\"sub\",\"data\":{\"encounterId\":\""
                            + visits[j] + "\",\"after\":0}}");
                }
            }
            for (Member m : members) {
                m.subscribed.get(60, TimeUnit.SECONDS);
            }
            double connectSeconds = (System.nanoTime() - t0) / 1e9;
            StringBuilder table = new StringBuilder();
            table.append(String.format(Locale.ROOT, "%d sockets in %d conversations on %d node(s), opened and"
                    + " subscribed in %.1f s; each step %d s%n%n", members.size(), conversations, NODES,
                    connectSeconds, SECONDS));
            table.append("| offered msg/s | acknowledged msg/s | send→receive p50 (ms) | p99 (ms) | max (ms) | lost |"
                    + " duplicated | out of order | error frames | closed sockets |\n|---|---|---|---|---|---|---|---|---|---|\n");
            // warm-up, not reported
            step(members, visits, 200, 5, stats);
            for (int rate : RATES) {
                stats.reset();
                String row = step(members, visits, rate, SECONDS, stats);
                System.out.println("CHAT BENCHMARK " + row);
                table.append(row).append('\n');
            }
            // lost for good: acknowledged during the run and never received by the other member, 60 s after the last
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!RECEIVED.containsAll(ACKED) && System.nanoTime() < until) {
                Thread.sleep(200);
            }
            java.util.Set<String> never = new java.util.HashSet<>(ACKED);
            never.removeAll(RECEIVED);
            table.append(String.format(Locale.ROOT, "%nOver the whole run: %d messages acknowledged, %d of them never"
                    + " received by the other member (\"lost\" in a row: not received within that step's 120 s)%n",
                    ACKED.size(), never.size()));
            for (Member m : members) {
                m.socket.abort();
            }
            table.append('\n').append(rawArtemis(a, RATES[RATES.length - 1], SECONDS));
            Files.writeString(a.home.getParent().resolve("chat-benchmark-" + NODES + ".md"), table.toString());
            System.out.println(table);
        } finally {
            if (b != null) {
                b.close();
            }
            a.close();
        }
    }

    private static void configure(KarafInstance k) {
        k.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=" + ADMIN_PASSWORD);
        // the bench's people are many sockets each (a doctor holds 50): their rates are not a person's typing
        k.edit("etc/org.telehub.realtime.cfg", "ratePerConnection=20", "ratePerConnection=1000");
        k.edit("etc/org.telehub.realtime.cfg", "ratePerUser=40", "ratePerUser=100000");
        k.edit("etc/org.telehub.realtime.cfg", "maxTopics=100", "maxTopics=1000");
        k.write("etc/org.telehub.chat.cfg", "unreadNoticeAfter=PT15M\n");
    }

    private static void user(KarafInstance k, String admin, String name, String role) throws Exception {
        HttpResponse<String> r = k.post("/api/v1/users", admin, "application/json", "{\"username\":\"" + name
                + "\",\"roles\":[\"" + role + "\"],\"password\":\"" + PW + "\"}");
        assertEquals(201, r.statusCode(), r.body());
    }

    private static Member open(HttpClient http, KarafInstance k, String token, int conversation, int index,
            Stats stats)
            throws Exception {
        Member m = new Member(conversation, index, stats);
        m.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).subprotocols("telehub.v1")
                .header("Authorization", "Bearer " + token)
                .buildAsync(URI.create("ws://127.0.0.1:" + k.httpPort + "/ws"), m).get(30, TimeUnit.SECONDS);
        m.welcomed.get(30, TimeUnit.SECONDS);
        return m;
    }

    /** Sends {@code rate} messages a second for {@code seconds}, round robin over the sockets; one table row. */
    private static final AtomicLong STEPS = new AtomicLong();

    private static String step(List<Member> members, String[] visits, int rate, int seconds, Stats stats)
            throws Exception {
        // each step its own client ids: a warm-up's "m-0" sent again would be a retry of the same message
        long stepNo = STEPS.incrementAndGet();
        long total = (long) rate * seconds;
        long t0 = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        for (long i = 0; i < total; i++) {
            long due = t0 + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 200_000) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            Member m = members.get((int) (i % members.size()));
            long now = System.nanoTime();
            m.send("{\"v\":1,\"type\":\"chat.send\",\"id\":\"m" + i + "\",\"data\":{\"encounterId\":\""
                    + visits[m.conversation] + "\",\"clientId\":\"s" + stepNo + "-" + i + "\",\"text\":\"b "
                    + m.index + " " + now + "\"}}");
            stats.sent.incrementAndGet();
        }
        // until every message is answered and every acknowledged one has reached the other member (or 120 s: what
        // has not arrived by then is counted lost)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while ((stats.acked.get() + stats.errors.get() < total || stats.receivedCount.get() < stats.acked.get())
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        long[] lat = stats.sorted();
        long lost = Math.max(0, stats.acked.get() - stats.receivedCount.get());
        return String.format(Locale.ROOT, "| %d | %.0f | %.1f | %.1f | %.1f | %d | %d | %d | %d | %d |", rate,
                stats.acked.get() / ((stats.lastAck - t0) / 1e9), pct(lat, 0.50), pct(lat, 0.99),
                lat.length == 0 ? Double.NaN : lat[lat.length - 1] / 1000.0, lost, stats.duplicated.get(),
                stats.outOfOrder.get(), stats.errors.get(), stats.closed.get());
    }

    /** The same rate through a raw Artemis topic (non-persistent), one producer and one consumer, same broker. */
    private static String rawArtemis(KarafInstance k, int rate, int seconds) throws Exception {
        String secret = k.read("data/telehub/broker.secret").trim();
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + k.brokerPort);
                javax.jms.Connection c = cf.createConnection("telehub", secret)) {
            c.start();
            Session ps = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session cs = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            javax.jms.Topic topic = ps.createTopic("bench.raw.chat");
            MessageConsumer consumer = cs.createConsumer(topic);
            Stats s = new Stats();
            long total = (long) rate * seconds;
            CountDownLatch all = new CountDownLatch((int) total);
            consumer.setMessageListener(m -> {
                try {
                    s.received(System.nanoTime() - Long.parseLong(((TextMessage) m).getText()));
                } catch (Exception e) {
                    s.errors.incrementAndGet();
                }
                all.countDown();
            });
            MessageProducer p = ps.createProducer(topic);
            p.setDeliveryMode(javax.jms.DeliveryMode.NON_PERSISTENT);
            long t0 = System.nanoTime();
            long interval = 1_000_000_000L / rate;
            for (long i = 0; i < total; i++) {
                long wait = t0 + i * interval - System.nanoTime();
                if (wait > 200_000) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                p.send(ps.createTextMessage(Long.toString(System.nanoTime())));
            }
            assertTrue(all.await(60, TimeUnit.SECONDS), "the raw topic lost messages");
            long[] lat = s.sorted();
            return String.format(Locale.ROOT, "Raw Artemis topic round trip (non-persistent, same broker, same run)"
                    + " at %d msg/s: p50 %.2f ms, p99 %.2f ms, max %.1f ms, %d lost%n", rate, pct(lat, 0.5),
                    pct(lat, 0.99), lat[lat.length - 1] / 1000.0, total - lat.length);
        }
    }
}
