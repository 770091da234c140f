package org.telehub.persistence;

import java.util.List;

import org.jdbi.v3.core.Jdbi;
import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;

/**
 * The Telehub database. Registered once the configured {@code DataSource} is present and the history of applied
 * migrations is readable; withdrawn when the {@code DataSource} goes away, so consumers never hold a dead pool.
 *
 * <p>Each bundle owns its tables. It ships its migrations as {@code V<n>__<description>.sql} files in its own
 * bundle and calls {@link #migrate(String, Bundle, String)} from its component's activation, before it touches its
 * tables. Migrations are applied once, in version order, and recorded in {@code telehub_schema_history}; a migration
 * whose text changed after it was applied stops the module with an error instead of running against a schema it
 * does not describe.
 */
@ProviderType
public interface Database {

    /** Jdbi bound to the Telehub {@code DataSource}. Thread-safe; share it. */
    Jdbi jdbi();

    /** The engine behind the {@code DataSource}: PostgreSQL, the one engine Telehub runs on. */
    Dialect dialect();

    /**
     * Applies the pending migrations of {@code module} found in {@code bundle} under {@code path}.
     *
     * @param module short, stable name of the owning module, e.g. {@code "security"}
     * @param bundle the bundle that ships the scripts
     * @param path folder inside that bundle, e.g. {@code "db/migration/security"}
     * @return the migrations applied by this call, empty if the schema was current
     * @throws MigrationException if a script fails (nothing of it is recorded as applied), if an applied script
     *             changed, or if the database holds a newer version than the bundle knows
     */
    List<AppliedMigration> migrate(String module, Bundle bundle, String path);

    /** Supported engines (H2 was dropped in 2.0: it lost acknowledged writes on a crash, issue 12). */
    enum Dialect {
        POSTGRESQL
    }
}
