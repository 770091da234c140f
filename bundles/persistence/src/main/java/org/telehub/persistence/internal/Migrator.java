package org.telehub.persistence.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.persistence.AppliedMigration;
import org.telehub.persistence.MigrationException;

/**
 * Applies versioned migrations per module and keeps their history.
 *
 * <p>Several hub nodes may start against one PostgreSQL at once: every run takes a row lock on
 * {@code telehub_schema_lock} first, so exactly one node applies a pending script and the others then see it in the
 * history. Each script runs in its own transaction together with its history row (PostgreSQL's DDL is
 * transactional), so a failing script leaves neither half its DDL nor a record.
 */
final class Migrator {
    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);
    static final String HISTORY = "telehub_schema_history";
    static final String LOCK = "telehub_schema_lock";

    /**
     * Key of the transaction-scoped advisory lock that serialises {@link #prepare()} across nodes: concurrent
     * {@code CREATE TABLE IF NOT EXISTS} of one table can still fail on PostgreSQL's catalogue constraints.
     */
    private static final long PREPARE_LOCK = 0x7e1e_4b0bL;

    private final DataSource dataSource;

    Migrator(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates the history and lock tables if this database has never seen Telehub. */
    void prepare() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SELECT pg_advisory_xact_lock(" + PREPARE_LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS " + HISTORY + " ("
                    + "module VARCHAR(100) NOT NULL, version INTEGER NOT NULL, description VARCHAR(200) NOT NULL,"
                    + " checksum VARCHAR(64) NOT NULL, applied_at TIMESTAMP WITH TIME ZONE NOT NULL,"
                    + " execution_ms BIGINT NOT NULL, PRIMARY KEY (module, version))");
            s.execute("CREATE TABLE IF NOT EXISTS " + LOCK + " (id INTEGER PRIMARY KEY)");
            s.execute("INSERT INTO " + LOCK + " (id) VALUES (1) ON CONFLICT DO NOTHING");
            c.commit();
        } catch (SQLException e) {
            throw new MigrationException("Cannot create the migration history tables: " + e.getMessage(), e);
        }
    }

    List<AppliedMigration> migrate(String module, List<Migration> scripts) {
        List<Migration> ordered = new ArrayList<>(scripts);
        ordered.sort(Comparator.comparingInt(Migration::version));
        for (int i = 1; i < ordered.size(); i++) {
            if (ordered.get(i).version() == ordered.get(i - 1).version()) {
                throw new MigrationException(
                        "Module " + module + " ships two migrations with version " + ordered.get(i).version());
            }
        }
        List<AppliedMigration> applied = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                while (true) {
                    // Re-read the history under the lock before every script: another node may have applied
                    // it while we waited.
                    lock(c);
                    Map<Integer, String> history = history(c, module);
                    verify(module, ordered, history);
                    Migration next = ordered.stream().filter(m -> !history.containsKey(m.version())).findFirst()
                            .orElse(null);
                    if (next == null) {
                        c.commit();
                        break;
                    }
                    applied.add(apply(c, module, next));
                }
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new MigrationException("Migrations of module " + module + " failed: " + e.getMessage(), e);
        }
        return applied;
    }

    List<AppliedMigration> history(String module) {
        List<AppliedMigration> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT version, description, checksum, applied_at, execution_ms FROM " + HISTORY
                        + " WHERE module = ? ORDER BY version")) {
            ps.setString(1, module);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AppliedMigration(module, rs.getInt(1), rs.getString(2), rs.getString(3),
                            rs.getTimestamp(4).toInstant(), rs.getLong(5)));
                }
            }
        } catch (SQLException e) {
            throw new MigrationException("Cannot read the migration history: " + e.getMessage(), e);
        }
        return out;
    }

    private static void lock(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT id FROM " + LOCK + " WHERE id = 1 FOR UPDATE")) {
            if (!rs.next()) {
                throw new MigrationException("The schema lock row is missing from " + LOCK);
            }
        }
    }

    private static Map<Integer, String> history(Connection c, String module) throws SQLException {
        Map<Integer, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT version, checksum FROM " + HISTORY + " WHERE module = ?")) {
            ps.setString(1, module);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    private static void verify(String module, List<Migration> scripts, Map<Integer, String> history) {
        Map<Integer, Migration> byVersion = new HashMap<>();
        scripts.forEach(m -> byVersion.put(m.version(), m));
        for (Map.Entry<Integer, String> h : history.entrySet()) {
            Migration m = byVersion.get(h.getKey());
            if (m == null) {
                throw new MigrationException("Database has migration V" + h.getKey() + " of module " + module
                        + " that this bundle does not ship: the database is newer than the code");
            }
            if (!m.checksum().equals(h.getValue())) {
                throw new MigrationException("Migration V" + m.version() + " of module " + module
                        + " changed after it was applied (checksum " + h.getValue() + " in the database, "
                        + m.checksum() + " in the bundle); add a new version instead of editing an applied one");
            }
        }
    }

    private static AppliedMigration apply(Connection c, String module, Migration m) throws SQLException {
        long start = System.nanoTime();
        int n = 0;
        try (Statement s = c.createStatement()) {
            for (String sql : SqlScript.statements(m.sql())) {
                n++;
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new MigrationException("Migration V" + m.version() + " (" + m.description() + ") of module "
                    + module + " failed at statement " + n + ": " + e.getMessage(), e);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Instant now = Instant.now();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + HISTORY
                + " (module, version, description, checksum, applied_at, execution_ms) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, module);
            ps.setInt(2, m.version());
            ps.setString(3, m.description());
            ps.setString(4, m.checksum());
            ps.setTimestamp(5, Timestamp.from(now));
            ps.setLong(6, millis);
            ps.executeUpdate();
        }
        c.commit();
        LOG.info("Applied migration V{} ({}) of module {} in {} ms", m.version(), m.description(), module, millis);
        return new AppliedMigration(module, m.version(), m.description(), m.checksum(), now, millis);
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.warn("Rollback after a failed migration failed too", e);
        }
    }
}
