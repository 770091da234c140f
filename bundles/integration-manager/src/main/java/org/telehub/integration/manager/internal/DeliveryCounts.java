package org.telehub.integration.manager.internal;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.metrics.WorkCounts;
import org.telehub.work.WorkService;

/**
 * Deliveries per target system (adapter id) and work state ({@code pending}, {@code running}, {@code done},
 * {@code dead}), for {@code GET /metrics} as kind {@code delivery}: the work service's counts of the delivery topics,
 * named by target so that an alert on a system's dead deliveries needs no knowledge of topic names.
 */
@Component(service = WorkCounts.class)
public class DeliveryCounts implements WorkCounts {
    private final WorkService work;

    @Activate
    public DeliveryCounts(@Reference WorkService work) {
        this.work = work;
    }

    @Override
    public String kind() {
        return "delivery";
    }

    @Override
    public List<Count> counts() {
        return work.counts().stream().filter(c -> c.topic().startsWith(DeliveryService.TOPIC))
                .map(c -> new Count(c.topic().substring(DeliveryService.TOPIC.length()), c.state().value(), c.count()))
                .toList();
    }
}
