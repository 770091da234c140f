package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The database going away under a running hub and coming back. The instance has its own database on the throwaway
 * PostgreSQL (other tests share the server), made unavailable the way an outage looks to the hub: new connections
 * refused ({@code ALLOW_CONNECTIONS false}) and every open one cut ({@code pg_terminate_backend}).
 */
class OutageIT {

    @Test
    void whileTheDatabaseIsDownRequestsGet503NamingItHealthSaysDatabaseAndAllResumesAfter() throws Exception {
        String pg = System.getProperty("telehub.test.pg.url", "");
        if (pg.isBlank()) {
            if (Boolean.getBoolean("telehub.test.pg.required")) {
                throw new IllegalStateException("telehub.test.pg.required is set but telehub.test.pg.url is not");
            }
            Assumptions.abort("no PostgreSQL announced (telehub.test.pg.url); run the README's test command");
        }
        String user = System.getProperty("telehub.test.pg.user", "postgres");
        try (KarafInstance karaf = KarafInstance.create("outage")) {
            String dbUrl = karaf.dbUrl; // its own database on the throwaway server
            String db = dbUrl.substring(dbUrl.lastIndexOf('/') + 1);
            karaf.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=",
                    "bootstrapAdminPassword=configured-admin-secret");
            karaf.start();
            String token = karaf.login("admin", "configured-admin-secret");
            assertEquals(200, karaf.get("/api/v1/users", token).statusCode());

            try (Connection c = DriverManager.getConnection(pg, user, ""); Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE " + db + " ALLOW_CONNECTIONS false");
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
            }
            try {
                // a write that needs the database: 503 naming it, never 500, nothing written
                HttpResponse<String> created = karaf.post("/api/v1/users", token, "application/json",
                        "{\"username\":\"nurse.outage\",\"roles\":[\"nurse\"],\"password\":\"pokemon-center-1\"}");
                assertEquals(503, created.statusCode(), created.body());
                assertEquals("application/problem+json", created.headers().firstValue("Content-Type").orElse(""));
                JsonNode problem = KarafInstance.json(created);
                assertEquals("database", problem.get("cause").asText(), created.body());
                assertTrue(created.headers().firstValue("Retry-After").isPresent(), "says when to retry");
                assertFalse(created.body().contains("SQLState") || created.body().contains("postgresql")
                        || created.body().contains(db), "no internals: " + created.body());
                HttpResponse<String> read = karaf.get("/api/v1/users", token);
                assertEquals(503, read.statusCode(), read.body());

                // health: 503 DOWN, and which dependency
                HttpResponse<String> h = karaf.get("/api/v1/health", null);
                assertEquals(503, h.statusCode(), h.body());
                JsonNode health = KarafInstance.json(h);
                assertEquals("DOWN", health.at("/checks/database/status").asText(), h.body());
                assertEquals("UP", health.at("/checks/broker/status").asText(), h.body());
                assertEquals("UP", health.at("/checks/api/status").asText(), h.body());
            } finally {
                try (Connection c = DriverManager.getConnection(pg, user, ""); Statement s = c.createStatement()) {
                    s.execute("ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
                }
            }

            // back without a restart: health UP, the same token and requests work, the refused write is absent
            long t0 = System.nanoTime();
            karaf.awaitHealth(200, Duration.ofSeconds(60));
            int status = 0;
            for (int i = 0; i < 20 && status != 201; i++) {
                status = karaf.post("/api/v1/users", token, "application/json",
                        "{\"username\":\"nurse.after\",\"roles\":[\"nurse\"],\"password\":\"pokemon-center-1\"}")
                        .statusCode();
                if (status != 201) {
                    KarafInstance.sleep(500);
                }
            }
            assertEquals(201, status, "a write succeeds once the database is back");
            System.out.printf("recovered %d ms after the database allowed connections again%n",
                    (System.nanoTime() - t0) / 1_000_000);
            try (Connection c = DriverManager.getConnection(dbUrl, user, ""); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT username FROM telehub_user WHERE username LIKE 'nurse.%'"
                            + " ORDER BY 1")) {
                assertTrue(rs.next());
                assertEquals("nurse.after", rs.getString(1));
                assertFalse(rs.next(), "the write refused during the outage left nothing behind");
            }
        }
    }
}
