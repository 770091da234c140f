package org.telehub.persistence.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub database", description = "Which DataSource Telehub uses. The DataSource"
        + " itself (PostgreSQL URL, user, pool) is configured in etc/org.ops4j.datasource-telehub.cfg.")
@interface DatabaseConfig {

    @AttributeDefinition(name = "DataSource filter", description = "OSGi filter selecting the javax.sql.DataSource"
            + " service registered by pax-jdbc-config.")
    String dataSource_target() default "(dataSourceName=telehub)";
}
