package org.telehub.core.encounter.internal.portal;

import static org.telehub.core.encounter.internal.Sql.instant;
import static org.telehub.core.encounter.internal.Sql.ts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.jms.ConnectionFactory;
import javax.jms.JMSException;

import org.jdbi.v3.core.Handle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.messaging.Messaging;
import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.internal.EncounterConfig;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.core.encounter.internal.encounter.Encounter;
import org.telehub.core.encounter.internal.work.WorkQueue;
import org.telehub.domain.InvalidException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Portal webhooks. Every status change of an encounter writes one delivery row per active subscription in the
 * change's own transaction (an outbox); after the commit a persistent message on {@value #QUEUE} makes a worker
 * POST the event, signed: {@code X-Telehub-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." +
 * body)>}. A 2xx answer delivers it; anything else is retried with exponential backoff (scheduled Artemis messages)
 * until it is dead after the configured attempts. Every attempt's outcome is in the delivery log.
 */
@Component(service = Webhooks.class, configurationPid = "org.telehub.encounter")
public class Webhooks {
    public static final String QUEUE = "telehub.encounter.webhook";
    public static final String SIGNATURE = "X-Telehub-Signature";
    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DELIVERY_COLUMNS = "id, webhook_id, event_id, event_type, encounter_id, state,"
            + " attempts, max_attempts, next_attempt_at, last_status, last_error, created_at, updated_at, delivered_at";

    private final EncounterDb db;
    private final EncounterConfig config;
    private final HttpClient http;
    private final WorkQueue queue;

