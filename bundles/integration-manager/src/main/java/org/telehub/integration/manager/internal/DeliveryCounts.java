package org.telehub.integration.manager.internal;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.metrics.WorkCounts;
import org.telehub.persistence.Database;

/**
 * Deliveries per target system (adapter id) and state, for {@code GET /metrics}: one grouped query per scrape.
 * Requires {@link IntegrationSchema}, whose activation migrates the table.
 */
@Component(service = WorkCounts.class)
public class DeliveryCounts implements WorkCounts {
    private final Database db;

    @Activate
    public DeliveryCounts(@Reference IntegrationSchema migrated, @Reference Database db) {
        this.db = db;
    }

    @Override
    public String kind() {
        return "delivery";
    }

    @Override
    public List<Count> counts() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT adapter_id, state, COUNT(*) FROM integration_delivery"
                + " GROUP BY adapter_id, state ORDER BY 1, 2")
                .map((rs, ctx) -> new Count(rs.getString(1), rs.getString(2), rs.getLong(3))).list());
    }
}
