package org.telehub.persistence;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Fresh, empty databases for tests, on both engines Telehub supports.
 *
 * <p>H2 runs in memory in the same mode the distribution configures. PostgreSQL is the real server the test command
 * starts on 127.0.0.1 and announces with {@code -Dtelehub.test.pg.url=jdbc:postgresql://127.0.0.1:PORT/postgres}
 * (plus {@code telehub.test.pg.user}); each call creates a new database there. Where that property is absent the
 * PostgreSQL cases are skipped, unless {@code -Dtelehub.test.pg.required=true} (the test command sets it), which
 * turns absence into a failure: CI can never pass by skipping PostgreSQL.
 */
public final class TestDatabases {
    /** The flags the distribution's H2 URL uses too: PostgreSQL compatibility, lower-case identifiers. */
    public static final String H2_FLAGS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    private TestDatabases() {
    }

    /** The engines, as names for parameterised tests. */
    public static List<String> engines() {
        List<String> out = new ArrayList<>();
        out.add("h2");
        out.add("postgresql");
        return out;
    }

    public static DataSource create(String engine) {
        return switch (engine) {
            case "h2" -> h2();
            case "postgresql" -> postgres();
            default -> throw new IllegalArgumentException(engine);
        };
    }

    public static DataSource h2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:t" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1" + H2_FLAGS);
        ds.setUser("sa");
        return ds;
    }

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
