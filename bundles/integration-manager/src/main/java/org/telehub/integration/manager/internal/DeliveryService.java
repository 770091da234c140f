package org.telehub.integration.manager.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.jms.ConnectionFactory;
import javax.jms.JMSException;

import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.InvalidException;
import org.telehub.domain.UnprocessableException;
import org.telehub.integration.api.Adapter;
import org.telehub.messaging.Messaging;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Durable deliveries of results to external systems. The database row is the truth (state, attempts, last error);
 * {@link DeliveryQueue} only says "attempt this row now" (per target system, delayed for retries). States:
 * queued → in_flight → delivered | retrying | dead ({@link DeliveryState}). A slow or hanging system delays only
 * its own deliveries, and a missing one's simply wait. What a target takes, and how it is filed, is its
 * capability handlers' ({@link CapabilityHandlers}); every attempt is a call through {@link SystemCalls}.
 *
 * <p>Nothing is lost: a message lost between commit and send, or a delivery interrupted by a crash, is found by
 * the sweeper; a target adapter that is missing (uninstalled, updating) leaves its deliveries waiting, without
 * counting attempts, until an adapter with that id is registered again, which wakes them at once.
 */
@Component(service = DeliveryService.class, configurationPid = "org.telehub.integration.delivery")
@Designate(ocd = DeliveryConfig.class)
public class DeliveryService {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryService.class);

    private final DeliveryStore store;
    private final PatientIdentifiers identifiers;
    private final AdapterRegistry registry;
    private final CapabilityHandlers capabilities;
    private final SystemCalls calls;
    private final AuditLog audit;
    private final DeliveryConfig config;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final DeliveryQueue queue;

    @Activate
    public DeliveryService(@Reference IntegrationSchema schema, @Reference AdapterRegistry registry,
            @Reference CapabilityHandlers capabilities, @Reference SystemCalls calls, @Reference AuditLog audit,
            @Reference(target = Messaging.CONNECTION_FACTORY_FILTER) ConnectionFactory factory, DeliveryConfig config)
            throws JMSException {
        this.store = new DeliveryStore(schema.jdbi());
        this.identifiers = new PatientIdentifiers(schema.jdbi());
        this.registry = registry;
        this.capabilities = capabilities;
        this.calls = calls;
        this.audit = audit;
        this.config = config;
        this.queue = new DeliveryQueue(factory, config.consumersPerSystem(), this::onAttempt, this::sweep,
                config.sweepSeconds());
    }

    @Deactivate
    void close() {
        queue.close();
    }

    /** An adapter (re)appeared: its waiting and retrying deliveries are due now. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindAdapter(Adapter adapter) {
        String adapterId = adapter.info().id();
        queue.open(adapterId);
        List<String> ids = store.wake(adapterId, Instant.now());
        if (!ids.isEmpty()) {
            LOG.info("Adapter '{}' is here: {} waiting deliveries resume", adapterId, ids.size());
            ids.forEach(id -> queue.enqueue(id, adapterId, 0));
        }
    }

    void unbindAdapter(Adapter adapter) {
        queue.close(adapter.info().id());
    }

    // ---- sending

    /** Request of {@code POST /patient/{id}/send-results}. */
    public record SendResults(String requestKey, List<String> targets, ResultPayload.Report report,
            List<ResultPayload.Observation> observations, ResultPayload.Analysis analysis) {
    }

    /** A delivery as the API shows it. */
    public record DeliveryView(String id, String resultId, String patientId, String adapterId, DeliveryState state,
            int attempts, int maxAttempts, Instant nextAttemptAt, String lastError, String remoteId,
            Instant createdAt, Instant updatedAt, Instant deliveredAt) {
        static DeliveryView of(DeliveryStore.Row r) {
            return new DeliveryView(r.id(), r.resultId(), r.patientId(), r.adapterId(), r.state(), r.attempts(),
                    r.maxAttempts(), r.nextAttemptAt(), r.lastError(), r.remoteId(), r.createdAt(), r.updatedAt(),
                    r.deliveredAt());
        }
    }

    /**
     * Creates one durable delivery per target; the same caller repeating a request key for the same patient gets
     * the deliveries made before. A key is scoped to its caller and patient: another clinician's equal key, or one
     * for another patient, is a new request.
     */
    public List<DeliveryView> send(AuthenticatedUser who, String patientId, SendResults request) {
        ResultPayload payload = new ResultPayload(request.report(), request.observations(), request.analysis());
        payload.validate();
        String key = request.requestKey();
        if (key != null && (key.isBlank() || key.length() > 200)) {
            throw new UnprocessableException("requestKey", "1 to 200 characters");
        }
        if (key != null) {
            List<DeliveryStore.Row> earlier = store.byRequestKey(key, who.username(), patientId);
            if (!earlier.isEmpty()) {
                return earlier.stream().map(DeliveryView::of).toList();
            }
        }
        Map<String, String> ids = identifiers.of(patientId);
        var parts = payload.result().parts();
        List<String> targets = new ArrayList<>();
        if (request.targets() == null || request.targets().isEmpty()) {
            for (String adapterId : ids.keySet()) {
                Optional<Adapter> a = registry.get(adapterId);
                if (a.isPresent() && capabilities.accepts(a.get(), parts)) {
                    targets.add(adapterId);
                }
            }
            if (targets.isEmpty()) {
                throw new UnprocessableException("targets", "Patient " + patientId
                        + " is mapped to no installed system that takes this result");
            }
        } else {
            for (int i = 0; i < request.targets().size(); i++) {
                String t = request.targets().get(i);
                if (!ids.containsKey(t)) {
                    throw new UnprocessableException("targets[" + i + "]", "Patient " + patientId
                            + " has no identifier in '" + t + "'");
                }
                Optional<Adapter> a = registry.get(t);
                if (a.isPresent() && !capabilities.accepts(a.get(), parts)) {
                    throw new UnprocessableException("targets[" + i + "]", "'" + t + "' ("
                            + String.join(", ", capabilities.names(a.get())) + ") takes no part of this result");
                }
                if (!targets.contains(t)) {
                    targets.add(t);
                }
            }
        }
        String body;
        try {
            body = json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Instant now = Instant.now();
        String resultId = UUID.randomUUID().toString();
        List<DeliveryStore.Row> rows = new ArrayList<>();
        for (String t : targets) {
            rows.add(new DeliveryStore.Row(UUID.randomUUID().toString(), resultId, key, patientId, t, ids.get(t), body,
                    DeliveryState.QUEUED, 0, config.maxAttempts(), now, null, null, who.username(), now, now, null));
        }
        try {
            store.insertAll(rows);
        } catch (UnableToExecuteStatementException e) {
            List<DeliveryStore.Row> twin = key == null ? List.of() : store.byRequestKey(key, who.username(), patientId);
            if (!twin.isEmpty()) {
                return twin.stream().map(DeliveryView::of).toList(); // a concurrent twin won
            }
            throw e;
        }
        audit.record(who, "integration.send-results", patientId, targets, "queued");
        // after the commit: a failure here leaves the rows queued, and the sweeper sends them. The message goes to
        // the target's queue even when its adapter is away: it waits there for the adapter's consumers
        for (DeliveryStore.Row r : rows) {
            queue.enqueue(r.id(), r.adapterId(), 0);
            if (registry.get(r.adapterId()).isEmpty()) {
                markWaiting(r.id(), r.adapterId());
            }
        }
        return rows.stream().map(r -> DeliveryView.of(store.get(r.id()).orElseThrow())).toList();
    }

    public Optional<DeliveryView> get(String id) {
        return store.get(id).map(DeliveryView::of);
    }

    /** The newest deliveries, filtered; {@code state} is one of {@link DeliveryState#VALUES} or null. */
    public List<DeliveryView> list(String state, String adapterId, String patientId, int limit) {
        DeliveryState s = state == null ? null : DeliveryState.of(state)
                .orElseThrow(() -> new InvalidException("state", "One of " + DeliveryState.VALUES));
        if (limit < 1 || limit > 1000) {
            throw new InvalidException("limit", "Between 1 and 1000");
        }
        return store.list(s, adapterId, patientId, limit).stream().map(DeliveryView::of).toList();
    }

    /** Starts a dead (or retrying) delivery over; empty if there is no such delivery. */
    public Optional<Boolean> replay(String id) {
        if (store.get(id).isEmpty()) {
            return Optional.empty();
        }
        boolean ok = store.replay(id, Instant.now());
        if (ok) {
            queue.enqueue(id, store.get(id).orElseThrow().adapterId(), 0);
        }
        return Optional.of(ok);
    }

    // ---- the worker

    private void onAttempt(String id) {
        try {
            attempt(id);
        } catch (RuntimeException e) {
            // the row stays as it is; the sweeper will find it. Never let the listener die.
            LOG.error("Delivery {} could not be processed; the sweeper will retry it", id, e);
        }
    }

    void attempt(String id) {
        Optional<DeliveryStore.Row> found = store.get(id);
        if (found.isEmpty()) {
            return;
        }
        DeliveryStore.Row row = found.get();
        if (row.state() != DeliveryState.QUEUED && row.state() != DeliveryState.RETRYING) {
            return; // finished, or another worker has it: a duplicate message
        }
        Optional<Adapter> adapter = registry.get(row.adapterId());
        Instant now = Instant.now();
        if (adapter.isEmpty()) {
            markWaiting(id, row.adapterId());
            return;
        }
        attemptClaimed(id, row, adapter.get(), now);
    }

    private void attemptClaimed(String id, DeliveryStore.Row row, Adapter a, Instant now) {
        if (!store.claim(id, now)) {
            return;
        }
        ResultPayload payload;
        try {
            payload = json.readValue(row.payload(), ResultPayload.class);
        } catch (JsonProcessingException e) {
            store.failed(id, DeliveryState.DEAD, "stored payload unreadable: " + e.getOriginalMessage(), now, now);
            return;
        }
        SystemCalls.Outcome<String> o = calls.call(a, () -> deliver(a, row, payload), config.attemptTimeoutMillis());
        Instant after = Instant.now();
        if (o.ok()) {
            store.delivered(id, o.value(), after);
            return;
        }
        int attempts = row.attempts() + 1;
        boolean permanent = !o.retryable();
        if (permanent || attempts >= row.maxAttempts()) {
            store.failed(id, DeliveryState.DEAD, o.status() + ": " + o.error()
                    + (permanent ? "" : " (gave up after " + attempts + " attempts)"), after, after);
            LOG.warn("Delivery {} to '{}' is dead: {}", id, row.adapterId(), o.error());
            return;
        }
        long delay = backoffMillis(attempts);
        store.failed(id, DeliveryState.RETRYING, o.status() + ": " + o.error(), after.plusMillis(delay), after);
        queue.enqueue(id, row.adapterId(), delay);
    }

    /** No attempt is counted while the target adapter is away; its return wakes the delivery. */
    private void markWaiting(String id, String adapterId) {
        Instant now = Instant.now();
        store.waiting(id, "waiting: no adapter '" + adapterId + "' is installed",
                now.plusSeconds(config.waitingRecheckSeconds()), now);
        // the adapter may have come back between our look-up and the update above, after it woke the rest
        if (registry.get(adapterId).isPresent()) {
            store.wake(adapterId, Instant.now()).forEach(w -> queue.enqueue(w, adapterId, 0));
        }
    }

    /** Exponential backoff with full jitter: base × 2^(attempt-1), capped. */
    long backoffMillis(int attempt) {
        long ceiling = Math.min(config.maxBackoffMillis(),
                config.baseBackoffMillis() * (1L << Math.min(20, Math.max(0, attempt - 1))));
        return ceiling / 2 + (long) (Math.random() * (ceiling / 2.0));
    }

    /** One attempt: every part the target's capability handlers take; the remote ids, comma-separated. */
    private String deliver(Adapter a, DeliveryStore.Row row, ResultPayload p) throws Exception {
        List<String> remote = capabilities.deliver(a, row.systemPatientId(), p.result(), row.id());
        if (remote.isEmpty() || remote.contains(null)) {
            throw new IllegalStateException("a write returned no remote id, which the SPI does not allow");
        }
        return String.join(",", remote);
    }

    private void sweep() {
        try {
            Instant now = Instant.now();
            List<Map.Entry<String, String>> due = store.sweep(now,
                    now.minusMillis(2L * config.attemptTimeoutMillis() + 5000),
                    now.minus(Duration.ofSeconds(config.lostAfterSeconds())));
            int queued = 0;
            for (Map.Entry<String, String> e : due) {
                if (registry.get(e.getValue()).isPresent()) {
                    queue.enqueue(e.getKey(), e.getValue(), 0);
                    queued++;
                } else {
                    markWaiting(e.getKey(), e.getValue()); // its message waits in the queue already
                }
            }
            if (queued > 0) {
                LOG.info("Sweeper queued {} deliveries again", queued);
            }
        } catch (RuntimeException e) {
            LOG.warn("Delivery sweep failed; next one in {} s", config.sweepSeconds(), e);
        }
    }
}
