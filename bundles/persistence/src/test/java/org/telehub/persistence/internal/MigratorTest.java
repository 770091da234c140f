package org.telehub.persistence.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.telehub.persistence.AppliedMigration;
import org.telehub.persistence.MigrationException;
import org.telehub.persistence.TestDatabases;

/** The migrator against a real PostgreSQL, a fresh database per test. */
class MigratorTest {

    private static final Migration V1 = Migration.of("V1__patients.sql",
            "-- a comment; with a semicolon\nCREATE TABLE patient (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL);\n"
                    + "INSERT INTO patient (id, name) VALUES (1, 'O''Brien; Mary');\n");
    private static final Migration V2 = Migration.of("V2__patient_birth_date.sql",
            "ALTER TABLE patient ADD COLUMN birth_date DATE;\r\n");

    @Test
    void appliesPendingScriptsInOrderOnceAndRecordsThem() throws Exception {
        DataSource ds = TestDatabases.postgres();
        Migrator m = new Migrator(ds);
        m.prepare();
        m.prepare(); // idempotent

        List<AppliedMigration> first = m.migrate("clinic", List.of(V2, V1));
        assertEquals(List.of(1, 2), first.stream().map(AppliedMigration::version).toList());
        assertEquals("O'Brien; Mary", scalar(ds, "SELECT name FROM patient WHERE id = 1"));
        assertEquals("0", scalar(ds, "SELECT COUNT(birth_date) FROM patient"));

        assertTrue(m.migrate("clinic", List.of(V1, V2)).isEmpty(), "a current schema applies nothing");
        List<AppliedMigration> history = m.history("clinic");
        assertEquals(2, history.size());
        assertEquals("patient birth date", history.get(1).description());
        assertEquals(V2.checksum(), history.get(1).checksum());
    }

    @Test
    void modulesHaveSeparateHistories() {
        DataSource ds = TestDatabases.postgres();
        Migrator m = new Migrator(ds);
        m.prepare();
        m.migrate("clinic", List.of(V1));
        List<AppliedMigration> other = m.migrate("billing",
                List.of(Migration.of("V1__invoices.sql", "CREATE TABLE invoice (id BIGINT PRIMARY KEY)")));
        assertEquals(1, other.size());
        assertEquals(1, m.history("clinic").size());
        assertEquals(1, m.history("billing").size());
    }

    @Test
    void anEditedAppliedScriptStopsTheModuleWithAClearError() {
        DataSource ds = TestDatabases.postgres();
        Migrator m = new Migrator(ds);
        m.prepare();
        m.migrate("clinic", List.of(V1));
        Migration edited = Migration.of("V1__patients.sql", "CREATE TABLE patient (id BIGINT PRIMARY KEY);");
        MigrationException e = assertThrows(MigrationException.class, () -> m.migrate("clinic", List.of(edited, V2)));
        assertTrue(e.getMessage().contains("V1 of module clinic changed after it was applied"), e.getMessage());
        assertEquals(1, m.history("clinic").size(), "nothing after the mismatch ran");
    }

    @Test
    void aDatabaseNewerThanTheCodeIsRefused() {
        DataSource ds = TestDatabases.postgres();
        Migrator m = new Migrator(ds);
        m.prepare();
        m.migrate("clinic", List.of(V1, V2));
        MigrationException e = assertThrows(MigrationException.class, () -> m.migrate("clinic", List.of(V1)));
        assertTrue(e.getMessage().contains("newer than the code"), e.getMessage());
    }

    @Test
    void aFailingScriptIsNotRecordedAndNamesTheStatement() throws Exception {
        DataSource ds = TestDatabases.postgres();
        Migrator m = new Migrator(ds);
        m.prepare();
        m.migrate("clinic", List.of(V1));
        Migration broken = Migration.of("V2__broken.sql",
                "CREATE TABLE visit (id BIGINT PRIMARY KEY);\nCREATE TABLE visit_note (id BIGINT REFERENCES nowhere(id));");
        MigrationException e = assertThrows(MigrationException.class, () -> m.migrate("clinic", List.of(V1, broken)));
        assertTrue(e.getMessage().contains("V2 (broken) of module clinic failed at statement 2"), e.getMessage());
        assertEquals(1, m.history("clinic").size(), "the failed script is not recorded");
        // transactional DDL: the first statement of the failed script is rolled back too
        assertFalse(tableExists(ds, "visit"), "half a migration stayed behind");
    }

    @Test
    void duplicateVersionsAndBadNamesAreRejected() {
        DataSource ds = TestDatabases.postgres();
        Migrator m = new Migrator(ds);
        m.prepare();
        Migration again = Migration.of("V1__again.sql", "SELECT 1");
        assertThrows(MigrationException.class, () -> m.migrate("clinic", List.of(V1, again)));
        MigrationException e = assertThrows(MigrationException.class, () -> Migration.of("v1-init.sql", ""));
        assertTrue(e.getMessage().contains("V<version>__<description>.sql"));
    }

    @Test
    void concurrentNodesApplyEachScriptExactlyOnce() throws Exception {
        DataSource ds = TestDatabases.postgres();
        List<Migration> scripts = new ArrayList<>();
        for (int v = 1; v <= 8; v++) {
            scripts.add(Migration.of("V" + v + "__t" + v + ".sql", "CREATE TABLE t" + v + " (id INTEGER)"));
        }
        int nodes = 4;
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Callable<List<AppliedMigration>>> jobs = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                jobs.add(() -> {
                    Migrator node = new Migrator(ds); // a separate migrator and connections per node
                    node.prepare();
                    return node.migrate("clinic", scripts);
                });
            }
            int total = 0;
            for (Future<List<AppliedMigration>> f : pool.invokeAll(jobs)) {
                total += f.get().size();
            }
            assertEquals(8, total, "every script applied by exactly one node");
            assertEquals(8, new Migrator(ds).history("clinic").size());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Nodes starting at once on a database that has never seen Telehub: concurrent {@code CREATE TABLE IF NOT EXISTS}
     * of one table can fail on PostgreSQL's catalogue (duplicate pg_type row), so creating the history tables must be
     * serialised by the database, not by this JVM. Six rounds of eight simultaneous first starts, none may fail.
     */
    @Test
    void simultaneousFirstStartsPrepareTheHistoryOnce() throws Exception {
        DataSource ds = TestDatabases.postgres();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 6; round++) {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS " + Migrator.HISTORY + ", " + Migrator.LOCK);
                }
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(8);
                List<Callable<Void>> jobs = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    jobs.add(() -> {
                        Migrator node = new Migrator(ds);
                        together.await();
                        node.prepare();
                        return null;
                    });
                }
                for (Future<Void> f : pool.invokeAll(jobs)) {
                    f.get(); // rethrows a node's failure
                }
                assertEquals("1", scalar(ds, "SELECT COUNT(*) FROM " + Migrator.LOCK), "one lock row");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String scalar(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static boolean tableExists(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection();
                ResultSet rs = c.getMetaData().getTables(null, null, table, new String[] {"TABLE"})) {
            return rs.next();
        }
    }
}
