package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The distribution as shipped (no datasource file) runs its own PostgreSQL: created on first start under
 * data/telehub/postgres, durable, on 127.0.0.1 only, as a non-root user; a booking survives {@code kill -9} of the hub
 * and the next start takes the surviving server over; a clean stop stops it; a data directory of another major
 * version is refused, never re-initialised.
 */
class DbServerIT {
    private static final String ADMIN_PASSWORD = "dbserver-admin-secret";

    @Test
    void theShippedHubRunsItsOwnPostgresql() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        // as root the server runs as the system user 'telehub', which cannot enter a clone under /root: the hub then
        // lives where that user can reach it, as ./telehub run arranges for real installations
        Path base = root ? Files.createTempDirectory(Paths.get("/tmp"), "telehub-dbserver-it")
                : Paths.get(System.getProperty("telehub.instances"));
        if (root) {
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path home = base.resolve("dbserver");
        Path data = home.resolve("data/telehub/postgres");
        try (KarafInstance k = KarafInstance.create(home)) {
            assertFalse(Files.exists(home.resolve("etc/org.ops4j.datasource-telehub.cfg")), "shipped without one");
            k.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=" + ADMIN_PASSWORD);

            Duration first = k.start();
            String admin = k.login("admin", ADMIN_PASSWORD);
            HttpResponse<String> h = k.get("/api/v1/health", admin);
            JsonNode health = KarafInstance.json(h);
            assertEquals("UP", health.get("status").asText(), h.body());
            assertEquals("POSTGRESQL (the hub's own server)", health.at("/checks/database/detail").asText(), h.body());
            assertEquals("UP", health.at("/checks/dbserver/status").asText(), h.body());
            assertTrue(health.at("/checks/dbserver/detail").asText().startsWith("own PostgreSQL"), h.body());
            assertTrue(k.read("data/log/karaf.log").contains("First start: creating the hub's PostgreSQL"));

            // created under the hub's data directory, owner-only, owned by the server's (non-root) user
            String osUser = root ? "telehub" : System.getProperty("user.name");
            assertTrue(Files.isRegularFile(data.resolve("PG_VERSION")));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
            assertEquals(osUser, Files.getOwner(data).getName());
            Path secret = home.resolve("data/telehub/postgres.secret");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
            long pid = postmaster(data);
            assertEquals(osUser, ProcessHandle.of(pid).orElseThrow().info().user().orElse("?"));

            // durable and loopback-only, in the files and in the running server
            assertTrue(k.read("data/telehub/postgres/postgresql.conf").contains("include 'telehub.conf'"));
            String conf = k.read("data/telehub/postgres/telehub.conf");
            for (String line : List.of("fsync = on", "synchronous_commit = on", "full_page_writes = on",
                    "listen_addresses = '127.0.0.1'")) {
                assertTrue(conf.contains(line + "\n"), line);
            }
            String password = Files.readString(secret).trim();
            String url = "jdbc:postgresql://127.0.0.1:" + k.dbPort + "/telehub";
            try (Connection c = DriverManager.getConnection(url, "telehub", password); Statement s = c.createStatement()) {
                for (String[] expect : List.of(new String[] {"fsync", "on"}, new String[] {"synchronous_commit", "on"},
                        new String[] {"full_page_writes", "on"}, new String[] {"listen_addresses", "127.0.0.1"},
                        new String[] {"password_encryption", "scram-sha-256"})) {
                    try (ResultSet rs = s.executeQuery("SHOW " + expect[0])) {
                        rs.next();
                        assertEquals(expect[1], rs.getString(1), expect[0]);
                    }
                }
                // the audit trail is append-only for the hub's own role: its tables belong to telehub_audit
                for (String sql : List.of("UPDATE audit_event SET outcome = 'x'", "DELETE FROM audit_event",
                        "DELETE FROM audit_seal")) {
                    java.sql.SQLException e = assertThrows(java.sql.SQLException.class, () -> s.executeUpdate(sql));
                    assertEquals("42501", e.getSQLState(), sql + ": " + e.getMessage());
                    assertTrue(e.getMessage().contains("permission denied for table audit_"), e.getMessage());
                }
            }
            // sealed within a second or so; the newest seal also on disk, owner-only; the chain verifies
            Path seal = home.resolve("data/telehub/audit.seal");
            for (int i = 0; i < 100 && !Files.exists(seal); i++) {
                KarafInstance.sleep(100);
            }
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(seal)));
            JsonNode verified = KarafInstance.json(k.get("/api/v1/audit/verify", admin));
            assertTrue(verified.get("ok").asBoolean(), verified.toString());
            assertTrue(verified.path("warning").isMissingNode(), "the hub's role may not change audit rows: " + verified);
            assertTrue(k.shell("admin", ADMIN_PASSWORD, "telehub:audit-verify").contains("OK: "), "shell");
            assertFalse(k.read("data/log/karaf.log").contains(password), "the database password is never logged");

