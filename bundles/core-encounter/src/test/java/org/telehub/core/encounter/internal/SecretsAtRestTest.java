package org.telehub.core.encounter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telehub.core.encounter.internal.BookingTest.doctor;
import static org.telehub.core.encounter.internal.BookingTest.patient;
import static org.telehub.core.encounter.internal.BookingTest.tomorrow;
import static org.telehub.core.encounter.internal.BookingTest.visit;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.Action;
import org.telehub.core.encounter.internal.BookingTest.Hub;
import org.telehub.core.encounter.internal.join.JoinLinks;
import org.telehub.core.encounter.internal.portal.Webhooks;

import com.sun.net.httpserver.HttpServer;

/**
 * The join-link key and the portals' webhook secrets at rest (issue 14), on PostgreSQL with the file store bundle's
 * real secret box: the raw columns hold no plain secret; rows kept plain by the version before are sealed in place at
 * the next start, once, whatever starts at the same moment or died half-way; links issued before still verify and
 * webhooks still sign with the portal's secret.
 */
class SecretsAtRestTest {
    private static final String SECRET = "portal-shared-secret-0123";

    private static String rawKey(Hub h) {
        return h.jdbi().withHandle(x -> x.createQuery("SELECT key_value FROM encounter_key WHERE name = 'join'")
                .mapTo(String.class).one());
    }

    private static String rawSecret(Hub h, String webhookId) {
        return h.jdbi().withHandle(x -> x.createQuery("SELECT secret FROM encounter_webhook WHERE id = :id")
                .bind("id", webhookId).mapTo(String.class).one());
    }

    /** The state the version before issue 14 left: the key and every secret plain. */
    private static String makePlain(Hub h, List<Webhooks.Subscription> subs, List<String> secrets) {
        String key = h.box().open(rawKey(h), JoinLinks.KEY_CONTEXT);
        h.jdbi().useHandle(x -> x.createUpdate("UPDATE encounter_key SET key_value = :k").bind("k", key).execute());
        for (int i = 0; i < subs.size(); i++) {
            String id = subs.get(i).id();
            String s = secrets.get(i);
            h.jdbi().useHandle(x -> x.createUpdate("UPDATE encounter_webhook SET secret = :s WHERE id = :id")
                    .bind("s", s).bind("id", id).execute());
        }
        return key;
    }

