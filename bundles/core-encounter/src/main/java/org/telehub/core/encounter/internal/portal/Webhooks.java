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
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.core.encounter.event.EncounterEvent;
import org.telehub.core.encounter.event.EncounterEventListener;
import org.telehub.core.encounter.internal.EncounterConfig;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.domain.InvalidException;
import org.telehub.files.SecretBox;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;
import org.telehub.work.WorkState;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Portal webhooks: a subscriber of encounter events ({@value #SUBSCRIBER}) that turns each event portals are told
 * about into one work item per active subscription on topic {@value #TOPIC}, ordered per subscription (key = the
 * webhook id, so a portal sees one encounter's changes in order), idempotency key {@code <webhook>:<sequence>}; and
 * the handler of those items: a POST signed with the subscription's secret ({@value #SIGNATURE}: {@code t=<unix
 * seconds>,v1=<hex HMAC-SHA256 of "t.body">}), the secret kept sealed with the master key ({@link SecretBox}).
 * Retries, backoff (the {@code webhook*} settings, given to the work service as this handler's policy), dead and
 * replay are the work service's; the delivery's state is its work item's, shown in the words the API always used
 * ({@link #state}).
 */
@Component(service = {Webhooks.class, EncounterEventListener.class}, configurationPid = "org.telehub.encounter",
        property = EncounterEventListener.SUBSCRIBER + "=" + Webhooks.SUBSCRIBER)
public class Webhooks implements EncounterEventListener {
    public static final String SUBSCRIBER = "portal-webhooks";
    public static final String TOPIC = "encounter.webhook";
    public static final String SIGNATURE = "X-Telehub-Signature";
    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final EncounterDb db;
    private final SecretBox box;
    private final EncounterConfig config;
    private final WorkService work;
    private final HttpClient http;
    private final ServiceRegistration<WorkHandler> handler;

    @Activate
    public Webhooks(@Reference EncounterDb db, @Reference SecretBox box, @Reference WorkService work,
            EncounterConfig config, BundleContext context) {
        this.db = db;
        this.box = box;
        sealPlainSecrets();
        this.config = config;
        this.work = work;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(config.webhookTimeoutMillis()))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        // the policy comes from this bundle's configuration, so the handler is registered by hand with it
        this.handler = context == null ? null : context.registerService(WorkHandler.class, this::handle,
                new java.util.Hashtable<>(Map.of(WorkHandler.TOPIC, TOPIC, WorkHandler.ORDERED, Boolean.TRUE,
                        WorkHandler.CONSUMERS, config.consumers(), WorkHandler.MAX_ATTEMPTS,
                        config.webhookMaxAttempts(), WorkHandler.BACKOFF_INITIAL_MILLIS,
                        config.webhookBaseBackoffMillis(), WorkHandler.BACKOFF_MAX_MILLIS,
                        config.webhookMaxBackoffMillis())));
    }

    /**
     * Seals secrets still plain (kept so before issue 14) in place, each by a compare-and-set update: a start killed
     * half-way leaves the rest plain for the next one, and of nodes starting at once one seals each row.
     */
    private void sealPlainSecrets() {
        List<String[]> plain = db.jdbi().withHandle(h -> h.createQuery("SELECT id, secret FROM encounter_webhook")
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)}).list()).stream()
                .filter(r -> !box.isSealed(r[1])).toList();
        int sealed = 0;
        for (String[] r : plain) {
            sealed += db.jdbi().withHandle(h -> h.createUpdate("UPDATE encounter_webhook SET secret = :sealed"
                    + " WHERE id = :id AND secret = :plain").bind("sealed", box.seal(r[1], context(r[0])))
                    .bind("id", r[0]).bind("plain", r[1]).execute());
        }
        if (!plain.isEmpty()) {
            LOG.info("Sealed {} of {} plain webhook secrets with the master key (the rest by another node)", sealed,
                    plain.size());
        }
    }

    /** Where a subscription's secret is kept, bound to its sealed form: it opens for that subscription only. */
    public static String context(String webhookId) {
        return "encounter_webhook.secret:" + webhookId;
    }

    @Deactivate
    void close() {
        if (handler != null) {
            try {
                handler.unregister();
            } catch (IllegalStateException gone) {
                // the bundle is stopping
            }
        }
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
                .bind("id", s.id()).bind("url", url).bind("secret", box.seal(secret, context(s.id()))).bind("d", description).bind("by", by)
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

    /** Newest first; {@code state} in the API's words (null: all). One work-item read per page. */
    public List<Delivery> deliveries(String webhookId, String state, int limit) {
        List<Row> rows = db.jdbi().withHandle(h -> h.createQuery("SELECT id, webhook_id, event_id, event_type,"
                + " encounter_id, last_status, created_at, delivered_at FROM encounter_webhook_delivery WHERE webhook_id = :w"
                + " ORDER BY created_at DESC, id LIMIT :l").bind("w", webhookId)
                .bind("l", state == null ? limit : 5000).map((rs, ctx) -> row(rs)).list());
        Map<String, WorkItem> items = work.find(rows.stream().map(Row::id).toList());
        List<Delivery> out = new ArrayList<>();
        for (Row r : rows) {
            Delivery d = view(r, items.get(r.id()));
            if (state == null || state.equals(d.state())) {
                out.add(d);
                if (out.size() == limit) {
                    break;
                }
            }
        }
        return out;
    }

    public Optional<Delivery> delivery(String id) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT id, webhook_id, event_id, event_type, encounter_id,"
                + " last_status, created_at, delivered_at FROM encounter_webhook_delivery WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> row(rs)).findOne()).map(r -> view(r, work.find(r.id()).orElse(null)));
    }

    /** Starts a dead delivery over (attempts from zero); false if it is not dead. */
    public boolean replay(String id) {
        return work.replay(id).orElse(false);
    }

    @Override
    public String subscriberName() {
        return SUBSCRIBER;
    }

    /** One delivery per active subscription, in one transaction; handed twice, the second time adds nothing. */
    @Override
    public void onEvent(EncounterEvent event) throws Exception {
        String type = PortalEvents.type(event);
        if (type == null) {
            return;
        }
        db.jdbi().useTransaction(h -> {
            List<String> hooks = h.createQuery("SELECT id FROM encounter_webhook WHERE active = TRUE")
                    .mapTo(String.class).list();
            if (hooks.isEmpty()) {
                return;
            }
            Map<String, Object> body = PortalEvents.body(event, type,
                    org.telehub.core.encounter.internal.encounter.EncounterStore.encounter(h, event.encounterId())
                            .orElseThrow());
            String json;
            try {
                json = JSON.writeValueAsString(body);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            for (String hook : hooks) {
                String payload = JSON.writeValueAsString(Map.of("webhookId", hook, "eventId", body.get("id"),
                        "eventType", type, "body", json));
                String id = work.submit(h, WorkRequest.of(TOPIC, payload).withKey(hook)
                        .withIdempotencyKey(hook + ":" + event.sequence()));
                h.createUpdate("INSERT INTO encounter_webhook_delivery (id, webhook_id, event_id, event_type,"
                        + " encounter_id, created_at) VALUES (:id, :w, :ev, :type, :enc, :now)"
                        + " ON CONFLICT (id) DO NOTHING").bind("id", id).bind("w", hook)
                        .bind("ev", String.valueOf(body.get("id"))).bind("type", type)
                        .bind("enc", event.encounterId()).bind("now", ts(event.occurredAt())).execute();
            }
        });
    }

    private record Target(String url, String secret) {
    }

    /** One signed POST; the work service retries, backs off and declares dead. */
    public Verdict handle(WorkItem item) throws Exception {
        Map<String, Object> p = JSON.readValue(item.payload(), MAP);
        Optional<Target> target = db.jdbi().withHandle(h -> h.createQuery("SELECT url, secret FROM encounter_webhook"
                + " WHERE id = :id").bind("id", p.get("webhookId")).map((rs, ctx) -> new Target(rs.getString(1),
                        rs.getString(2))).findOne());
        if (target.isEmpty()) {
            return Verdict.done(); // the subscription was deleted, and its deliveries with it
        }
        String secret;
        try {
            // only a sealed secret signs: one written plain by someone without the master key is refused
            secret = box.open(target.get().secret(), context((String) p.get("webhookId")));
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.error("Webhook {}: {}", p.get("webhookId"), e.getMessage());
            return Verdict.retry("the subscription's secret cannot be used: " + e.getMessage());
        }
        String body = (String) p.get("body");
        Integer status = null;
        String error;
        try {
            long t = Instant.now().getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(URI.create(target.get().url()))
                    .timeout(Duration.ofMillis(config.webhookTimeoutMillis()))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Telehub-Webhooks/1")
                    .header("X-Telehub-Event", (String) p.get("eventType"))
                    .header("X-Telehub-Event-Id", (String) p.get("eventId"))
                    .header("X-Telehub-Delivery", item.id())
                    .header(SIGNATURE, "t=" + t + ",v1=" + sign(secret, t, body))
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
            HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
            status = r.statusCode();
            error = status / 100 == 2 ? null : "the portal answered HTTP " + status;
        } catch (java.io.IOException e) {
            error = "cannot reach the portal: " + e;
        } catch (IllegalArgumentException e) {
            return Verdict.giveUp("bad URL: " + e.getMessage());
        }
        Integer st = status;
        Timestamp delivered = error == null ? Timestamp.from(Instant.now()) : null;
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE encounter_webhook_delivery SET last_status = :st,"
                + " delivered_at = :at WHERE id = :id").bind("st", st).bind("at", delivered).bind("id", item.id())
                .execute());
        if (error != null) {
            LOG.debug("Webhook delivery {} attempt {}: {}", item.id(), item.attempts(), error);
            return Verdict.retry(error);
        }
        return Verdict.done();
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

    private static Subscription subscription(ResultSet rs) throws SQLException {
        return new Subscription(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5),
                instant(rs, 6));
    }

    private record Row(String id, String webhookId, String eventId, String eventType, String encounterId,
            Integer lastStatus, Instant createdAt, Instant deliveredAt) {
    }

    private static Row row(ResultSet rs) throws SQLException {
        int st = rs.getInt(6);
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.wasNull() ? null : st, instant(rs, 7), instant(rs, 8));
    }

    /**
     * A delivery with its work item's state; once the item is pruned (done items go after the work service's
     * {@code keepFinishedHours}; dead ones stay, these are never cancelled) the row's own delivery time says it.
     */
    private Delivery view(Row r, WorkItem i) {
        if (i == null) {
            return new Delivery(r.id(), r.webhookId(), r.eventId(), r.eventType(), r.encounterId(),
                    r.deliveredAt() != null ? "delivered" : "unknown", 0, config.webhookMaxAttempts(), null,
                    r.lastStatus(), null, r.createdAt(), r.deliveredAt(), r.deliveredAt());
        }
        return new Delivery(r.id(), r.webhookId(), r.eventId(), r.eventType(), r.encounterId(), state(i),
                i.attempts(), config.webhookMaxAttempts(), i.dueAt(), r.lastStatus(), i.lastError(), r.createdAt(),
                i.updatedAt(), i.state() == WorkState.DONE ? i.finishedAt() : null);
    }

    /** The work item's state in the API's words: pending, retrying, in_flight, delivered, dead, cancelled. */
    static String state(WorkItem i) {
        return switch (i.state()) {
            case PENDING -> i.attempts() == 0 ? "pending" : "retrying";
            case RUNNING -> "in_flight";
            case DONE -> "delivered";
            case DEAD -> "dead";
            case CANCELLED -> "cancelled";
        };
    }
}