            // a booking acknowledged before kill -9 is there after the restart, served by the surviving server
            String doctor = Scheduling.doctor(k, admin, "Dr Kill", null);
            String patient = Scheduling.patient(k, admin, "Patient Nine", null);
            HttpResponse<String> booked = k.post("/api/v1/encounters", admin, "application/json",
                    Scheduling.visit(doctor, patient, Scheduling.dayAfterTomorrow(10), 30));
            assertEquals(201, booked.statusCode(), booked.body());
            String id = KarafInstance.json(booked).get("id").asText();
            k.kill9();
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "PostgreSQL outlives the hub");
            Duration later = k.start();
            assertEquals(List.of(pid), postmasters(data), "the surviving server was taken over, no second one");
            assertTrue(k.read("data/log/karaf.log").contains("taking it over"));
            admin = k.login("admin", ADMIN_PASSWORD);
            HttpResponse<String> visit = k.get("/api/v1/encounters/" + id, admin);
            assertEquals(200, visit.statusCode(), visit.body());
            System.out.printf("DbServerIT: first start (initdb) %d ms, start after kill -9 %d ms; RSS JVM %d MB,"
                    + " PostgreSQL %d MB (PSS, shared memory counted once)%n", first.toMillis(), later.toMillis(),
                    memoryMb(List.of(k.pid()), "VmRSS:", "status"), memoryMb(serverProcesses(data), "Pss:", "smaps_rollup"));

            // an online backup of the hub's own server needs no database settings by hand
            Path backup = base.resolve("backup");
            String out = script(home, "bin/telehub-backup", backup.toString());
            assertTrue(Files.size(backup.resolve("database.dump")) > 0, out);
            HttpResponse<String> afterBackup = k.post("/api/v1/encounters", admin, "application/json",
                    Scheduling.visit(doctor, patient, Scheduling.dayAfterTomorrow(11), 30));
            assertEquals(201, afterBackup.statusCode(), afterBackup.body());
            String laterId = KarafInstance.json(afterBackup).get("id").asText();

            // a clean stop of the hub stops its server
            k.stop();
            awaitNoServer(data);
            Duration again = k.start();
            long restarted = postmaster(data);
            assertNotEquals(pid, restarted, "a new server after a clean stop");
            System.out.printf("DbServerIT: later start (server stopped) %d ms%n", again.toMillis());
            k.stop();
            awaitNoServer(data);

            // restore with the hub stopped: the script starts the hub's server for the restore and stops it after
            out = script(home, "bin/telehub-restore", backup.toString(), "--force");
            awaitNoServer(data);
            k.start();
            admin = k.login("admin", ADMIN_PASSWORD);
            assertEquals(200, k.get("/api/v1/encounters/" + id, admin).statusCode(), out);
            assertEquals(404, k.get("/api/v1/encounters/" + laterId, admin).statusCode(),
                    "the visit booked after the backup is not in the restored database");
            // the restored chain verifies on its own: the replaced database's seal file was set aside
            JsonNode restored = KarafInstance.json(k.get("/api/v1/audit/verify", admin));
            assertTrue(restored.get("ok").asBoolean(), restored.toString());
            // (its seal file may not be written yet: the sealer runs a second after the start)
            assertFalse(restored.path("warning").asText().contains("may UPDATE or DELETE"),
                    "the restored tables are handed over again: " + restored);
            k.stop();
            awaitNoServer(data);

            // a data directory of another major version: refused with the way out, and left as it was
            String major = Files.readString(data.resolve("PG_VERSION")).trim();
            String other = Integer.toString(Integer.parseInt(major) - 1);
            Files.writeString(data.resolve("PG_VERSION"), other + "\n");
            k.launch();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline && !k.console().contains("pg_upgrade")) {
                assertNotEquals(200, healthStatus(k), "health never UP on a refused database");
                KarafInstance.sleep(500);
            }
            String console = k.console();
            assertTrue(console.contains("pg_upgrade"), console);
            assertTrue(console.contains(data.toString()) && console.contains("PostgreSQL " + other)
                    && console.contains("runs PostgreSQL " + major), console);
            assertTrue(k.read("data/log/karaf.log").contains("pg_upgrade"));
            KarafInstance.sleep(3000);
            assertNotEquals(200, healthStatus(k), "health never UP on a refused database");
            assertEquals(List.of(), serverProcesses(data), "no server started on it");
            assertEquals(other, Files.readString(data.resolve("PG_VERSION")).trim(), "not re-initialised");
            assertTrue(Files.isDirectory(data.resolve("base")), "the old cluster is left untouched");
            k.stop();
        } finally {
            stopLeftovers(data);
            if (root) {
                try {
                    KarafInstance.deleteTree(base);
                } catch (java.io.IOException e) {
                    // a server still removing its pid file: never hide the test's own failure behind this
                    System.err.println("DbServerIT: could not remove " + base + ": " + e);
                }
            }
        }
    }

    /** Runs one of the distribution's scripts from its home; fails the test with its output unless it exits 0. */
    private static String script(Path home, String... command) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(command));
        cmd.set(0, home.resolve(command[0]).toString());
        Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, java.util.concurrent.TimeUnit.SECONDS), String.join(" ", command) + ": " + out);
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    private static int healthStatus(KarafInstance k) {
        try {
            return k.get("/api/v1/health", null).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long postmaster(Path data) throws IOException {
        return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
    }

    /** Every process working in this data directory (a postmaster chdirs into it; its children inherit that). */
    private static List<Long> serverProcesses(Path data) {
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                return Files.readSymbolicLink(Paths.get("/proc/" + p.pid() + "/cwd")).equals(data.toRealPath());
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }).map(ProcessHandle::pid).sorted().toList();
    }

    /** The servers on this directory: processes in it whose parent is not. */
    private static List<Long> postmasters(Path data) {
        List<Long> all = serverProcesses(data);
        return all.stream().filter(pid -> ProcessHandle.of(pid).flatMap(ProcessHandle::parent)
                .map(parent -> !all.contains(parent.pid())).orElse(true)).toList();
    }

    private static void awaitNoServer(Path data) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && !serverProcesses(data).isEmpty()) {
            KarafInstance.sleep(200);
        }
        assertEquals(List.of(), serverProcesses(data), "PostgreSQL stopped with the hub");
    }

    private static long memoryMb(List<Long> pids, String field, String file) {
        long kb = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Paths.get("/proc/" + pid + "/" + file))) {
                    if (line.startsWith(field)) {
                        kb += Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
            } catch (IOException gone) {
                // exited meanwhile
            }
        }
        return kb / 1024;
    }

    /** A failed run must not leave a server behind: SIGINT is PostgreSQL's fast shutdown. */
    private static void stopLeftovers(Path data) {
        for (long pid : postmasters(data)) {
            try {
                new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
            } catch (IOException e) {
                // nothing more to do
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
