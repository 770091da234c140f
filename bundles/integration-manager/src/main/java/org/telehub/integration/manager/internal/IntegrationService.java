package org.telehub.integration.manager.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterHealth;
import org.telehub.domain.UnprocessableException;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What the REST API and the shell do with adapters as a whole: status, connect, the all-systems read and the
 * identifier cross-reference. What a system can do comes from the {@link CapabilityHandlers}; every remote call
 * goes through {@link SystemCalls}.
 */
@Component(service = IntegrationService.class)
public class IntegrationService {
    private final AdapterRegistry registry;
    private final CapabilityHandlers capabilities;
    private final SystemCalls calls;
    private final AuditLog audit;
    private final PatientGate gate;
    private final PatientIdentifiers identifiers;

    @Activate
    public IntegrationService(@Reference AdapterRegistry registry, @Reference CapabilityHandlers capabilities,
            @Reference SystemCalls calls, @Reference IntegrationSchema schema, @Reference AuditLog audit,
            @Reference PatientGate gate) {
        this.registry = registry;
        this.capabilities = capabilities;
        this.calls = calls;
        this.audit = audit;
        this.gate = gate;
        this.identifiers = new PatientIdentifiers(schema.jdbi());
    }

    // ---- status and connection

    /** One row of {@code GET /status} and {@code telehub:adapters}. */
    public record AdapterStatus(String id, String systemType, String vendor, String product, String adapterVersion,
            List<String> capabilities, AdapterHealth.State state, String detail, String lastError,
            Long lastLatencyMillis, boolean conflict) {
    }

    public List<AdapterStatus> status() {
        List<AdapterStatus> out = new ArrayList<>();
        registry.adapters().forEach(a -> out.add(status(a, false)));
        registry.conflicts().forEach(a -> out.add(status(a, true)));
        return out;
    }

    private AdapterStatus status(Adapter a, boolean conflict) {
        AdapterHealth h;
        try {
            h = a.health();
        } catch (RuntimeException e) {
            h = new AdapterHealth(AdapterHealth.State.DOWN, "health() failed", SystemCalls.describe(e), null, null);
        }
        var info = a.info();
        return new AdapterStatus(info.id(), info.systemType().name(), info.vendor(), info.product(),
                info.adapterVersion(), capabilities.names(a), h == null ? AdapterHealth.State.DOWN : h.state(),
                conflict ? "another adapter already has this id" : h == null ? null : h.detail(),
                h == null ? null : h.lastError(), h == null ? null : h.lastLatencyMillis(), conflict);
    }

    public Optional<Adapter> adapter(String id) {
        return registry.get(id);
    }

    /** Result of one connect or disconnect. */
    public record ConnectResult(String adapterId, CallStatus outcome, String error, Long latencyMillis) {
    }

    /** Connects ({@code connect}) or disconnects one adapter within its timeout. */
    public ConnectResult connection(Adapter a, boolean connect) {
        return result(a, calls.call(a, connectionWork(a, connect)));
    }

    /** Connects (or disconnects) every adapter in parallel; each within its own timeout. */
    public List<ConnectResult> all(boolean connect) {
        List<Adapter> adapters = registry.adapters();
        List<SystemCalls.Pending<Void>> running = new ArrayList<>();
        for (Adapter a : adapters) {
            running.add(calls.start(a, connectionWork(a, connect)));
        }
        List<ConnectResult> out = new ArrayList<>();
        for (int i = 0; i < adapters.size(); i++) {
            out.add(result(adapters.get(i), running.get(i).await()));
        }
        return out;
    }

    private static Callable<Void> connectionWork(Adapter a, boolean connect) {
        return () -> {
            if (connect) {
                a.connect();
            } else {
                a.disconnect();
            }
            return null;
        };
    }

    private static ConnectResult result(Adapter a, SystemCalls.Outcome<Void> o) {
        return new ConnectResult(a.info().id(), o.status(), o.error(), o.latencyMillis());
    }

    // ---- patient data across systems

    /**
     * One system's part of the all-systems answer; {@code data} holds what its capabilities read (e.g.
     * {@code demographics}, {@code studies}), rendered as members of the answer itself.
     */
    @JsonPropertyOrder({"adapterId", "systemType", "status", "error", "latencyMillis", "systemPatientId"})
    public record SystemAnswer(String adapterId, String systemType, CallStatus status, String error,
            Long latencyMillis, String systemPatientId, @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> data) {
        @JsonAnyGetter
        public Map<String, Object> members() {
            return data;
        }
    }

    /** Whether every mapped system answered. */
    public enum ReadOutcome {
        COMPLETE, PARTIAL;

        @JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The all-systems answer: one entry per mapped or installed system, each with its own status. */
    public record AllSystems(String patientId, ReadOutcome outcome, List<SystemAnswer> systems) {
    }

