package org.telehub.integration.manager.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.notify.Notification;
import org.telehub.domain.notify.NotificationChannel;
import org.telehub.health.HealthIndicator;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterHealth;
import org.telehub.persistence.Database;
import org.telehub.security.AccountContacts;
import org.telehub.security.Roles;
import org.telehub.work.TelehubExecutors;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;

/**
 * Every connected system's health, watched: each adapter, once it was UP, is a health check of its own
 * ({@code adapter:<id>}, so {@code /api/v1/health} names it and {@code telehub_health_up{check="adapter:<id>"}}
 * charts it), and when a system that was UP stays DEGRADED or DOWN for {@code alertAfterSeconds} (an HL7 v2 interface gone silent, an EHR that no
 * longer answers), every administrator with an e-mail address is told, once, through a durable work item each; and
 * again when it is back UP. A system never seen UP since the hub started (configured, not connected yet) is not an
 * alarm. On several nodes each node watches its own adapters; the work items' idempotency keys (adapter, state,
 * since) keep one node's retries from telling twice.
 */
@Component(service = AdapterWatch.class, immediate = true, configurationPid = "org.telehub.integration.alerts",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = AlertsConfig.class)
public class AdapterWatch implements WorkHandler {
    static final String TOPIC = "integration.adapter-alert";
    private static final Logger LOG = LoggerFactory.getLogger(AdapterWatch.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the watch knows of one system: its state since when, and the last state administrators were told. */
    record Seen(AdapterHealth.State state, String detail, Instant since, boolean wasUp, AdapterHealth.State told) {
    }

    /** An alert to send: one administrator, one change. */
    record Alert(String adapter, String vendor, String product, String state, String detail, String since,
            String username, String email) {
    }

    private final AdapterRegistry registry;
    private final WorkService work;
    private final Database database;
    private final AccountContacts contacts;
    private final Clock clock;
    private final Duration after;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Map<String, ServiceRegistration<HealthIndicator>> checks = new ConcurrentHashMap<>();
    private BundleContext context;
    private ServiceRegistration<WorkHandler> handler;
    private ScheduledFuture<?> timer;

    /** The e-mail channel, when one is configured and enabled. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(&(channel=email)(!(enabled=false)))")
    volatile NotificationChannel email;

    @Activate
    public AdapterWatch(@Reference AdapterRegistry registry, @Reference WorkService work,
            @Reference Database database, @Reference AccountContacts contacts, @Reference TelehubExecutors executors,
            AlertsConfig config, BundleContext context) {
        this(registry, work, database, contacts, Clock.systemUTC(), config);
        this.context = context;
        // by hand, not as this component's service: the work service binds its handlers while it is created
        this.handler = context.registerService(WorkHandler.class, this, new Hashtable<>(Map.of(WorkHandler.TOPIC,
                TOPIC, WorkHandler.MAX_ATTEMPTS, 8, WorkHandler.BACKOFF_INITIAL_MILLIS, 30_000L,
                WorkHandler.BACKOFF_MAX_MILLIS, 600_000L)));
        long every = Math.max(1, config.checkSeconds());
        this.timer = executors.pool("integration-watch", 1).scheduleWithFixedDelay(this::checkSafely, every, every,
                TimeUnit.SECONDS);
    }

    AdapterWatch(AdapterRegistry registry, WorkService work, Database database, AccountContacts contacts,
            Clock clock, AlertsConfig config) {
        this.registry = registry;
        this.work = work;
        this.database = database;
        this.contacts = contacts;
        this.clock = clock;
        this.after = Duration.ofSeconds(config.alertAfterSeconds());
    }

    @Deactivate
    void close() {
        if (timer != null) {
            timer.cancel(true);
        }
        for (ServiceRegistration<?> r : List.copyOf(checks.values())) {
            unregister(r);
        }
        checks.clear();
        if (handler != null) {
            unregister(handler);
        }
    }

    private void checkSafely() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn("Reading the systems' health failed: {}", e.toString());
        }
    }

    /** One round: every adapter's health read, its check registered, alerts submitted where a change lasted. */
    void check() {
        Round round = due();
        if (!round.alerts().isEmpty()) {
            database.jdbi().useTransaction(h -> work.submitAll(h, round.alerts()));
        }
        told(round);
    }

    /** The alerts that became due in a round, and what administrators know once they are submitted. */
    record Round(List<WorkRequest> alerts, Map<String, Seen> told) {
    }

    /** After the round's alerts were stored: the states told (a failed submit tells again next round). */
    void told(Round round) {
        round.told().forEach((id, s) -> seen.computeIfPresent(id, (k, now) -> now.state() == s.state()
                && now.since().equals(s.since()) ? s : now));
    }

    /** The health of each adapter read now; the alerts that became due. */
    Round due() {
        Instant now = clock.instant();
        Set<String> present = new HashSet<>();
        List<WorkRequest> alerts = new ArrayList<>();
        Map<String, Seen> told = new java.util.HashMap<>();
        for (Adapter a : registry.adapters()) {
            String id = a.info().id();
            present.add(id);
            AdapterHealth h = health(a);
            Seen s = seen.compute(id, (k, before) -> next(before, h, now));
            if (context != null && s.wasUp()) {
                // a check of the hub's health from its first UP on: one configured but never connected is not one
                checks.computeIfAbsent(id, k -> context.registerService(HealthIndicator.class, indicator(id),
                        new Hashtable<>(Map.of("adapter", id))));
            }
            if (!after.isZero() && s.wasUp() && s.state() != s.told()
                    && !now.isBefore(s.since().plus(after))) {
                alerts.addAll(requests(a, s));
                told.put(id, new Seen(s.state(), s.detail(), s.since(), true, s.state()));
            }
        }
        seen.keySet().retainAll(present);
        for (String id : List.copyOf(checks.keySet())) {
            if (!present.contains(id)) {
                ServiceRegistration<HealthIndicator> r = checks.remove(id);
                if (r != null) {
                    unregister(r);
                }
            }
        }
        return new Round(alerts, told);
    }

    /** The state machine: a change restarts the clock; the first UP arms the alarm. */
    static Seen next(Seen before, AdapterHealth h, Instant now) {
        String detail = detail(h);
        boolean up = h.state() == AdapterHealth.State.UP;
        if (before == null) {
            return new Seen(h.state(), detail, now, up, AdapterHealth.State.UP);
        }
        if (before.state() != h.state()) {
            return new Seen(h.state(), detail, now, before.wasUp() || up, before.told());
        }
        return new Seen(before.state(), detail, before.since(), before.wasUp() || up, before.told());
    }

    private List<WorkRequest> requests(Adapter a, Seen s) {
        Map<String, String> admins = contacts.emailsWithRole(Roles.ADMIN);
        if (admins.isEmpty()) {
            LOG.warn("System '{}' is {} since {} ({}); no administrator has an e-mail address to be told",
                    a.info().id(), s.state(), s.since(), s.detail());
            return List.of();
        }
        LOG.warn("System '{}' is {} since {} ({}); telling {} administrator(s)", a.info().id(), s.state(), s.since(),
                s.detail(), admins.size());
        List<WorkRequest> out = new ArrayList<>();
        admins.forEach((username, address) -> {
            Alert alert = new Alert(a.info().id(), a.info().vendor(), a.info().product(), s.state().name(),
                    s.detail(), s.since().toString(), username, address);
            out.add(WorkRequest.of(TOPIC, JSON.valueToTree(alert).toString()).withIdempotencyKey(a.info().id()
                    + "|" + s.state() + "|" + s.since().getEpochSecond() + "|" + username));
        });
        return out;
    }

    @Override
    public Verdict handle(WorkItem item) throws Exception {
        NotificationChannel channel = email;
        if (channel == null) {
            return Verdict.giveUp("no e-mail channel is enabled (etc/org.telehub.notify.email.cfg)");
        }
        JsonNode n = JSON.readTree(item.payload());
        String state = n.path("state").asText();
        String system = n.path("adapter").asText() + " (" + n.path("vendor").asText() + " "
                + n.path("product").asText() + ")";
        boolean back = "UP".equals(state);
        String subject = "Telehub: " + system + (back ? " is back UP" : " is " + state);
        String text = (back ? "The system " + system + " is UP again since " + n.path("since").asText() + "."
                : "The system " + system + " has been " + state + " since " + n.path("since").asText() + ": "
                        + n.path("detail").asText() + ".")
                + "\n\nIts state, last error and connect button: the Telehub page of the web console "
                + "(/system/console/telehub).";
        boolean sent = channel.send(new Notification("adapter-alert", null, "account", n.path("username").asText(),
                n.path("username").asText(), n.path("email").asText(), null, subject, text, null));
        return sent ? Verdict.done() : Verdict.giveUp("the e-mail channel cannot reach " + n.path("username"));
    }

    private static AdapterHealth health(Adapter a) {
        try {
            AdapterHealth h = a.health();
            return h != null ? h : new AdapterHealth(AdapterHealth.State.DOWN, "no health", null, null, null);
        } catch (RuntimeException e) {
            return new AdapterHealth(AdapterHealth.State.DOWN, "health() failed: " + e, null, null, null);
        }
    }

    private static String detail(AdapterHealth h) {
        return h.lastError() == null ? h.detail() : h.detail() + "; last error: " + h.lastError();
    }

    /** The adapter as a health check: UP, DEGRADED or DOWN as it says; never a secret (adapters say none). */
    private HealthIndicator indicator(String id) {
        String name = "adapter:" + id;
        return new HealthIndicator() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Check check() {
                long t0 = System.nanoTime();
                AdapterHealth h = registry.get(id).map(AdapterWatch::health).orElse(new AdapterHealth(
                        AdapterHealth.State.DOWN, "not installed", null, null, null));
                return new Check(HealthIndicator.Status.valueOf(h.state().name()), detail(h),
                        (System.nanoTime() - t0) / 1_000_000);
            }
        };
    }

    private static void unregister(ServiceRegistration<?> r) {
        try {
            r.unregister();
        } catch (IllegalStateException gone) {
            // the bundle is stopping
        }
    }
}
