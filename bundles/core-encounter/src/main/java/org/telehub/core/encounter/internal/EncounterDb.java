package org.telehub.core.encounter.internal;

import org.jdbi.v3.core.Jdbi;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.persistence.Database;

/** The encounter module's schema, migrated before any component of this bundle touches it. */
@Component(service = EncounterDb.class)
public class EncounterDb {
    private final Jdbi jdbi;

    @Activate
    public EncounterDb(@Reference Database database) {
        database.migrate("encounter", FrameworkUtil.getBundle(EncounterDb.class), "db/migration/encounter");
        this.jdbi = database.jdbi();
    }

    EncounterDb(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Jdbi jdbi() {
        return jdbi;
    }
}
