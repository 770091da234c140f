package org.telehub.dbserver.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Hashtable;
import java.util.Properties;

import javax.sql.DataSource;

import org.ops4j.pax.jdbc.pool.common.PooledDataSourceFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jdbc.DataSourceFactory;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.health.HealthIndicator;

/**
 * Runs the hub's own PostgreSQL and provides the {@code telehub} DataSource over it, unless an operator configured
 * one ({@code etc/org.ops4j.datasource-telehub.cfg}): then this component stays idle and that database is used.
 * <p>
 * The server is started (or, after a {@code kill -9} of the hub, taken over: it survives its parent) during
 * activation, then the database and role are made sure of, and only then is the DataSource registered, so the
 * persistence bundle never sees a DataSource whose server is not up. The DataSource is registered as a service
 * here rather than written to Config Admin: a configuration would outlive a killed hub and be served by pax-jdbc
 * before the server is back. On deactivation (hub or bundle stop) the DataSource goes first, then the server is
 * stopped with a fast shutdown.
 */
@Component(service = {}, immediate = true, configurationPid = "org.telehub.dbserver")
@Designate(ocd = DbServerConfig.class)
public class DbServer {
    private static final Logger LOG = LoggerFactory.getLogger(DbServer.class);
    static final String OPERATOR_FILE = "org.ops4j.datasource-telehub.cfg";
    static final String DATABASE = "telehub";

    private final BundleContext context;
    private final DbServerConfig config;
    private final DataSourceFactory driver;
    private final PooledDataSourceFactory pool;
    private volatile HealthIndicator.Check state = HealthIndicator.Check.down("starting", 0);
    private volatile boolean closing;
    private PgCluster cluster;
    private DataSource dataSource;
    private ServiceRegistration<DataSource> dataSourceRegistration;
    private ServiceRegistration<HealthIndicator> healthRegistration;

    @Activate
    public DbServer(BundleContext context, DbServerConfig config,
            @Reference(target = "(osgi.jdbc.driver.name=PostgreSQL JDBC Driver)") DataSourceFactory driver,
            // optional by declaration only: pax-jdbc's pool bundle declares no service capability, and a mandatory
            // reference would make the feature resolver refuse this bundle; without it nothing starts (below)
            @Reference(target = "(&(pool=dbcp2)(!(xa=true)))", cardinality = ReferenceCardinality.OPTIONAL,
                    policyOption = ReferencePolicyOption.GREEDY) PooledDataSourceFactory pool,
            @Reference ConfigurationAdmin configAdmin) {
        this.context = context;
        this.config = config;
        this.driver = driver;
        this.pool = pool;
        String external = externalDataSource(configAdmin);
        if (external != null) {
            LOG.info("The telehub database is configured by the operator ({}): the hub's own PostgreSQL is not started",
                    external);
            return;
        }
        if (pool == null) {
            LOG.info("Waiting for pax-jdbc's dbcp2 pool before starting the hub's PostgreSQL");
            return;
        }
        healthRegistration = context.registerService(HealthIndicator.class, new Health(), null);
        // On purpose in the activating thread (the one starting bundles), not in a thread of our own: registering
        // the DataSource activates Database and its migrations in the registering thread; from another thread
        // that would race the bundles still starting, and under load Felix SCR's 5 s lock timeout then leaves
        // their components (auth filter, resources) failed for good: the API answered 404 until a restart.
        // Here the DataSource exists before any later bundle starts. Costs the start-level thread the server's
        // start (about a second; initdb once).
        startServer();
    }

