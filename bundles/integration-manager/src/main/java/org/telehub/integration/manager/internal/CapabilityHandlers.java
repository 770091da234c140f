package org.telehub.integration.manager.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.spi.CapabilityHandler;
import org.telehub.integration.spi.Result;
import org.telehub.integration.spi.ResultPart;

/**
 * Every {@link CapabilityHandler} in the service registry, as of now, highest {@code service.ranking} first (then
 * by name). The manager asks this class, never an {@code instanceof}, what an adapter can do: its capability
 * names, its part of a patient read, whether it takes a result and how the result is filed.
 */
@Component(service = CapabilityHandlers.class)
public class CapabilityHandlers {
    private record Entry(CapabilityHandler<?> handler, int ranking) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparingInt((Entry e) -> -e.ranking())
            .thenComparing(e -> e.handler().name());

    private final List<Entry> handlers = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addHandler(CapabilityHandler<?> handler, Map<String, Object> properties) {
        Object r = properties.get(Constants.SERVICE_RANKING);
        handlers.add(new Entry(handler, r instanceof Integer i ? i : 0));
    }

    void removeHandler(CapabilityHandler<?> handler) {
        handlers.removeIf(e -> e.handler() == handler);
    }

    /** The handlers serving this adapter, in order. */
    private List<CapabilityHandler<?>> of(Adapter a) {
        return handlers.stream().sorted(ORDER).map(Entry::handler).filter(h -> h.capability().isInstance(a))
                .<CapabilityHandler<?>>map(h -> h).toList();
    }

    /** The adapter's capability names, sorted (status, error messages). */
    public List<String> names(Adapter a) {
        return of(a).stream().map(CapabilityHandler::name).distinct().sorted().toList();
    }

    /** Every part of a patient read the adapter's capabilities offer, merged in handler order. */
    public Map<String, Object> read(Adapter a, String systemPatientId) throws AdapterException {
        Map<String, Object> members = new LinkedHashMap<>();
        for (CapabilityHandler<?> h : of(a)) {
            members.putAll(readAs(h, a, systemPatientId));
        }
        return members;
    }

    /** Which of the result's parts the adapter takes, and through which handler (each part once). */
    public Map<CapabilityHandler<?>, Set<ResultPart>> plan(Adapter a, Set<ResultPart> present) {
        Set<ResultPart> left = EnumSet.noneOf(ResultPart.class);
        left.addAll(present);
        Map<CapabilityHandler<?>, Set<ResultPart>> plan = new LinkedHashMap<>();
        for (CapabilityHandler<?> h : of(a)) {
            Set<ResultPart> mine = EnumSet.noneOf(ResultPart.class);
            for (ResultPart p : takesAs(h, a)) {
                if (left.remove(p)) {
                    mine.add(p);
                }
            }
            if (!mine.isEmpty()) {
                plan.put(h, mine);
            }
        }
        return plan;
    }

    /** Whether the adapter takes at least one part of a result with these parts. */
    public boolean accepts(Adapter a, Set<ResultPart> present) {
        return !plan(a, present).isEmpty();
    }

    /** Files every part the adapter takes; the ids the system gave the records, in order. */
    public List<String> deliver(Adapter a, String systemPatientId, Result result, String idempotencyKey)
            throws AdapterException {
        Map<CapabilityHandler<?>, Set<ResultPart>> plan = plan(a, result.parts());
        if (plan.isEmpty()) {
            // accepted when it was sent: its handler is away (an update), or the adapter changed; try again later
            throw new AdapterException("'" + a.info().id() + "' takes no part of this result (capabilities: "
                    + String.join(", ", names(a)) + ")", true);
        }
        List<String> remote = new ArrayList<>();
        for (Map.Entry<CapabilityHandler<?>, Set<ResultPart>> e : plan.entrySet()) {
            remote.addAll(CapabilityHandler.required(deliverAs(e.getKey(), a, systemPatientId, result, e.getValue(),
                    idempotencyKey), e.getKey().name() + " delivery"));
        }
        return remote;
    }

    private static <T> Set<ResultPart> takesAs(CapabilityHandler<T> h, Adapter a) {
        return CapabilityHandler.required(h.takes(h.capability().cast(a)), h.name() + " takes");
    }

    private static <T> Map<String, Object> readAs(CapabilityHandler<T> h, Adapter a, String spid)
            throws AdapterException {
        return CapabilityHandler.required(h.read(h.capability().cast(a), spid), h.name() + " read");
    }

    private static <T> List<String> deliverAs(CapabilityHandler<T> h, Adapter a, String spid, Result result,
            Set<ResultPart> parts, String key) throws AdapterException {
        return h.deliver(h.capability().cast(a), spid, result, parts, key);
    }
}
