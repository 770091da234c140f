package org.telehub.integration.manager.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnprocessableException;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.ConditionEntry;
import org.telehub.integration.api.MedicationOrder;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Durable deliveries of results to external systems, run by the hub's work service: each delivery is a row here
 * (the result, its target, the target's answer) and a work item on the topic of its target system,
 * {@value #TOPIC}{@code <adapterId>}, written in one transaction. A topic per target keeps one slow or hanging
 * system's deliveries from holding up the others'. While an adapter is registered, a {@link WorkHandler} for its
 * topic runs its deliveries through {@link SystemCalls}; when it leaves (uninstalled, being updated) the handler
 * leaves with it and the work service lets the items wait, counting no attempt, until an adapter with that id
 * returns. What a target takes, and how it is filed, is its capability handlers' ({@link CapabilityHandlers}).
 *
 * <p>State, attempts, retries, recovery after a crash and replay are the work service's; the API shows its states in
 * the delivery words of {@link DeliveryState} (pending is {@code queued} before the first attempt and
 * {@code retrying} after).
 */
@Component(service = DeliveryService.class, configurationPid = "org.telehub.integration.delivery")
@Designate(ocd = DeliveryConfig.class)
public class DeliveryService {
    /** The work topic of a target system's deliveries is this prefix and the adapter id. */
    static final String TOPIC = "integration.delivery.";
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryService.class);

    private final DeliveryStore store;
    private final PatientIdentifiers identifiers;
    private final AdapterRegistry registry;
    private final CapabilityHandlers capabilities;
    private final SystemCalls calls;
    private final AuditLog audit;
    private final WorkService work;
    private final BundleContext context;
    private final DeliveryConfig config;
    private final PatientGate gate;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    /** Adapter services per id, in arrival order (the first runs the id's deliveries), and the handler of each id. */
    private final Map<String, List<Adapter>> adapters = new HashMap<>();
    private final Map<String, ServiceRegistration<WorkHandler>> handlers = new HashMap<>();
    private boolean active;

    @Activate
    public DeliveryService(BundleContext context, @Reference IntegrationSchema schema,
            @Reference AdapterRegistry registry, @Reference CapabilityHandlers capabilities,
            @Reference SystemCalls calls, @Reference AuditLog audit, @Reference WorkService work,
            @Reference PatientGate gate, DeliveryConfig config) {
        this.gate = gate;
        this.store = new DeliveryStore(schema.jdbi());
        this.identifiers = new PatientIdentifiers(schema.jdbi());
        this.registry = registry;
        this.capabilities = capabilities;
        this.calls = calls;
        this.audit = audit;
        this.work = work;
        this.context = context;
        this.config = config;
        migrateOpenRows();
        synchronized (this) {
            active = true;
            adapters.keySet().forEach(this::register);
        }
    }

    @Deactivate
    synchronized void close() {
        active = false;
        handlers.values().forEach(DeliveryService::unregister);
        handlers.clear();
    }

    /** An adapter appeared: the first service with its id gets a work handler, which wakes its waiting deliveries. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void bindAdapter(Adapter adapter) {
        String id = adapter.info().id();
        adapters.computeIfAbsent(id, k -> new ArrayList<>()).add(adapter);
        if (active && !handlers.containsKey(id)) {
            register(id);
        }
    }

    /** An adapter left: its handler goes (its deliveries wait), or moves to a second service with the same id. */
    synchronized void unbindAdapter(Adapter adapter) {
        String id = adapter.info().id();
        List<Adapter> list = adapters.getOrDefault(id, List.of());
        boolean wasFirst = !list.isEmpty() && list.get(0) == adapter;
        list.remove(adapter);
        if (list.isEmpty()) {
            adapters.remove(id);
        }
        if (wasFirst) {
            unregister(handlers.remove(id));
            if (active && !list.isEmpty()) {
                register(id);
            }
        }
    }

    private void register(String adapterId) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(WorkHandler.TOPIC, TOPIC + adapterId);
        p.put(WorkHandler.CONSUMERS, config.consumersPerSystem());
        p.put(WorkHandler.MAX_ATTEMPTS, config.maxAttempts());
        p.put(WorkHandler.BACKOFF_INITIAL_MILLIS, config.baseBackoffMillis());
        p.put(WorkHandler.BACKOFF_MAX_MILLIS, config.maxBackoffMillis());
        // a system that needs its results in order gets them one at a time per patient (the items' key)
        p.put(WorkHandler.ORDERED, adapters.get(adapterId).get(0).keepsOrderPerPatient());
        handlers.put(adapterId, context.registerService(WorkHandler.class,
                new Deliverer(adapters.get(adapterId).get(0)), p));
    }

    private static void unregister(ServiceRegistration<WorkHandler> r) {
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
    }

    // ---- sending

    /**
     * Request of {@code POST /patient/{id}/send-results}; {@code conditions} (coded diagnoses) and
     * {@code medications} (prescription lines) go to the systems that keep them (a FHIR EHR: {@code Condition},
     * {@code MedicationRequest}).
     */
    public record SendResults(String requestKey, List<String> targets, ResultPayload.Report report,
            List<ResultPayload.Observation> observations, ResultPayload.Analysis analysis,
            List<ConditionEntry> conditions, List<MedicationOrder> medications) {
    }

    /** A delivery as the API shows it. */
    public record DeliveryView(String id, String resultId, String patientId, String adapterId, DeliveryState state,
            int attempts, int maxAttempts, Instant nextAttemptAt, String lastError, String remoteId,
            Instant createdAt, Instant updatedAt, Instant deliveredAt) {
    }

    /** A waiting delivery says why it waits: no adapter with its target's id is here to run it. */
    private DeliveryView view(DeliveryStore.Row r) {
        String error = r.lastError();
        boolean open = r.state() == DeliveryState.QUEUED || r.state() == DeliveryState.RETRYING;
        if (open && registry.get(r.adapterId()).isEmpty()) {
            error = "waiting: no adapter '" + r.adapterId() + "' is installed" + (error == null ? "" : "; " + error);
        }
        return new DeliveryView(r.id(), r.resultId(), r.patientId(), r.adapterId(), r.state(), r.attempts(),
                config.maxAttempts(), r.nextAttemptAt(), error, r.remoteId(), r.createdAt(), r.updatedAt(),
                r.deliveredAt());
    }

    /**
     * Creates one durable delivery per target; the same caller repeating a request key for the same patient gets
     * the deliveries made before. A key is scoped to its caller and patient: another clinician's equal key, or one
     * for another patient, is a new request.
     */
    public List<DeliveryView> send(AuthenticatedUser who, String patientId, SendResults request) {
        return send(who, patientId, request, false);
    }

    /**
     * As {@link #send(AuthenticatedUser, String, SendResults)}; {@code waitForAbsent}: with no targets named, a system
     * the patient is mapped to whose adapter is not installed now (being updated) gets its delivery too, which waits
     * for it, instead of being left out (for results that must reach every system, such as a signed report).
     */
    public List<DeliveryView> send(AuthenticatedUser who, String patientId, SendResults request,
            boolean waitForAbsent) {
        return send(who, patientId, request.requestKey(), request.targets(), new ResultPayload(request.report(),
                request.observations(), request.analysis(), null, null, request.conditions(), request.medications()),
                waitForAbsent);
    }

    /** As {@link #send(AuthenticatedUser, String, SendResults, boolean)}, with any payload (other bundles' results). */
    public List<DeliveryView> send(AuthenticatedUser who, String patientId, String key, List<String> named,
            ResultPayload payload, boolean waitForAbsent) {
        gate.local(who, patientId);
        payload.validate();
        if (key != null && (key.isBlank() || key.length() > 200)) {
            throw new UnprocessableException("requestKey", "1 to 200 characters");
        }
        if (key != null) {
            List<DeliveryStore.Row> earlier = store.byRequestKey(key, who.username(), patientId);
            if (!earlier.isEmpty()) {
                return earlier.stream().map(this::view).toList();
            }
        }
        Map<String, String> ids = identifiers.of(patientId);
        var parts = payload.result().parts();
        List<String> targets = new ArrayList<>();
        if (named == null || named.isEmpty()) {
            for (String adapterId : ids.keySet()) {
                Optional<Adapter> a = registry.get(adapterId);
                if (a.isPresent() ? capabilities.accepts(a.get(), parts) : waitForAbsent) {
                    targets.add(adapterId);
                }
            }
            if (targets.isEmpty()) {
                throw new UnprocessableException("targets", "Patient " + patientId
                        + " is mapped to no installed system that takes this result");
            }
        } else {
            for (int i = 0; i < named.size(); i++) {
                String t = named.get(i);
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
        List<DeliveryStore.New> rows = new ArrayList<>();
        for (String t : targets) {
            rows.add(new DeliveryStore.New(UUID.randomUUID().toString(), resultId, key, patientId, t, ids.get(t), body,
                    who.username(), now));
        }
        try {
            // rows and work items in one transaction: both or neither; the work runs once it commits
            store.jdbi().useTransaction(h -> {
                for (DeliveryStore.New r : rows) {
                    DeliveryStore.insert(h, r, work.submit(h, request(r.id(), r.adapterId(), r.systemPatientId())));
                }
            });
        } catch (UnableToExecuteStatementException e) {
            List<DeliveryStore.Row> twin = key == null ? List.of() : store.byRequestKey(key, who.username(), patientId);
            if (!twin.isEmpty()) {
                return twin.stream().map(this::view).toList(); // a concurrent twin won
            }
            throw e;
        }
        audit.record(who, "integration.send-results", patientId, targets, "queued");
        // as written (no read back): queued, no attempt yet; a GET shows what became of them
        return rows.stream().map(r -> view(new DeliveryStore.Row(r.id(), resultId, key, patientId, r.adapterId(),
                r.systemPatientId(), body, DeliveryState.QUEUED, 0, now, null, null, who.username(), now, now, null,
                null))).toList();
    }

    /** The deliveries a send by this caller with {@code requestKey} made for the patient (whom they must reach). */
    public List<DeliveryView> sent(AuthenticatedUser who, String patientId, String requestKey) {
        gate.local(who, patientId);
        return store.byRequestKey(requestKey, who.username(), patientId).stream().map(this::view).toList();
    }

    /**
     * The work item of a delivery: its payload and its idempotency key are the delivery id, its key the patient's id
     * in that system (which orders them where the system keeps order, and is ignored where it does not).
     */
    private static WorkRequest request(String deliveryId, String adapterId, String systemPatientId) {
        return WorkRequest.of(TOPIC + adapterId, deliveryId).withIdempotencyKey(deliveryId).withKey(systemPatientId);
    }

    public Optional<DeliveryView> get(String id) {
        return store.get(id).map(this::view);
    }

    /**
     * One delivery for a caller: a clinician's only if they reach its patient (else it does not exist for them);
     * the system administrator's without the patient (operations need the state and error, not who it is about).
     */
    public DeliveryView get(AuthenticatedUser who, String id) {
        DeliveryView v = get(id).orElseThrow(() -> new NotFoundException("No delivery " + id));
        if (who.clinician() && gate.reachable(who, List.of(v.patientId())).contains(v.patientId())) {
            audit.record(who, "integration.delivery.read", v.patientId(), List.of(v.adapterId()), "ok");
            return v;
        }
        if (who.hasRole(Roles.ADMIN)) {
            return withoutPatient(v);
        }
        throw new NotFoundException("No delivery " + id);
    }

    /**
     * Deliveries for a caller: a clinician names a patient in their care ({@code patientId}); the system
     * administrator lists every delivery without its patient. Nobody pages through everyone's results.
     */
    public List<DeliveryView> list(AuthenticatedUser who, String state, String adapterId, String patientId,
            int limit) {
        if (who.clinician()) {
            if (patientId == null) {
                throw new InvalidException("patientId", "Required: the patient in your care whose deliveries to list");
            }
            gate.local(who, patientId);
            List<DeliveryView> out = list(state, adapterId, patientId, limit);
            audit.record(who, "integration.delivery.list", patientId, List.of(), out.size() + " deliveries");
            return out;
        }
        if (who.hasRole(Roles.ADMIN)) {
            return list(state, adapterId, patientId, limit).stream().map(DeliveryService::withoutPatient).toList();
        }
        throw new ForbiddenException("Deliveries are listed to clinicians (their patients) and administrators");
    }

    /** How many analyses a patient's list shows, newest first. */
    static final int ANALYSES_SHOWN = 200;

    /** An analysis result sent to a system, and where its delivery stands. */
    public record AnalysisView(String deliveryId, String adapterId, String procedureId, String summary,
            String details, String findingCode, String findingCodeSystem, String findingDisplay, Double confidence,
            String algorithmName, String algorithmVersion, DeliveryState state, String lastError, String remoteId,
            Instant createdAt, Instant deliveredAt) {
    }

    /**
     * The analysis results sent to the patient's systems (to {@code adapterId} only, if given), newest first: what a
     * clinician in the patient's care sees beside each procedure. Read from the deliveries that carry them; audited.
     */
    public List<AnalysisView> analyses(AuthenticatedUser who, String patientId, String adapterId) {
        gate.local(who, patientId);
        List<AnalysisView> out = new ArrayList<>();
        for (DeliveryStore.Row r : store.withAnalysis(patientId, adapterId, ANALYSES_SHOWN)) {
            ResultPayload.Analysis a;
            try {
                ResultPayload p = json.readValue(r.payload(), ResultPayload.class);
                a = p.analysis();
            } catch (JsonProcessingException e) {
                LOG.warn("Delivery {}: unreadable payload: {}", r.id(), e.getMessage());
                continue;
            }
            if (a != null) {
                DeliveryView v = view(r);
                out.add(new AnalysisView(r.id(), r.adapterId(), a.procedureId(), a.summary(), a.details(),
                        a.findingCode(), a.findingCodeSystem(), a.findingDisplay(), a.confidence(), a.algorithmName(),
                        a.algorithmVersion(), v.state(), v.lastError(), v.remoteId(), v.createdAt(),
                        v.deliveredAt()));
            }
        }
        audit.record(who, "integration.analysis.list", patientId, adapterId == null ? List.of() : List.of(adapterId),
                out.size() + " analyses");
        return out;
    }

    private static DeliveryView withoutPatient(DeliveryView v) {
        return new DeliveryView(v.id(), v.resultId(), null, v.adapterId(), v.state(), v.attempts(), v.maxAttempts(),
                v.nextAttemptAt(), v.lastError(), v.remoteId(), v.createdAt(), v.updatedAt(), v.deliveredAt());
    }

    /** The newest deliveries, filtered; {@code state} is one of {@link DeliveryState#VALUES} or null. */
    public List<DeliveryView> list(String state, String adapterId, String patientId, int limit) {
        DeliveryState s = state == null ? null : DeliveryState.of(state)
                .orElseThrow(() -> new InvalidException("state", "One of " + DeliveryState.VALUES));
        if (limit < 1 || limit > 1000) {
            throw new InvalidException("limit", "Between 1 and 1000");
        }
        return store.list(s, adapterId, patientId, limit).stream().map(this::view).toList();
    }

    /** How many deliveries are in each of {@code states} now, in that order (the web console's summary). */
    public java.util.Map<DeliveryState, Long> counts(DeliveryState... states) {
        java.util.Map<DeliveryState, Long> out = new java.util.LinkedHashMap<>();
        for (DeliveryState s : states) {
            out.put(s, store.count(s));
        }
        return out;
    }

    /** Starts a dead delivery over; empty if there is no such delivery, false if it is not dead. */
    public Optional<Boolean> replay(String id) {
        Optional<DeliveryStore.Row> row = store.get(id);
        if (row.isEmpty()) {
            return Optional.empty();
        }
        String workId = row.get().workId();
        if (workId == null) { // finished before deliveries ran on the work service
            if (row.get().state() != DeliveryState.DEAD) {
                return Optional.of(false);
            }
            store.jdbi().useTransaction(h -> DeliveryStore.attach(h, id, work.submit(h, request(id,
                    row.get().adapterId(), row.get().systemPatientId()))));
            return Optional.of(true);
        }
        return Optional.of(work.replay(workId).orElse(false));
    }

    /** Open rows of the queue before the work service get their work item (once; idempotent across nodes). */
    private void migrateOpenRows() {
        for (List<DeliveryStore.Row> open = store.legacyOpen(500); !open.isEmpty(); open = store.legacyOpen(500)) {
            List<DeliveryStore.Row> batch = open;
            store.jdbi().useTransaction(h -> batch.forEach(r -> DeliveryStore.attach(h, r.id(),
                    work.submit(h, request(r.id(), r.adapterId(), r.systemPatientId())))));
            LOG.info("{} open deliveries of the old queue moved to the work service", batch.size());
        }
    }

    // ---- the worker

    /** Runs the deliveries of one target system with one adapter service. */
    private final class Deliverer implements WorkHandler {
        private final Adapter adapter;

        Deliverer(Adapter adapter) {
            this.adapter = adapter;
        }

        @Override
        public Verdict handle(WorkItem item) {
            String id = item.payload();
            Optional<DeliveryStore.Row> row = store.get(id);
            if (row.isEmpty()) {
                return Verdict.giveUp("no delivery " + id);
            }
            ResultPayload payload;
            try {
                payload = json.readValue(row.get().payload(), ResultPayload.class);
            } catch (JsonProcessingException e) {
                return Verdict.giveUp("stored payload unreadable: " + e.getOriginalMessage());
            }
            SystemCalls.Outcome<String> o = calls.call(adapter, () -> deliver(adapter, row.get(), payload),
                    config.attemptTimeoutMillis());
            if (o.ok()) {
                store.delivered(id, o.value(), Instant.now());
                return Verdict.done();
            }
            String reason = o.status() + ": " + o.error();
            if (!o.retryable()) {
                LOG.warn("Delivery {} to '{}' is dead: {}", id, adapter.info().id(), o.error());
                return Verdict.giveUp(reason);
            }
            return Verdict.retry(reason);
        }
    }

    /** One attempt: every part the target's capability handlers take; the remote ids, comma-separated. */
    private String deliver(Adapter a, DeliveryStore.Row row, ResultPayload p) throws Exception {
        List<String> remote = capabilities.deliver(a, row.systemPatientId(), p.result(), row.id());
        if (remote.isEmpty() || remote.contains(null)) {
            throw new IllegalStateException("a write returned no remote id, which the SPI does not allow");
        }
        return String.join(",", remote);
    }
}