    private static HttpServer portal(ConcurrentLinkedQueue<String[]> received) throws Exception {
        HttpServer portal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        portal.createContext("/hook", x -> {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new String[] {x.getRequestHeaders().getFirst(Webhooks.SIGNATURE), body});
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        portal.start();
        return portal;
    }

    private static void assertSignedWith(String secret, String[] r) {
        String[] sig = r[0].split(",");
        assertEquals("v1=" + Webhooks.sign(secret, Long.parseLong(sig[0].substring(2)), r[1]), sig[1]);
    }

    private static String token(String link) {
        return link.substring(link.indexOf("token=") + 6);
    }

    /**
     * Fails on the code before: there the raw columns hold the Base64 key and the portal's secret as they are.
     */
    @Test
    void newSecretsAreStoredSealedAndStillSign() throws Exception {
        Hub h = BookingTest.hub();
        ConcurrentLinkedQueue<String[]> received = new ConcurrentLinkedQueue<>();
        HttpServer portal = portal(received);
        try {
            Webhooks.Subscription sub = h.webhooks().create("http://127.0.0.1:" + portal.getAddress().getPort()
                    + "/hook", SECRET, "portal", "admin");
            EncounterService.EncounterDetails e = h.encounters().book(h.admin(), visit(doctor(h, "Dr Key"),
                    patient(h, "Pat"), tomorrow(10)));
            h.work().drain();
            String key = rawKey(h);
            String secret = rawSecret(h, sub.id());
            assertTrue(key.startsWith("sb1:") && secret.startsWith("sb1:"), key + " " + secret);
            assertFalse(secret.contains(SECRET));
            String plainKey = h.box().open(key, JoinLinks.KEY_CONTEXT);
            assertFalse(key.contains(plainKey), "the key's Base64 is not in the column");
            assertEquals(1, received.size());
            assertSignedWith(SECRET, received.peek());
            assertEquals("patient", h.links().verify(token(e.joinLinks().get("patient"))).role());
        } finally {
            portal.stop(0);
        }
    }

    /**
     * Fails on the code before (nothing sealed) and on a start that would make a new key instead of sealing the old
     * one (the link issued before would no longer verify).
     */
    @Test
    void plainSecretsFromBeforeAreSealedInPlaceAndKeepWorking() throws Exception {
        Hub h = BookingTest.hub();
        ConcurrentLinkedQueue<String[]> received = new ConcurrentLinkedQueue<>();
        HttpServer portal = portal(received);
        try {
            Webhooks.Subscription sub = h.webhooks().create("http://127.0.0.1:" + portal.getAddress().getPort()
                    + "/hook", SECRET, "portal", "admin");
            EncounterService.EncounterDetails e = h.encounters().book(h.admin(), visit(doctor(h, "Dr Up"),
                    patient(h, "Pat"), tomorrow(10)));
            String before = token(e.joinLinks().get("doctor"));
            String plainKey = makePlain(h, List.of(sub), List.of(SECRET));

            // the upgraded start
            EncounterDb db = new EncounterDb(h.jdbi());
            JoinLinks links = new JoinLinks(db, h.box(), 30, "https://hub.example");
            Webhooks hooks = new Webhooks(db, h.box(), h.work(), h.config(), null);
            String key = rawKey(h);
            assertTrue(key.startsWith("sb1:") && !key.contains(plainKey), key);
            assertTrue(rawSecret(h, sub.id()).startsWith("sb1:") && !rawSecret(h, sub.id()).contains(SECRET));
            assertEquals("moderator", links.verify(before).role(), "a link signed before the upgrade verifies");

            h.work().handle(Webhooks.TOPIC, hooks::handle);
            h.encounters().transition(h.admin(), e.id(), Action.CONFIRM, null);
            h.work().drain();
            assertEquals(2, received.size(), "scheduled and confirmed");
            received.forEach(r -> assertSignedWith(SECRET, r));

            // the next start changes nothing
            new JoinLinks(db, h.box(), 30, "https://hub.example").verify(before);
            new Webhooks(db, h.box(), h.work(), h.config(), null);
            assertEquals(key, rawKey(h), "sealed once");
        } finally {
            portal.stop(0);
        }
    }

    /**
     * A start killed after sealing some rows, then four nodes starting at once: each row sealed exactly once (a row
     * sealed twice would open to a sealed value, not the secret), every node with the same join key. Fails on a
     * start that seals every row it finds (tried: the rows the killed start had sealed come back sealed twice).
     */
    @Test
    void aStartKilledHalfWayAndNodesStartingAtOnceSealEachRowOnce() throws Exception {
        Hub h = BookingTest.hub();
        List<Webhooks.Subscription> subs = new ArrayList<>();
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            secrets.add(SECRET + "-" + i);
            subs.add(h.webhooks().create("http://127.0.0.1:9/hook" + i, secrets.get(i), null, "admin"));
        }
        EncounterService.EncounterDetails e = h.encounters().book(h.admin(), visit(doctor(h, "Dr Race"),
                patient(h, "Pat"), tomorrow(10)));
        String before = token(e.joinLinks().get("patient"));
        makePlain(h, subs, secrets);
        // the start that was killed: it had sealed the first two secrets
        for (int i = 0; i < 2; i++) {
            String id = subs.get(i).id();
            String sealed = h.box().seal(secrets.get(i), Webhooks.context(id));
            h.jdbi().useHandle(x -> x.createUpdate("UPDATE encounter_webhook SET secret = :s WHERE id = :id")
                    .bind("s", sealed).bind("id", id).execute());
        }

        int nodes = 4;
        CyclicBarrier together = new CyclicBarrier(nodes);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<JoinLinks>> started = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                Callable<JoinLinks> node = () -> {
                    EncounterDb db = new EncounterDb(h.jdbi());
                    together.await();
                    new Webhooks(db, h.box(), h.work(), h.config(), null);
                    return new JoinLinks(db, h.box(), 30, "https://hub.example");
                };
                started.add(pool.submit(node));
            }
            for (Future<JoinLinks> node : started) {
                assertEquals("patient", node.get().verify(before).role());
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < subs.size(); i++) {
            assertEquals(secrets.get(i), h.box().open(rawSecret(h, subs.get(i).id()), Webhooks.context(
                    subs.get(i).id())), "sealed exactly once");
        }
    }

    /**
     * Someone who can write the database but has no master key cannot make the hub sign with a secret of their
     * choosing: a plain value, or another subscription's sealed secret, signs nothing.
     */
    @Test
    void aSecretNotSealedForItsSubscriptionSignsNothing() throws Exception {
        Hub h = BookingTest.hub();
        ConcurrentLinkedQueue<String[]> received = new ConcurrentLinkedQueue<>();
        HttpServer portal = portal(received);
        try {
            String url = "http://127.0.0.1:" + portal.getAddress().getPort() + "/hook";
            Webhooks.Subscription a = h.webhooks().create(url, SECRET, "a", "admin");
            Webhooks.Subscription b = h.webhooks().create(url, "another-portal-secret-4567", "b", "admin");
            String sealedForA = rawSecret(h, a.id());
            h.jdbi().useHandle(x -> x.createUpdate("UPDATE encounter_webhook SET secret = :s WHERE id = :id")
                    .bind("s", "chosen-by-the-intruder").bind("id", a.id()).execute());
            h.jdbi().useHandle(x -> x.createUpdate("UPDATE encounter_webhook SET secret = :s WHERE id = :id")
                    .bind("s", sealedForA).bind("id", b.id()).execute());
            h.encounters().book(h.admin(), visit(doctor(h, "Dr Intruder"), patient(h, "Pat"), tomorrow(10)));
            h.work().drain();
            assertEquals(0, received.size(), "nothing signed");
            for (Webhooks.Subscription s : List.of(a, b)) {
                Webhooks.Delivery d = h.webhooks().deliveries(s.id(), null, 10).get(0);
                assertEquals("dead", d.state());
                assertTrue(d.lastError().contains("secret cannot be used"), d.lastError());
            }
        } finally {
            portal.stop(0);
        }
    }
}