    @Activate
    public Webhooks(@Reference EncounterDb db,
            @Reference(target = Messaging.CONNECTION_FACTORY_FILTER) ConnectionFactory factory, EncounterConfig config)
            throws JMSException {
        this.db = db;
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(config.webhookTimeoutMillis()))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.queue = new WorkQueue(factory, QUEUE, config.consumers(), this::attempt, this::lost,
                config.sweepSeconds());
    }

    /** Without a broker (tests): nothing is queued; {@link #attempt} is called directly. */
    public Webhooks(EncounterDb db, EncounterConfig config) {
        this.db = db;
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(config.webhookTimeoutMillis())).build();
        this.queue = null;
    }

    @Deactivate
    void close() {
        queue.close();
    }

    /** A subscription as the API shows it: never the secret. */
    public record Subscription(String id, String url, String description, boolean active, String createdBy,
            Instant createdAt) {
    }

    /** One event to one subscription. */
    public record Delivery(String id, String webhookId, String eventId, String eventType, String encounterId,
            String state, int attempts, int maxAttempts, Instant nextAttemptAt, Integer lastStatus, String lastError,
            Instant createdAt, Instant updatedAt, Instant deliveredAt) {
    }

    public Subscription create(String url, String secret, String description, String by) {
        URI uri;
        try {
            uri = url == null ? null : new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new InvalidException("url", "Not a URL: " + e.getReason());
        }
        if (uri == null || !uri.isAbsolute() || uri.getHost() == null
                || !List.of("http", "https").contains(uri.getScheme().toLowerCase(java.util.Locale.ROOT))
                || url.length() > 2000) {
            throw new InvalidException("url", "An absolute http or https URL of at most 2000 characters");
        }
        if (secret == null || secret.length() < 16 || secret.length() > 200) {
            throw new InvalidException("secret", "16 to 200 characters: the portal checks signatures with it");
        }
        if (description != null && description.length() > 200) {
            throw new InvalidException("description", "At most 200 characters");
        }
        Subscription s = new Subscription(UUID.randomUUID().toString(), url, description, true, by, Instant.now());
        db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO encounter_webhook (id, url, secret, description, active,"
                + " created_by, created_at) VALUES (:id, :url, :secret, :d, TRUE, :by, :t)")
                .bind("id", s.id()).bind("url", url).bind("secret", secret).bind("d", description).bind("by", by)
                .bind("t", ts(s.createdAt())).execute());
        return s;
    }

    public List<Subscription> list() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT id, url, description, active, created_by, created_at"
                + " FROM encounter_webhook ORDER BY created_at, id").map((rs, ctx) -> subscription(rs)).list());
    }

    public Optional<Subscription> get(String id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT id, url, description, active, created_by, created_at"
                + " FROM encounter_webhook WHERE id = :id").bind("id", id).map((rs, ctx) -> subscription(rs))
                .findOne());
    }

    /** Removes a subscription and its delivery log; false if there was none. */
    public boolean delete(String id) {
        return db.jdbi().withHandle(h -> h.createUpdate("DELETE FROM encounter_webhook WHERE id = :id")
                .bind("id", id).execute()) == 1;
    }

    public List<Delivery> deliveries(String webhookId, String state, int limit) {
        return db.jdbi().withHandle(h -> {
            var q = h.createQuery("SELECT " + DELIVERY_COLUMNS + " FROM encounter_webhook_delivery WHERE webhook_id = :w"
                    + (state == null ? "" : " AND state = :s") + " ORDER BY created_at DESC, id LIMIT :l")
                    .bind("w", webhookId).bind("l", limit);
            if (state != null) {
                q.bind("s", state);
            }
            return q.map((rs, ctx) -> delivery(rs)).list();
        });
    }

    public Optional<Delivery> delivery(String id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + DELIVERY_COLUMNS
                + " FROM encounter_webhook_delivery WHERE id = :id").bind("id", id).map((rs, ctx) -> delivery(rs))
                .findOne());
    }

    /** Starts a dead delivery over (attempts from zero); false if it is not dead. */
    public boolean replay(String id) {
        Instant now = Instant.now();
        boolean ok = db.jdbi().withHandle(h -> h.createUpdate("UPDATE encounter_webhook_delivery SET state = 'pending',"
                + " attempts = 0, next_attempt_at = :now, updated_at = :now WHERE id = :id AND state = 'dead'")
                .bind("now", ts(now)).bind("id", id).execute()) == 1;
        if (ok && queue != null) {
            queue.send(id, null);
        }
        return ok;
    }

    /**
     * In the change's transaction: one pending delivery per active subscription for an event portals are told
     * about (an outbox); returns what to queue after the commit.
     */
    public Runnable onEvent(Handle h, EncounterEvent event, Encounter current) {
        String type = PortalEvents.type(event, current);
        if (type == null) {
            return () -> { };
        }
        List<String> ids = outbox(h, PortalEvents.body(event, current, type), event.occurredAt());
        return ids.isEmpty() || queue == null ? () -> { }
                : () -> queue.send(ids.stream().map(id -> new WorkQueue.Work(id, null)).toList());
    }

    /** In the status change's transaction: one pending delivery per active subscription; returns their ids. */
    private List<String> outbox(Handle h, Map<String, Object> event, Instant now) {
        List<String> hooks = h.createQuery("SELECT id FROM encounter_webhook WHERE active = TRUE")
                .mapTo(String.class).list();
        if (hooks.isEmpty()) {
            return List.of();
        }
        String body;
        try {
            body = JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        List<String> ids = new java.util.ArrayList<>();
        for (String hook : hooks) {
            String id = UUID.randomUUID().toString();
            h.createUpdate("INSERT INTO encounter_webhook_delivery (id, webhook_id, event_id, event_type, encounter_id,"
                    + " payload, state, attempts, max_attempts, next_attempt_at, created_at, updated_at)"
                    + " VALUES (:id, :w, :ev, :type, :enc, :body, 'pending', 0, :max, :now, :now, :now)")
                    .bind("id", id).bind("w", hook).bind("ev", String.valueOf(event.get("id")))
                    .bind("type", String.valueOf(event.get("type"))).bind("enc", String.valueOf(event.get("encounterId")))
                    .bind("body", body).bind("max", config.webhookMaxAttempts()).bind("now", ts(now)).execute();
            ids.add(id);
        }
        return ids;
    }

    private record Claimed(String url, String secret, String payload, String eventId, String eventType, int attempts,
            int maxAttempts) {
    }

    public void attempt(String id) {
        Instant now = Instant.now();
        Optional<Claimed> claimed = db.jdbi().inTransaction(h -> {
            int n = h.createUpdate("UPDATE encounter_webhook_delivery SET state = 'in_flight', attempts = attempts + 1,"
                    + " updated_at = :now WHERE id = :id AND state IN ('pending', 'retrying') AND next_attempt_at <= :due")
                    .bind("now", ts(now)).bind("id", id).bind("due", ts(now.plusSeconds(1))).execute();
            if (n != 1) {
                return Optional.<Claimed>empty();
            }
            return h.createQuery("SELECT w.url, w.secret, d.payload, d.event_id, d.event_type, d.attempts,"
                    + " d.max_attempts FROM encounter_webhook_delivery d JOIN encounter_webhook w ON w.id = d.webhook_id"
                    + " WHERE d.id = :id").bind("id", id)
                    .map((rs, ctx) -> new Claimed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getInt(6), rs.getInt(7))).findOne();
        });
        if (claimed.isEmpty()) {
            return; // delivered, in another worker's hands, not due, or its subscription is gone
        }
        Claimed c = claimed.get();
        Integer status = null;
        String error;
        try {
            long t = Instant.now().getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(URI.create(c.url()))
                    .timeout(Duration.ofMillis(config.webhookTimeoutMillis()))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Telehub-Webhooks/1")
                    .header("X-Telehub-Event", c.eventType())
                    .header("X-Telehub-Event-Id", c.eventId())
                    .header("X-Telehub-Delivery", id)
                    .header(SIGNATURE, "t=" + t + ",v1=" + sign(c.secret(), t, c.payload()))
                    .POST(HttpRequest.BodyPublishers.ofString(c.payload(), StandardCharsets.UTF_8)).build();
            HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
            status = r.statusCode();
            error = status / 100 == 2 ? null : "the portal answered HTTP " + status;
        } catch (java.io.IOException e) {
            error = "cannot reach the portal: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (IllegalArgumentException e) {
            error = "bad URL: " + e.getMessage();
        }
        Instant after = Instant.now();
        Integer st = status;
        if (error == null) {
            db.jdbi().useHandle(h -> h.createUpdate("UPDATE encounter_webhook_delivery SET state = 'delivered',"
                    + " last_status = :st, last_error = NULL, updated_at = :now, delivered_at = :now WHERE id = :id")
                    .bind("st", st).bind("now", ts(after)).bind("id", id).execute());
            return;
        }
        boolean dead = c.attempts() >= c.maxAttempts();
        Instant next = after.plusMillis(backoffMillis(c.attempts()));
        String err = error.length() > 500 ? error.substring(0, 500) : error;
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE encounter_webhook_delivery SET state = :s, last_status = :st,"
                + " last_error = :e, next_attempt_at = :next, updated_at = :now WHERE id = :id")
                .bind("s", dead ? "dead" : "retrying").bind("st", st).bind("e", err).bind("next", ts(next))
                .bind("now", ts(after)).bind("id", id).execute());
        if (dead) {
            LOG.warn("Webhook delivery {} is dead after {} attempts: {}", id, c.attempts(), err);
        } else if (queue != null) {
            queue.send(id, next);
        }
    }

    /** Exponential backoff with jitter: base × 2^(attempt-1), capped, between half and all of it. */
    long backoffMillis(int attempt) {
        long ceiling = Math.min(config.webhookMaxBackoffMillis(),
                config.webhookBaseBackoffMillis() * (1L << Math.min(20, Math.max(0, attempt - 1))));
        return ceiling / 2 + (long) (Math.random() * (ceiling / 2.0));
    }

    /** Hex HMAC-SHA256 of {@code t + "." + body} under the subscription's secret. */
    public static String sign(String secret, long t, String body) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(m.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Deliveries left in flight by a crash are retrying again; due ones not touched for half of lostAfterSeconds
     * (30 s by default: their message lost) are returned.
     */
    private List<String> lost() {
        Instant now = Instant.now();
        return db.jdbi().inTransaction(h -> {
            h.createUpdate("UPDATE encounter_webhook_delivery SET state = 'retrying', updated_at = :now,"
                    + " last_error = 'interrupted in flight (restart or crash); retrying'"
                    + " WHERE state = 'in_flight' AND updated_at < :stuck")
                    .bind("now", ts(now)).bind("stuck", ts(now.minusMillis(2 * config.webhookTimeoutMillis() + 5000)))
                    .execute();
            return h.createQuery("SELECT id FROM encounter_webhook_delivery WHERE state IN ('pending', 'retrying')"
                    + " AND next_attempt_at <= :now AND updated_at < :lost ORDER BY next_attempt_at"
                    + " FETCH FIRST 500 ROWS ONLY").bind("now", ts(now)).bind("lost", ts(now.minusSeconds(config.lostAfterSeconds() / 2)))
                    .mapTo(String.class).list();
        });
    }

    private static Subscription subscription(ResultSet rs) throws SQLException {
        return new Subscription(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5),
                instant(rs, 6));
    }

    private static Delivery delivery(ResultSet rs) throws SQLException {
        int st = rs.getInt("last_status");
        Integer lastStatus = rs.wasNull() ? null : st;
        return new Delivery(rs.getString("id"), rs.getString("webhook_id"), rs.getString("event_id"),
                rs.getString("event_type"), rs.getString("encounter_id"), rs.getString("state"), rs.getInt("attempts"),
                rs.getInt("max_attempts"), instant(rs, "next_attempt_at"), lastStatus, rs.getString("last_error"),
                instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "delivered_at"));
    }
}
