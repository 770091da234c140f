package org.telehub.core.encounter.internal.work;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.metrics.WorkCounts;
import org.telehub.persistence.Database;

/**
 * Reminders (per state) and webhook deliveries (per subscription id and state) for {@code GET /metrics}. A webhook
 * is named by its id, never its URL (URLs may carry credentials). Requires {@link EncounterDb}: the tables exist.
 */
public final class EncounterWorkCounts {
    private EncounterWorkCounts() {
    }

    /** Reminders per state; one channel set, so no target. */
    @Component(service = WorkCounts.class)
    public static class ReminderCounts implements WorkCounts {
        private final Database db;

        @Activate
        public ReminderCounts(@Reference EncounterDb migrated, @Reference Database db) {
            this.db = db;
        }

        @Override
        public String kind() {
            return "reminder";
        }

        @Override
        public List<Count> counts() {
            return db.jdbi().withHandle(h -> h.createQuery("SELECT state, COUNT(*) FROM encounter_reminder"
                    + " GROUP BY state ORDER BY 1").map((rs, ctx) -> new Count("", rs.getString(1), rs.getLong(2)))
                    .list());
        }
    }

    /** Webhook deliveries per subscription and state. */
    @Component(service = WorkCounts.class)
    public static class WebhookCounts implements WorkCounts {
        private final Database db;

        @Activate
        public WebhookCounts(@Reference EncounterDb migrated, @Reference Database db) {
            this.db = db;
        }

        @Override
        public String kind() {
            return "webhook";
        }

        @Override
        public List<Count> counts() {
            return db.jdbi().withHandle(h -> h.createQuery("SELECT webhook_id, state, COUNT(*)"
                    + " FROM encounter_webhook_delivery GROUP BY webhook_id, state ORDER BY 1, 2")
                    .map((rs, ctx) -> new Count(rs.getString(1), rs.getString(2), rs.getLong(3))).list());
        }
    }
}
