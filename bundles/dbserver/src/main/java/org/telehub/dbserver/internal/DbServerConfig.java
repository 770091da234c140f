package org.telehub.dbserver.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Telehub database server", description = "The hub's own PostgreSQL, created on first"
        + " start under the hub's data directory and run with the hub. Not started when an external database is"
        + " configured (etc/org.ops4j.datasource-telehub.cfg).")
@interface DbServerConfig {
    @AttributeDefinition(name = "Port", description = "TCP port on 127.0.0.1 (the server listens nowhere else). Not"
            + " 5432 (Debian's own cluster) nor 5433 (the next one pg_createcluster picks).")
    int port() default 5438;

    @AttributeDefinition(name = "Data directory", description = "Empty: ${karaf.data}/telehub/postgres. Every"
            + " directory above it must be traversable by the OS user below.")
    String dataDirectory() default "";

    @AttributeDefinition(name = "Binary directory", description = "Where initdb, pg_ctl and postgres are. Empty: the"
            + " newest /usr/lib/postgresql/<major>/bin (Debian's postgresql package).")
    String binDirectory() default "";

    @AttributeDefinition(name = "OS user", description = "PostgreSQL refuses to run as root: when the hub runs as"
            + " root, the server runs as this system user (./telehub run creates it). Otherwise as the hub's user.")
    String osUser() default "telehub";

    @AttributeDefinition(name = "Pool size", description = "Connections the telehub DataSource keeps at most")
    int poolMaxTotal() default 20;

    @AttributeDefinition(name = "Start timeout (s)", description = "How long initdb and the server start may take")
    int startTimeoutSeconds() default 120;
}
