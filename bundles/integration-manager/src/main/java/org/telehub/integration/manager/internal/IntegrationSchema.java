package org.telehub.integration.manager.internal;

import org.jdbi.v3.core.Jdbi;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.persistence.Database;

/**
 * The integration module's tables, migrated before this service is registered: every component that uses them
 * references this one instead of relying on another component having migrated first.
 */
@Component(service = IntegrationSchema.class)
public class IntegrationSchema {
    private final Jdbi jdbi;

    @Activate
    public IntegrationSchema(@Reference Database database) {
        database.migrate("integration", FrameworkUtil.getBundle(IntegrationSchema.class), "db/migration/integration");
        this.jdbi = database.jdbi();
    }

    public Jdbi jdbi() {
        return jdbi;
    }
}