    /** Reads one patient from every system it is mapped in, in parallel. Empty if the patient has no mapping. */
    public Optional<AllSystems> allSystems(AuthenticatedUser who, String patientId) {
        gate.local(who, patientId);
        Map<String, String> ids = identifiers.of(patientId);
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        // start every read first, then collect: the whole answer takes as long as the slowest system (capped by
        // the timeout), not the sum of them
        Map<String, SystemCalls.Pending<Map<String, Object>>> running = new LinkedHashMap<>();
        Map<String, Adapter> used = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : ids.entrySet()) {
            registry.get(e.getKey()).ifPresent(a -> {
                used.put(e.getKey(), a);
                running.put(e.getKey(), calls.start(a, () -> capabilities.read(a, e.getValue())));
            });
        }
        List<SystemAnswer> answers = new ArrayList<>();
        for (Map.Entry<String, String> e : ids.entrySet()) {
            Adapter a = used.get(e.getKey());
            answers.add(a == null ? unavailable(e.getKey(), e.getValue())
                    : answered(a, e.getValue(), running.get(e.getKey()).await()));
        }
        for (Adapter a : registry.adapters()) {
            if (!ids.containsKey(a.info().id())) {
                answers.add(noMapping(a));
            }
        }
        boolean allOk = answers.stream().filter(s -> ids.containsKey(s.adapterId()))
                .allMatch(s -> s.status() == CallStatus.OK);
        ReadOutcome outcome = allOk ? ReadOutcome.COMPLETE : ReadOutcome.PARTIAL;
        audit.record(who, "integration.all-systems.read", patientId, ids.keySet(), outcome.toString());
        return Optional.of(new AllSystems(patientId, outcome, answers));
    }

    /**
     * Reads one patient from one system (the web app's patient panel asks each system on its own, so a slow one
     * never holds back the others: each is shown as it arrives). The same answer as that system's entry of the
     * all-systems read; empty if neither the patient is mapped in it nor such an adapter is installed.
     */
    public Optional<SystemAnswer> oneSystem(AuthenticatedUser who, String patientId, String adapterId) {
        gate.local(who, patientId);
        String systemPatientId = identifiers.of(patientId).get(adapterId);
        Optional<Adapter> adapter = registry.get(adapterId);
        if (systemPatientId == null && adapter.isEmpty()) {
            return Optional.empty();
        }
        SystemAnswer answer = systemPatientId == null ? noMapping(adapter.get())
                : adapter.isEmpty() ? unavailable(adapterId, systemPatientId)
                : answered(adapter.get(), systemPatientId, calls.start(adapter.get(),
                        () -> capabilities.read(adapter.get(), systemPatientId)).await());
        audit.record(who, "integration.system.read", patientId, List.of(adapterId),
                answer.status().name().toLowerCase(java.util.Locale.ROOT));
        return Optional.of(answer);
    }

    /** A system's entry from its read's outcome. */
    private static SystemAnswer answered(Adapter a, String systemPatientId,
            SystemCalls.Outcome<Map<String, Object>> o) {
        return new SystemAnswer(a.info().id(), a.info().systemType().name(), o.status(), o.error(), o.latencyMillis(),
                systemPatientId, o.value() == null ? Map.of() : o.value());
    }

    /** The patient is mapped in a system whose adapter is not installed. */
    private static SystemAnswer unavailable(String adapterId, String systemPatientId) {
        return new SystemAnswer(adapterId, null, CallStatus.UNAVAILABLE, "no adapter with this id is installed", null,
                systemPatientId, Map.of());
    }

    /** An installed system in which the patient has no identifier. */
    private static SystemAnswer noMapping(Adapter a) {
        return new SystemAnswer(a.info().id(), a.info().systemType().name(), CallStatus.NO_MAPPING,
                "patient has no identifier in this system", null, null, Map.of());
    }

    // ---- identifiers

    /** The patient's identifier in each system, for a caller who reaches the patient. */
    public Map<String, String> identifiers(AuthenticatedUser who, String patientId) {
        gate.local(who, patientId);
        audit.record(who, "integration.identifier.read", patientId, List.of(), "ok");
        return identifiers.of(patientId);
    }

    /**
     * Maps the patient (whom the caller must reach) to {@code identifier} in a system; an identifier another patient
     * has there is refused, so nobody repoints a patient to someone else's record.
     */
    boolean putIdentifier(String patientId, String adapterId, String identifier, AuthenticatedUser who) {
        gate.local(who, patientId);
        if (identifiers.locals(adapterId, identifier).stream().anyMatch(p -> !p.equals(patientId))) {
            audit.record(who, "integration.identifier.write", patientId, List.of(adapterId), "denied: taken");
            throw new UnprocessableException("identifier", "This identifier belongs to another patient in '"
                    + adapterId + "'");
        }
        boolean created = identifiers.put(patientId, adapterId, identifier, who.username());
        audit.record(who, "integration.identifier.write", patientId, List.of(adapterId), "ok");
        return created;
    }

    boolean removeIdentifier(String patientId, String adapterId, AuthenticatedUser who) {
        gate.local(who, patientId);
        boolean removed = identifiers.remove(patientId, adapterId);
        audit.record(who, "integration.identifier.delete", patientId, List.of(adapterId), removed ? "ok" : "absent");
        return removed;
    }
}
