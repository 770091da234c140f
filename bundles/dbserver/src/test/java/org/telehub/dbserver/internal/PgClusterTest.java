package org.telehub.dbserver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the hub does with a data directory before it starts anything, on Debian's real binaries. */
class PgClusterTest {
    @TempDir
    Path tmp;

    private PgCluster cluster(Path data) {
        Path root = Paths.get("/usr/lib/postgresql");
        Assumptions.assumeTrue(Files.isDirectory(root), "no PostgreSQL server binaries: apt-get install postgresql");
        return new PgCluster(data, PgCluster.detectBinDir(root), 5438, null, 30);
    }

    @Test
    void aDataDirectoryOfAnotherMajorVersionIsRefusedWithTheWayOut() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("postgres"));
        PgCluster pg = cluster(data);
        Files.writeString(data.resolve("PG_VERSION"), (pg.major - 1) + "\n");
        DbServerException e = assertThrows(DbServerException.class, pg::checkExisting);
        assertTrue(e.getMessage().contains(data.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("PostgreSQL " + (pg.major - 1)), e.getMessage());
        assertTrue(e.getMessage().contains("runs PostgreSQL " + pg.major), e.getMessage());
        assertTrue(e.getMessage().contains("pg_upgrade"), e.getMessage());
        assertEquals((pg.major - 1) + "\n", Files.readString(data.resolve("PG_VERSION")), "left as it was");
    }

    @Test
    void aClusterOfThisVersionIsUsedAndNothingIsCreatedOnlyWhereNothingIs() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("postgres"));
        PgCluster pg = cluster(data);
        assertFalse(pg.checkExisting(), "an empty directory: create the cluster");
        assertFalse(cluster(tmp.resolve("absent")).checkExisting(), "no directory: create the cluster");
        Files.writeString(data.resolve("notes.txt"), "someone's files");
        DbServerException e = assertThrows(DbServerException.class, pg::checkExisting);
        assertTrue(e.getMessage().contains("refusing to initialise"), e.getMessage());
        Files.delete(data.resolve("notes.txt"));
        Files.writeString(data.resolve("PG_VERSION"), pg.major + "\n");
        assertTrue(pg.checkExisting());
    }

    @Test
    void settingsAreWrittenWithoutFollowingALinkTheServersUserPutThere() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("postgres"));
        PgCluster pg = cluster(data);
        Files.writeString(data.resolve("postgresql.conf"), "max_connections = 100\n");
        Path victim = Files.writeString(tmp.resolve("victim"), "precious\n");
        Files.createSymbolicLink(data.resolve(PgCluster.CONF), victim);
        assertThrows(DbServerException.class, pg::writeConf);
        assertEquals("precious\n", Files.readString(victim));
        Files.delete(data.resolve(PgCluster.CONF));
        pg.writeConf();
        String conf = Files.readString(data.resolve(PgCluster.CONF));
        assertTrue(conf.contains("fsync = on\n") && conf.contains("listen_addresses = '127.0.0.1'\n"), conf);
        pg.writeConf();
        String main = Files.readString(data.resolve("postgresql.conf"));
        assertEquals(main.indexOf("include 'telehub.conf'"), main.lastIndexOf("include 'telehub.conf'"), "included once");
    }

    @Test
    void theMajorVersionIsReadFromTheBinaries() {
        assertEquals(15, PgCluster.majorOf("pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n"));
        assertEquals(17, PgCluster.majorOf("pg_ctl (PostgreSQL) 17.2"));
        assertThrows(DbServerException.class, () -> PgCluster.majorOf("something else"));
    }
}
