package org.telehub.integration.manager.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.jms.Connection;
import javax.jms.ConnectionFactory;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageProducer;
import javax.jms.Session;
import javax.jms.TextMessage;

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
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ClinicalRecordSystem;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.ImagingArchive;
import org.telehub.integration.api.ProcedureSystem;
import org.telehub.messaging.Messaging;
import org.telehub.persistence.Database;
import org.telehub.rest.ProblemException;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Durable deliveries of results to external systems. The database row is the truth (state, attempts, last error);
 * a persistent message on the target's Artemis queue ({@value #QUEUE}{@code .<adapterId>}) says "attempt this
 * row now", scheduled with the broker's delayed delivery for retries. States: queued → in_flight → delivered |
 * retrying | dead. Each target system has its own queue and consumers, created when its adapter registers and
 * closed when it leaves: a slow or hanging system delays only its own deliveries, and a missing one's simply
 * wait in its queue.
 *
 * <p>Nothing is lost: a message lost between commit and send, or a delivery interrupted by a crash, is found by
 * the sweeper; a target adapter that is missing (uninstalled, updating) leaves its deliveries waiting, without
 * counting attempts, until an adapter with that id is registered again, which wakes them at once.
 */
@Component(service = DeliveryService.class, configurationPid = "org.telehub.integration.delivery")
@Designate(ocd = DeliveryConfig.class)
public class DeliveryService {
    static final String QUEUE = "telehub.integration.delivery";
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryService.class);
    /** Artemis' delayed-delivery header (epoch millis). */
    private static final String SCHEDULED = "_AMQ_SCHED_DELIVERY";

    private final DeliveryStore store;
    private final AdapterRegistry registry;
    private final IntegrationService integration;
    private final AuditLog audit;
    private final DeliveryConfig config;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final Connection connection;
    private final Session producerSession;
    private final MessageProducer producer;
    private final ScheduledExecutorService sweeper;
    /** Consumer sessions per target adapter id, with how many adapter services hold that id. */
    private final Map<String, List<Session>> consumers = new java.util.HashMap<>();
    private final Map<String, Integer> bound = new java.util.HashMap<>();

    @Activate
    public DeliveryService(@Reference Database database, @Reference AdapterRegistry registry,
            @Reference IntegrationService integration, @Reference AuditLog audit,
            @Reference(target = Messaging.CONNECTION_FACTORY_FILTER) ConnectionFactory factory, DeliveryConfig config)
            throws JMSException {
        // the schema is the integration module's: IntegrationService has migrated it before it was registered
        this.store = new DeliveryStore(database.jdbi());
        this.registry = registry;
        this.integration = integration;
        this.audit = audit;
        this.config = config;
        this.connection = factory.createConnection();
        try {
            producerSession = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            producer = producerSession.createProducer(null);
            producer.setDeliveryMode(javax.jms.DeliveryMode.PERSISTENT);
            connection.start();
        } catch (JMSException | RuntimeException e) {
            connection.close();
            throw e;
        }
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telehub-delivery-sweeper");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, 1, config.sweepSeconds(), TimeUnit.SECONDS);
    }

    @Deactivate
    void close() {
        sweeper.shutdownNow();
        try {
            connection.close();
        } catch (JMSException e) {
            LOG.warn("Closing the delivery connection failed", e);
        }
    }

    /** An adapter (re)appeared: its waiting and retrying deliveries are due now. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindAdapter(Adapter adapter) {
        String adapterId = adapter.info().id();
        synchronized (consumers) {
            if (bound.merge(adapterId, 1, Integer::sum) == 1) {
                List<Session> sessions = new ArrayList<>();
                try {
                    for (int i = 0; i < config.consumersPerSystem(); i++) {
                        // one session per consumer: each delivers on its own thread
                        Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                        s.createConsumer(s.createQueue(queue(adapterId))).setMessageListener(this::onMessage);
                        sessions.add(s);
                    }
                } catch (JMSException e) {
                    // the deliveries wait; the sweeper keeps them due, and the next registration tries again
                    LOG.error("Cannot consume deliveries for '{}': {}", adapterId, e.getMessage());
                }
                consumers.put(adapterId, sessions);
            }
        }
        List<String> ids = store.wake(adapterId, Instant.now());
        if (!ids.isEmpty()) {
            LOG.info("Adapter '{}' is here: {} waiting deliveries resume", adapterId, ids.size());
            ids.forEach(id -> enqueue(id, adapterId, 0));
        }
    }

    void unbindAdapter(Adapter adapter) {
        String adapterId = adapter.info().id();
        List<Session> sessions = null;
        synchronized (consumers) {
            if (bound.merge(adapterId, -1, Integer::sum) <= 0) {
                bound.remove(adapterId);
                sessions = consumers.remove(adapterId);
            }
        }
        // outside the lock: closing waits for a listener that is in the middle of a delivery
        if (sessions != null) {
            for (Session s : sessions) {
                try {
                    s.close();
                } catch (JMSException e) {
                    LOG.debug("closing a delivery session of {}", adapterId, e);
                }
            }
        }
    }

    static String queue(String adapterId) {
        return QUEUE + "." + adapterId;
    }

    // ---- sending

    /** Request of {@code POST /patient/{id}/send-results}. */
    public record SendResults(String requestKey, List<String> targets, ResultPayload.Report report,
            List<ResultPayload.Observation> observations, ResultPayload.Analysis analysis) {
    }

    /** A delivery as the API shows it. */
    public record DeliveryView(String id, String resultId, String patientId, String adapterId, String state,
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
    List<DeliveryView> send(AuthenticatedUser who, String patientId, SendResults request) {
        ResultPayload payload = new ResultPayload(request.report(), request.observations(), request.analysis());
        payload.validate();
        String key = request.requestKey();
        if (key != null && (key.isBlank() || key.length() > 200)) {
            throw ProblemException.unprocessable("requestKey", "1 to 200 characters");
        }
        if (key != null) {
            List<DeliveryStore.Row> earlier = store.byRequestKey(key, who.username(), patientId);
            if (!earlier.isEmpty()) {
                return earlier.stream().map(DeliveryView::of).toList();
            }
        }
        Map<String, String> ids = integration.identifiers(patientId);
        List<String> targets = new ArrayList<>();
        if (request.targets() == null || request.targets().isEmpty()) {
            for (String adapterId : ids.keySet()) {
                Optional<Adapter> a = registry.get(adapterId);
                if (a.isPresent() && payload.acceptedBy(a.get())) {
                    targets.add(adapterId);
                }
            }
            if (targets.isEmpty()) {
                throw ProblemException.unprocessable("targets", "Patient " + patientId
                        + " is mapped to no installed system that takes this result");
            }
        } else {
            for (int i = 0; i < request.targets().size(); i++) {
                String t = request.targets().get(i);
                if (!ids.containsKey(t)) {
                    throw ProblemException.unprocessable("targets[" + i + "]", "Patient " + patientId
                            + " has no identifier in '" + t + "'");
                }
                Optional<Adapter> a = registry.get(t);
                if (a.isPresent() && !payload.acceptedBy(a.get())) {
                    throw ProblemException.unprocessable("targets[" + i + "]", "'" + t + "' ("
                            + String.join(", ", IntegrationService.capabilities(a.get())) + ") takes no part of this result");
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
                    DeliveryStore.QUEUED, 0, config.maxAttempts(), now, null, null, who.username(), now, now, null));
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
            enqueue(r.id(), r.adapterId(), 0);
            if (registry.get(r.adapterId()).isEmpty()) {
                markWaiting(r.id(), r.adapterId());
            }
        }
        return rows.stream().map(r -> DeliveryView.of(store.get(r.id()).orElseThrow())).toList();
    }

    Optional<DeliveryView> get(String id) {
        return store.get(id).map(DeliveryView::of);
    }

    List<DeliveryView> list(String state, String adapterId, String patientId, int limit) {
        return store.list(state, adapterId, patientId, limit).stream().map(DeliveryView::of).toList();
    }

    /** Starts a dead (or retrying) delivery over; empty if there is no such delivery. */
    Optional<Boolean> replay(String id) {
        if (store.get(id).isEmpty()) {
            return Optional.empty();
        }
        boolean ok = store.replay(id, Instant.now());
        if (ok) {
            enqueue(id, store.get(id).orElseThrow().adapterId(), 0);
        }
        return Optional.of(ok);
    }

    // ---- the worker

    private void onMessage(Message m) {
        String id;
        try {
            id = ((TextMessage) m).getText();
        } catch (JMSException | ClassCastException e) {
            LOG.warn("Ignoring a malformed delivery message", e);
            return;
        }
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
        if (!row.state().equals(DeliveryStore.QUEUED) && !row.state().equals(DeliveryStore.RETRYING)) {
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
            store.failed(id, DeliveryStore.DEAD, "stored payload unreadable: " + e.getOriginalMessage(), now, now);
            return;
        }
        IntegrationService.Outcome<String> o = integration.call(a, () -> deliver(a, row, payload),
                config.attemptTimeoutMillis());
        Instant after = Instant.now();
        if (o.status().equals("OK")) {
            store.delivered(id, o.value(), after);
            return;
        }
        int attempts = row.attempts() + 1;
        boolean permanent = !o.retryable();
        if (permanent || attempts >= row.maxAttempts()) {
            store.failed(id, DeliveryStore.DEAD, o.status() + ": " + o.error()
                    + (permanent ? "" : " (gave up after " + attempts + " attempts)"), after, after);
            LOG.warn("Delivery {} to '{}' is dead: {}", id, row.adapterId(), o.error());
            return;
        }
        long delay = backoffMillis(attempts);
        store.failed(id, DeliveryStore.RETRYING, o.status() + ": " + o.error(), after.plusMillis(delay), after);
        enqueue(id, row.adapterId(), delay);
    }

    /** No attempt is counted while the target adapter is away; its return wakes the delivery. */
    private void markWaiting(String id, String adapterId) {
        Instant now = Instant.now();
        store.waiting(id, "waiting: no adapter '" + adapterId + "' is installed",
                now.plusSeconds(config.waitingRecheckSeconds()), now);
        // the adapter may have come back between our look-up and the update above, after it woke the rest
        if (registry.get(adapterId).isPresent()) {
            store.wake(adapterId, Instant.now()).forEach(w -> enqueue(w, adapterId, 0));
        }
    }

    /** Exponential backoff with full jitter: base × 2^(attempt-1), capped. */
    long backoffMillis(int attempt) {
        long ceiling = Math.min(config.maxBackoffMillis(),
                config.baseBackoffMillis() * (1L << Math.min(20, Math.max(0, attempt - 1))));
        return ceiling / 2 + (long) (Math.random() * (ceiling / 2.0));
    }

    private static String deliver(Adapter a, DeliveryStore.Row row, ResultPayload p) throws AdapterException {
        String spid = row.systemPatientId();
        List<String> remote = new ArrayList<>();
        if (p.report() != null) {
            if (a instanceof ClinicalRecordSystem ehr) {
                remote.add(ehr.createDiagnosticReport(spid, p.reportDocument(), row.id()).remoteId());
            } else if (a instanceof ImagingArchive pacs) {
                remote.add(pacs.storeReport(spid, p.report().studyInstanceUid(), p.reportDocument(), row.id()).remoteId());
            }
        }
        if (p.observations() != null && a instanceof ClinicalRecordSystem ehr) {
            for (int i = 0; i < p.observations().size(); i++) {
                DeliveryReceipt r = ehr.createObservation(spid, p.observation(i), row.id() + "/" + i);
                remote.add(r.remoteId());
            }
        }
        if (p.analysis() != null && a instanceof ProcedureSystem ps) {
            remote.add(ps.sendAnalysisResult(spid, p.analysisResult(), row.id()).remoteId());
        }
        if (remote.isEmpty()) {
            throw new AdapterException("'" + a.info().id() + "' takes no part of this result", false);
        }
        if (remote.contains(null)) {
            throw new IllegalStateException("a write returned no remote id, which the SPI does not allow");
        }
        return String.join(",", remote);
    }

    private void enqueue(String id, String adapterId, long delayMillis) {
        try {
            synchronized (producer) {
                TextMessage m = producerSession.createTextMessage(id);
                if (delayMillis > 0) {
                    m.setLongProperty(SCHEDULED, System.currentTimeMillis() + delayMillis);
                }
                producer.send(producerSession.createQueue(queue(adapterId)), m);
            }
        } catch (JMSException e) {
            // the row is committed; the sweeper queues it again once the broker is back
            LOG.warn("Could not queue delivery {} now: {}", id, e.getMessage());
        }
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
                    enqueue(e.getKey(), e.getValue(), 0);
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
