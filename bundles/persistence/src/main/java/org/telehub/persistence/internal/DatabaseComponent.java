package org.telehub.persistence.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import org.jdbi.v3.core.Jdbi;
import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.persistence.AppliedMigration;
import org.telehub.persistence.Database;
import org.telehub.persistence.MigrationException;

/** Publishes {@link Database} over the configured pax-jdbc {@code DataSource} and runs modules' migrations. */
@Component(service = Database.class, configurationPid = "org.telehub.persistence")
@Designate(ocd = DatabaseConfig.class)
public class DatabaseComponent implements Database {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseComponent.class);

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final Migrator migrator;

    @Activate
    public DatabaseComponent(@Reference(name = "dataSource") DataSource dataSource, DatabaseConfig config) {
        this.dialect = detect(dataSource);
        this.jdbi = Jdbi.create(dataSource);
        this.migrator = new Migrator(dataSource);
        migrator.prepare();
        LOG.info("Telehub database ready on {}", dialect);
    }

    @Override
    public Jdbi jdbi() {
        return jdbi;
    }

    @Override
    public Dialect dialect() {
        return dialect;
    }

    @Override
    public List<AppliedMigration> migrate(String module, Bundle bundle, String path) {
        return migrator.migrate(module, load(bundle, path));
    }

    static List<Migration> load(Bundle bundle, String path) {
        Enumeration<URL> entries = bundle.findEntries(path, "*.sql", false);
        if (entries == null) {
            throw new MigrationException("Bundle " + bundle.getSymbolicName() + " has no migrations under " + path);
        }
        List<Migration> out = new ArrayList<>();
        for (URL url : Collections.list(entries)) {
            String file = url.getPath().substring(url.getPath().lastIndexOf('/') + 1);
            try (InputStream in = url.openStream()) {
                out.add(Migration.of(file, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new MigrationException("Cannot read migration " + url + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static Dialect detect(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("postgres")) {
                return Dialect.POSTGRESQL;
            }
            throw new MigrationException("Unsupported database '" + product + "': Telehub runs on PostgreSQL only");
        } catch (SQLException e) {
            throw new MigrationException("Cannot connect to the Telehub database: " + e.getMessage(), e);
        }
    }
}
