package org.telehub.persistence.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.telehub.health.HealthIndicator;
import org.telehub.persistence.Database;

/**
 * Health of the database: a connection from the pool that answers {@code isValid}. Registered even while the
 * {@link Database} is missing, so that health says DOWN and why rather than going quiet.
 */
@Component(service = HealthIndicator.class, configurationPid = "org.telehub.persistence")
public class DatabaseHealth implements HealthIndicator {
    private final DataSource dataSource;
    private final Database database;
    /** Whether the DataSource is over the hub's own server (bundles/dbserver marks its service so). */
    private final boolean ownServer;

    @Activate
    public DatabaseHealth(
            @Reference(name = "dataSource", cardinality = ReferenceCardinality.OPTIONAL,
                    policyOption = ReferencePolicyOption.GREEDY, target = "(dataSourceName=telehub)")
            Map.Entry<Map<String, Object>, DataSource> dataSource,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            Database database) {
        this.dataSource = dataSource == null ? null : dataSource.getValue();
        this.ownServer = dataSource != null && "own".equals(dataSource.getKey().get("telehub.database.server"));
        this.database = database;
    }

    @Override
    public String name() {
        return "database";
    }

    @Override
    public Check check() {
        if (dataSource == null) {
            return Check.down("no DataSource 'telehub': the hub's own PostgreSQL is not up (see the dbserver check),"
                    + " or etc/org.ops4j.datasource-telehub.cfg is wrong", 0);
        }
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            boolean valid = c.isValid(2);
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (!valid) {
                return Check.down("the database did not answer within 2 s", ms);
            }
            if (database == null) {
                return Check.down("connected, but the schema is not ready (see the log)", ms);
            }
            // an operator's database is shown by its engine only, the hub's own server says so
            return Check.up(database.dialect().name() + (ownServer ? " (the hub's own server)" : ""), ms);
        } catch (SQLException e) {
            return Check.down("cannot connect: " + e.getMessage(), (System.nanoTime() - start) / 1_000_000);
        }
    }
}
