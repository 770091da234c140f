package org.telehub.reporting.internal;

import org.jdbi.v3.core.Jdbi;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.core.encounter.EncounterService;
import org.telehub.persistence.Database;

/**
 * The reporting tables ({@code db/migration/reporting}), migrated once before any other reporting component uses
 * them. {@code EncounterService}: reports are read with the visit's tables, which exist once encounters migrated.
 */
@Component(service = ReportSchema.class)
public class ReportSchema {
    private final Jdbi jdbi;

    @Activate
    public ReportSchema(@Reference Database database, @Reference EncounterService encounters) {
        database.migrate("reporting", FrameworkUtil.getBundle(ReportSchema.class), "db/migration/reporting");
        this.jdbi = database.jdbi();
    }

    public Jdbi jdbi() {
        return jdbi;
    }
}
