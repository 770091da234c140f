package org.telehub.adapter.hl7v2.internal;

import org.jdbi.v3.core.Jdbi;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.persistence.Database;

/** The message store's table ({@code hl7v2} migrations), migrated before any component of this bundle uses it. */
@Component(service = Hl7Schema.class)
public class Hl7Schema {
    private final Jdbi jdbi;

    @Activate
    public Hl7Schema(@Reference Database database) {
        database.migrate("hl7v2", FrameworkUtil.getBundle(Hl7Schema.class), "db/migration/hl7v2");
        this.jdbi = database.jdbi();
    }

    Jdbi jdbi() {
        return jdbi;
    }
}
