package org.telehub.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import org.telehub.persistence.Database;
import org.telehub.persistence.TestDatabases;
import org.telehub.security.AuthenticatedUser;

/**
 * The tamper-evident audit trail on a real PostgreSQL: rows in the caller's transaction, the sealer's hash chain
 * (late commits and rollbacks included), the seal file, verification finding a changed, a deleted and a deleted
 * newest row, and the hub's role refused UPDATE and DELETE by the grants {@code protect-audit.sql} sets.
 */
class AuditTrailTest {
    static final AuthenticatedUser DOCTOR = new AuthenticatedUser(7, "dr.who", "The Doctor", Set.of("doctor"));

    @TempDir
    Path dir;

    @Test
    void rowsCommitAndRollBackWithTheCallersTransaction() {
        Database db = AccountsTest.database();
        DbAuditLog log = new DbAuditLog(db, null);
        db.jdbi().useTransaction(h -> log.record(h, DOCTOR, "encounter.create", "p1", List.of(), "ok"));
        assertThrows(IllegalStateException.class, () -> db.jdbi().useTransaction(h -> {
            log.record(h, DOCTOR, "encounter.create", "p2", List.of(), "ok");
            throw new IllegalStateException("the booking failed after its audit row");
        }));
        log.record(DOCTOR, "encounter.read", "p3", List.of("pacs-b", "pacs-a"), "denied");
        assertEquals(List.of("encounter.create p1 ", "encounter.read p3 pacs-a,pacs-b"), db.jdbi().withHandle(h -> h
                .createQuery("SELECT action || ' ' || patient_id || ' ' || systems FROM audit_event ORDER BY id")
                .mapTo(String.class).list()));
    }

