package org.telehub.persistence;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Fresh, empty PostgreSQL databases for tests, on the real server the test command starts on 127.0.0.1 and
 * announces with {@code -Dtelehub.test.pg.url=jdbc:postgresql://127.0.0.1:PORT/postgres} (plus
 * {@code telehub.test.pg.user}); each call creates a new database there. Where that property is absent the
 * database tests are skipped, unless {@code -Dtelehub.test.pg.required=true} (the test command sets it), which
 * turns absence into a failure: CI can never pass by skipping them.
 */
public final class TestDatabases {

    private TestDatabases() {
    }

    /** A new, empty database on the announced PostgreSQL server. */
    public static DataSource postgres() {
        String url = System.getProperty("telehub.test.pg.url");
        if (url == null || url.isBlank()) {
            if (Boolean.getBoolean("telehub.test.pg.required")) {
                throw new IllegalStateException("telehub.test.pg.required is set but telehub.test.pg.url is not:"
                        + " the test command must start PostgreSQL");
            }
            Assumptions.abort("no PostgreSQL announced (telehub.test.pg.url); run the README's test command");
        }
        String user = System.getProperty("telehub.test.pg.user", "postgres");
        String name = "t" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create a test database on " + url + ": " + e.getMessage(), e);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url.substring(0, url.lastIndexOf('/') + 1) + name);
        ds.setUser(user);
        return ds;
    }
}
