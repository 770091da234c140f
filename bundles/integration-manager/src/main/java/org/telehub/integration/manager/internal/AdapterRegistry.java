package org.telehub.integration.manager.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.integration.api.Adapter;

/**
 * Every adapter service in the registry, by instance id, as of now. A service that leaves is forgotten at once;
 * nothing else in the manager holds an adapter longer than one call. Two services claiming one id: the first
 * keeps it, the second is listed as a conflict until the first leaves.
 */
@Component(service = AdapterRegistry.class)
public class AdapterRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(AdapterRegistry.class);

    private final Map<String, Adapter> byId = new ConcurrentHashMap<>();
    private final List<Adapter> all = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAdapter(Adapter adapter) {
        all.add(adapter);
        String id = adapter.info().id();
        if (byId.putIfAbsent(id, adapter) != null) {
            LOG.warn("Two adapters claim the id '{}'; the second ({}) is ignored until the first leaves", id,
                    adapter.info().product());
        } else {
            LOG.info("Adapter '{}' ({} {} {}) is available", id, adapter.info().vendor(), adapter.info().product(),
                    adapter.info().adapterVersion());
        }
    }

    void removeAdapter(Adapter adapter) {
        all.remove(adapter);
        String id = adapter.info().id();
        if (byId.remove(id, adapter)) {
            LOG.info("Adapter '{}' left", id);
            // a waiting duplicate takes over the id
            all.stream().filter(a -> a.info().id().equals(id)).findFirst().ifPresent(a -> byId.putIfAbsent(id, a));
        }
    }

    Optional<Adapter> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The active adapters, ordered by id. */
    List<Adapter> adapters() {
        List<Adapter> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparing(a -> a.info().id()));
        return out;
    }

    /** Services whose id is already taken by another. */
    List<Adapter> conflicts() {
        return all.stream().filter(a -> byId.get(a.info().id()) != a).toList();
    }
}