    @Test
    void anIntactChainVerifiesAndItsNewestSealIsInTheFile() throws IOException {
        Database db = AccountsTest.database();
        AuditTrail trail = trail(db, 3);
        assertEquals(0, trail.sealNow(), "nothing to seal");
        write(db, 8);
        assertEquals(3, trail.sealNow(), "8 rows in batches of 3");
        write(db, 1);
        assertEquals(1, trail.sealNow());
        AuditChain.Verdict v = trail.verify();
        assertTrue(v.ok(), v.toString());
        assertEquals(4, v.seals());
        assertEquals(9, v.rows());
        assertNull(v.warning() == null ? null : v.warning().contains("seal file") ? v.warning() : null);
        SealFile.Stamp stamp = new SealFile(trail.file()).read();
        assertEquals(9, stamp.highSeq());
        assertEquals(db.jdbi().withHandle(h -> h.createQuery("SELECT hash FROM audit_seal ORDER BY id DESC LIMIT 1")
                .mapTo(String.class).one()), stamp.hash());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(trail.file())));
        // the chain: each seal starts from its predecessor's hash
        List<String> links = db.jdbi().withHandle(h -> h.createQuery("SELECT prev_hash || ' ' || hash FROM audit_seal"
                + " ORDER BY id").mapTo(String.class).list());
        assertTrue(links.get(0).startsWith(AuditChain.GENESIS));
        for (int i = 1; i < links.size(); i++) {
            assertEquals(links.get(i - 1).split(" ")[1], links.get(i).split(" ")[0]);
        }
    }

    @Test
    void aChangedRowIsDetected() {
        Database db = AccountsTest.database();
        AuditTrail trail = trail(db, 3);
        write(db, 7);
        trail.sealNow();
        // what someone with the database's superuser could do: the triggers off, then one word changed
        tamper(db, "UPDATE audit_event SET outcome = 'denied' WHERE id = 5");
        AuditChain.Verdict v = trail.verify();
        assertFalse(v.ok());
        assertEquals(2L, v.sealId(), v.toString());
        assertTrue(v.problem().contains("a row was changed"), v.toString());
    }

    @Test
    void aDeletedRowIsDetected() {
        Database db = AccountsTest.database();
        AuditTrail trail = trail(db, 3);
        write(db, 7);
        trail.sealNow();
        tamper(db, "DELETE FROM audit_event WHERE id = 2");
        AuditChain.Verdict v = trail.verify();
        assertFalse(v.ok());
        assertEquals(1L, v.sealId());
        assertEquals(2L, v.seq());
        assertTrue(v.problem().contains("deleted"), v.toString());
    }

    @Test
    void deletingTheNewestRowsWithTheirSealIsDetectedAndTheSealerStops() {
        Database db = AccountsTest.database();
        AuditTrail trail = trail(db, 3);
        write(db, 7);
        assertEquals(3, trail.sealNow());
        // the newest rows and their seal go: what is left is a consistent chain, only the file knows better
        tamper(db, "DELETE FROM audit_event WHERE id = 7; DELETE FROM audit_seal WHERE id = 3");
        AuditChain.Verdict v = trail.verify();
        assertFalse(v.ok());
        assertEquals(3L, v.sealId(), v.toString());
        assertTrue(v.problem().contains("the newest rows and their seals were deleted"), v.toString());
        // sealing on would bury the deletion under a new, consistent head: the sealer refuses
        write(db, 2);
        assertThrows(AuditChain.Diverged.class, trail::sealNow);
        assertEquals(2, (int) db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM audit_seal")
                .mapTo(Integer.class).one()));
        // a verifier with no file (another node) still sees a whole chain, and says what it cannot know
        AuditTrail elsewhere = new AuditTrail(db, config(dir.resolve("other.seal"), 3), null);
        AuditChain.Verdict there = elsewhere.verify();
        assertTrue(there.ok(), there.toString());
        assertTrue(there.warning().contains("no seal file"), there.toString());
    }

    @Test
    void aRowCommittedAfterALaterSealIsStillSealedAndRollbacksLeaveNoFalseAlarm() throws SQLException {
        Database db = AccountsTest.database();
        AuditTrail trail = trail(db, 100);
        DbAuditLog log = new DbAuditLog(db, null);
        try (Handle slow = db.jdbi().open()) {
            slow.begin();
            log.record(slow, DOCTOR, "encounter.create", "slow", List.of(), "ok"); // takes seq 1, commits later
            write(db, 2); // seq 2, 3
            try (Handle undone = db.jdbi().open()) {
                undone.begin();
                log.record(undone, DOCTOR, "encounter.create", "undone", List.of(), "ok"); // seq 4, rolled back
                undone.rollback();
            }
            write(db, 1); // seq 5
            assertEquals(1, trail.sealNow());
            assertEquals(List.of(2L, 3L, 5L), seqs(db, 1));
            assertEquals(List.of(1L, 4L), db.jdbi().withHandle(h -> h.createQuery("SELECT seq FROM audit_hole"
                    + " ORDER BY seq").mapTo(Long.class).list()), "the holes the sealer watches");
            AuditChain.Verdict before = trail.verify();
            assertTrue(before.ok(), "a transaction still running is no tampering: " + before);
            slow.commit();
        }
        write(db, 1); // seq 6
        assertEquals(1, trail.sealNow());
        assertEquals(List.of(1L, 6L), seqs(db, 2), "the late row is sealed, exactly once, in sequence order");
        AuditChain.Verdict v = trail.verify();
        assertTrue(v.ok(), v.toString());
        assertEquals(5, v.rows(), "seq 4 was rolled back: a gap, not a deletion");
    }

    @Test
    void aRowInsertedBehindTheSealersBackIsFound() {
        Database db = AccountsTest.database();
        AuditTrail trail = trail(db, 100);
        write(db, 2);
        db.jdbi().useTransaction(h -> {
            DbAuditLog.insert(h, 1, "x", "x", null, List.of(), "ok"); // seq 3, rolled back
            h.rollback();
        });
        write(db, 1);
        trail.sealNow();
        // the hole's window passes (a rollback, then); later a row appears in it: back-dated, not sealed by anyone
        db.jdbi().useHandle(h -> h.execute("DELETE FROM audit_hole"));
        db.jdbi().useHandle(h -> h.execute("INSERT INTO audit_event (id, at, actor_id, actor, action, outcome)"
                + " OVERRIDING SYSTEM VALUE VALUES (3, now() - interval '1 day', 1, 'x', 'patient.read', 'ok')"));
        trail.sealNow();
        AuditChain.Verdict v = trail.verify();
        assertFalse(v.ok(), v.toString());
        assertEquals(3L, v.seq());
        assertTrue(v.problem().contains("in no seal"), v.toString());
    }

    @Test
    void theHubsRoleMayInsertAndReadButNotChangeOrDeleteAuditRows() throws Exception {
        String url = System.getProperty("telehub.test.pg.url");
        TestDatabases.postgres(); // skips (or fails, where required) without a PostgreSQL, as the other tests
        String name = "t" + UUID.randomUUID().toString().replace("-", "");
        String base = url.substring(0, url.lastIndexOf('/') + 1);
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN CREATE ROLE telehub LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
            s.execute("CREATE DATABASE " + name + " OWNER telehub");
        }
        // as the hub's own PostgreSQL does at every start, before the hub's migrations ran
        try (Connection c = DriverManager.getConnection(base + name, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(protectScript());
        }
        PGSimpleDataSource hub = new PGSimpleDataSource();
        hub.setUrl(base + name);
        hub.setUser("telehub");
        Database db = AccountsTest.database(hub); // the migrations, run as the hub's role: it creates the tables
        AuditTrail trail = new AuditTrail(db, config(dir.resolve("audit.seal"), 100), null); // hands them over
        write(db, 4);
        assertEquals(1, trail.sealNow(), "the sealer works as the hub's role");
        AuditChain.Verdict v = trail.verify();
        assertTrue(v.ok(), v.toString());
        assertNull(v.warning(), "the hub may not change audit rows, so no warning");

        for (String sql : List.of("UPDATE audit_event SET outcome = 'x' WHERE id = 1",
                "DELETE FROM audit_event WHERE id = 1", "TRUNCATE audit_event", "UPDATE audit_seal SET hash = 'x'",
                "DELETE FROM audit_seal", "TRUNCATE audit_seal")) {
            SQLException e = refused(db, sql);
            assertTrue(e.getMessage().contains("permission denied for table audit_"), sql + ": " + e.getMessage());
        }
        for (String sql : List.of("ALTER TABLE audit_event DISABLE TRIGGER USER",
                "ALTER TABLE audit_seal OWNER TO telehub", "CREATE OR REPLACE FUNCTION audit_append_only()"
                        + " RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
                "CREATE OR REPLACE FUNCTION telehub_protect.protect_audit() RETURNS text LANGUAGE sql AS $$ SELECT '' $$",
                "CREATE FUNCTION telehub_protect.other() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
                "SET ROLE telehub_audit", "SELECT setval('audit_event_id_seq', 1)")) {
            SQLException e = refused(db, sql);
            assertTrue(e.getMessage().contains("must be owner") || e.getMessage().contains("permission denied"),
                    sql + ": " + e.getMessage());
        }
        assertEquals(4, (int) db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM audit_event")
                .mapTo(Integer.class).one()));
        assertEquals(4, (int) db.jdbi().withHandle(h -> h.createQuery("SELECT last_value FROM audit_event_id_seq")
                .mapTo(Integer.class).one()), "a backup (pg_dump as the hub's role) reads the sequences");
        // what the database's owner can still do is drop the trail whole: a loss, not a quiet change, and found
        db.jdbi().useHandle(h -> h.execute("DROP TABLE audit_event"));
        AuditChain.Verdict gone = trail.verify();
        assertFalse(gone.ok(), gone.toString());
        assertTrue(gone.problem().contains("dropped"), gone.toString());
    }

    @Test
    void withoutTheGrantsTheTriggersStillRefuseAndVerificationWarns() {
        Database db = AccountsTest.database(); // the tables' owner, as with an external database left unprotected
        write(db, 2);
        UnableToExecuteStatementException e = assertThrows(UnableToExecuteStatementException.class,
                () -> db.jdbi().useHandle(h -> h.execute("DELETE FROM audit_event")));
        assertTrue(e.getMessage().contains("append-only: DELETE on audit_event refused"), e.getMessage());
        AuditChain.Verdict v = trail(db, 10).verify();
        assertTrue(v.warning().contains("may UPDATE or DELETE audit rows"), v.toString());
    }

    private static SQLException refused(Database db, String sql) {
        UnableToExecuteStatementException e = assertThrows(UnableToExecuteStatementException.class,
                () -> db.jdbi().useHandle(h -> h.execute(sql)), sql);
        SQLException cause = (SQLException) e.getCause();
        assertEquals("42501", cause.getSQLState(), sql + ": " + cause.getMessage());
        return cause;
    }

    private AuditTrail trail(Database db, int batch) {
        return new AuditTrail(db, config(dir.resolve("audit.seal"), batch), null);
    }

    private static void write(Database db, int n) {
        for (int i = 0; i < n; i++) {
            db.jdbi().useHandle(h -> DbAuditLog.insert(h, DOCTOR.id(), DOCTOR.username(), "patient.read",
                    "p-" + UUID.randomUUID(), List.of("pacs"), "ok"));
        }
    }

    private static List<Long> seqs(Database db, long seal) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT unnest(seqs) FROM audit_seal WHERE id = :id")
                .bind("id", seal).mapTo(Long.class).list());
    }

    /** Changes the database as its superuser would: past the grants (tests connect as one) and the triggers. */
    private static void tamper(Database db, String sql) {
        db.jdbi().useTransaction(h -> {
            h.execute("SET LOCAL session_replication_role = replica");
            h.createScript(sql).execute();
        });
    }

    private static String protectScript() throws IOException {
        try (InputStream in = AuditTrailTest.class.getResourceAsStream(
                "/org/telehub/dbserver/internal/protect-audit.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static AuditConfig config(Path file, int batch) {
        return new AuditConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return AuditConfig.class;
            }

            @Override
            public int sealIntervalMillis() {
                return 1000;
            }

            @Override
            public int batchSize() {
                return batch;
            }

            @Override
            public int holeWindowSeconds() {
                return 600;
            }

            @Override
            public String sealFile() {
                return file.toString();
            }

            @Override
            public int logIntervalSeconds() {
                return 60;
            }
        };
    }
}