    /** Where an operator configured the {@code telehub} DataSource, or null (THE RULE: that file means external). */
    static String externalDataSource(ConfigurationAdmin configAdmin) {
        Path file = Paths.get(System.getProperty("karaf.etc", "etc"), OPERATOR_FILE);
        if (Files.exists(file)) {
            return file.toString();
        }
        try {
            Configuration[] found = configAdmin.listConfigurations(
                    "(&(service.factoryPid=org.ops4j.datasource)(dataSourceName=" + DATABASE + "))");
            return found == null || found.length == 0 ? null : "configuration " + found[0].getPid();
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private void startServer() {
        long t0 = System.nanoTime();
        try {
            PgCluster pg = cluster();
            String superuser = Secrets.read(secretFile("postgres-superuser.secret"));
            String password = Secrets.read(secretFile("postgres.secret"));
            pg.checkTraversable(pg.dataDir.getParent());
            if (!pg.checkExisting()) {
                LOG.info("First start: creating the hub's PostgreSQL {} database in {}", pg.major, pg.dataDir);
                pg.init(superuser);
            }
            pg.writeConf();
            long pid = pg.runningPid();
            if (pid > 0) {
                // the hub was killed and its server lived on: take it over, never a second server on one directory
                LOG.info("PostgreSQL already running on {} (pid {}): taking it over", pg.dataDir, pid);
                if (!answers(pg, superuser)) {
                    LOG.info("It does not answer on 127.0.0.1:{}: restarting it", pg.port);
                    pg.restart();
                }
            } else {
                pg.start();
            }
            if (closing) {
                return;
            }
            ensureDatabase(pg, superuser, password);
            register(pg, password);
            LOG.info("The hub's PostgreSQL {} is up on 127.0.0.1:{} (pid {}) in {} ms", pg.major, pg.port,
                    pg.runningPid(), (System.nanoTime() - t0) / 1_000_000);
        } catch (SQLException | RuntimeException e) {
            String message = "The hub's own PostgreSQL cannot run: " + e.getMessage();
            state = HealthIndicator.Check.down(e.getMessage(), 0);
            LOG.error(message, e instanceof DbServerException ? null : e);
            // the operator at the console (./telehub run, bin/karaf) sees why the hub does not come up
            System.err.println("\nTelehub: " + message + "\n");
        }
    }

    private synchronized PgCluster cluster() {
        if (cluster == null) {
            Path data = config.dataDirectory().isBlank()
                    ? Paths.get(System.getProperty("karaf.data", "data"), "telehub", "postgres")
                    : Paths.get(config.dataDirectory());
            Path bin = config.binDirectory().isBlank() ? PgCluster.detectBinDir(Paths.get("/usr/lib/postgresql"))
                    : Paths.get(config.binDirectory());
            cluster = new PgCluster(data, bin, config.port(), isRoot() ? config.osUser() : null,
                    config.startTimeoutSeconds());
        }
        return cluster;
    }

    private static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Paths.get("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static Path secretFile(String name) {
        return Paths.get(System.getProperty("karaf.data", "data"), "telehub", name);
    }

    private String url(PgCluster pg, String database) {
        return "jdbc:postgresql://127.0.0.1:" + pg.port + "/" + database;
    }

    private Connection connect(PgCluster pg, String database, String user, String password) throws SQLException {
        Driver d = driver.createDriver(null);
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "10");
        return d.connect(url(pg, database), p);
    }

    private boolean answers(PgCluster pg, String superuser) {
        try (Connection c = connect(pg, "postgres", "postgres", superuser)) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * The role and database {@code telehub}, owned by that role; its password is (re)set to the secret. Then the
     * audit tables are made append-only for that role ({@code protect-audit.sql}).
     */
    private void ensureDatabase(PgCluster pg, String superuser, String password) throws SQLException {
        try (Connection c = connect(pg, "postgres", "postgres", superuser); Statement s = c.createStatement()) {
            boolean role = exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?");
            // a failing statement is copied into the server's log by default: not this one, which holds the password
            s.execute("SET log_min_error_statement = PANIC");
            s.execute("SET log_statement = 'none'");
            // a generated base64url secret: no quote can occur in it
            s.execute((role ? "ALTER" : "CREATE") + " ROLE " + DATABASE + " LOGIN PASSWORD '" + password + "'");
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?")) {
                LOG.info("Creating database {}", DATABASE);
                s.execute("CREATE DATABASE " + DATABASE + " OWNER " + DATABASE + " ENCODING 'UTF8'");
            }
        }
        try (Connection c = connect(pg, DATABASE, "postgres", superuser); Statement s = c.createStatement()) {
            s.execute(protectAudit());
        }
    }

    /**
     * The superuser's part of the append-only audit trail (the script says why): the same file an operator of an
     * external PostgreSQL runs by hand.
     */
    static String protectAudit() {
        try (InputStream in = DbServer.class.getResourceAsStream("protect-audit.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean exists(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, DATABASE);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The pax-jdbc dbcp2 pool with the settings the shipped external example uses. */
    private synchronized void register(PgCluster pg, String password) throws SQLException {
        if (closing) {
            return;
        }
        Properties p = new Properties();
        p.setProperty(DataSourceFactory.JDBC_URL, url(pg, DATABASE));
        p.setProperty(DataSourceFactory.JDBC_USER, DATABASE);
        p.setProperty(DataSourceFactory.JDBC_PASSWORD, password);
        p.setProperty("dataSourceName", DATABASE);
        p.setProperty("pool.maxTotal", Integer.toString(config.poolMaxTotal()));
        p.setProperty("pool.maxIdle", Integer.toString(Math.min(10, config.poolMaxTotal())));
        p.setProperty("pool.minIdle", "1");
        p.setProperty("pool.maxWaitMillis", "10000");
        p.setProperty("pool.testOnBorrow", "true");
        dataSource = pool.create(driver, p);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("dataSourceName", DATABASE);
        props.put(DataSourceFactory.OSGI_JDBC_DRIVER_NAME, "PostgreSQL JDBC Driver");
        props.put("telehub.database.server", "own");
        dataSourceRegistration = context.registerService(DataSource.class, dataSource, props);
        state = HealthIndicator.Check.up("own PostgreSQL " + pg.major + " on 127.0.0.1:" + pg.port, 0);
    }

    @Deactivate
    void deactivate() {
        closing = true;
        synchronized (this) {
            // consumers first: they finish with the pool before the server goes
            if (dataSourceRegistration != null) {
                dataSourceRegistration.unregister();
                dataSourceRegistration = null;
            }
            if (dataSource instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.warn("Closing the connection pool: {}", e.toString());
                }
            }
            dataSource = null;
        }
        if (healthRegistration != null) {
            healthRegistration.unregister();
        }
        PgCluster pg = cluster;
        if (pg != null && pg.runningPid() > 0) {
            try {
                pg.stop();
                LOG.info("The hub's PostgreSQL stopped");
            } catch (DbServerException e) {
                LOG.error("Stopping the hub's PostgreSQL: {}", e.getMessage());
            }
        }
    }

    /** Health of the hub's own server: which server it is, or why it is not running. */
    private final class Health implements HealthIndicator {
        @Override
        public String name() {
            return "dbserver";
        }

        @Override
        public Check check() {
            Check s = state;
            PgCluster pg = cluster;
            if (s.status() == Status.UP && pg != null && pg.runningPid() < 0) {
                return Check.down("the server process is gone (see " + pg.dataDir.resolve("log") + ")", 0);
            }
            return s;
        }
    }
}
