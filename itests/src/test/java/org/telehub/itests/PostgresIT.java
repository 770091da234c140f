package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The same distribution on a real PostgreSQL, switched by editing etc/org.ops4j.datasource-telehub.cfg only, as
 * the README tells an operator. The server is the one the test command starts on 127.0.0.1.
 */
class PostgresIT {

    @Test
    void theHubRunsOnPostgresqlByEditingTheDataSourceFileOnly() throws Exception {
        String pg = System.getProperty("telehub.test.pg.url", "");
        if (pg.isBlank()) {
            if (Boolean.getBoolean("telehub.test.pg.required")) {
                throw new IllegalStateException("telehub.test.pg.required is set but telehub.test.pg.url is not");
            }
            Assumptions.abort("no PostgreSQL announced (telehub.test.pg.url); run the README's test command");
        }
        String user = System.getProperty("telehub.test.pg.user", "postgres");
        String dbName = "telehub_it_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(pg, user, ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + dbName);
        }
        String dbUrl = pg.substring(0, pg.lastIndexOf('/') + 1) + dbName;

        try (KarafInstance karaf = KarafInstance.create("postgres")) {
            karaf.edit("etc/org.ops4j.datasource-telehub.cfg", "\nosgi.jdbc.driver.name=H2 JDBC Driver\nurl=",
                    "\n# osgi.jdbc.driver.name=H2 JDBC Driver\n# url=");
            karaf.edit("etc/org.ops4j.datasource-telehub.cfg", "\nuser=telehub\npassword=telehub\n",
                    "\n# user=telehub\n# password=telehub\n");
            karaf.edit("etc/org.ops4j.datasource-telehub.cfg", "# osgi.jdbc.driver.name=PostgreSQL JDBC Driver\n"
                    + "# url=jdbc:postgresql://127.0.0.1:5432/telehub\n# user=telehub\n# password=change-me",
                    "osgi.jdbc.driver.name=PostgreSQL JDBC Driver\nurl=" + dbUrl + "\nuser=" + user + "\npassword=unused");
            karaf.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=",
                    "bootstrapAdminPassword=configured-admin-secret");
            karaf.start();

            // the configured password works, and nothing was printed in its place
            String token = karaf.login("admin", "configured-admin-secret");
            HttpResponse<String> h = karaf.get("/api/v1/health", token);
            JsonNode health = KarafInstance.json(h);
            assertEquals("UP", health.get("status").asText(), h.body());
            assertEquals("POSTGRESQL", health.at("/checks/database/detail").asText(), h.body());

            assertTrue(!karaf.console().contains("Password (shown once"), "a configured password is never printed");
            assertTrue(!karaf.read("data/log/karaf.log").contains("configured-admin-secret"), "the secret is not logged");
            HttpResponse<String> created = karaf.post("/api/v1/users", token, "application/json",
                    "{\"username\":\"nurse.joy\",\"roles\":[\"nurse\"],\"password\":\"pokemon-center-1\"}");
            assertEquals(201, created.statusCode(), created.body());
            // booking is decided by the database: of simultaneous bookings of one slot exactly one wins here too
            Scheduling.raceForSlots(karaf, token, "pg");

            try (Connection c = DriverManager.getConnection(dbUrl, user, ""); Statement s = c.createStatement()) {
                List<String> applied = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT module, version FROM telehub_schema_history ORDER BY 1, 2")) {
                    while (rs.next()) {
                        applied.add(rs.getString(1) + ":" + rs.getInt(2));
                    }
                }
                assertEquals(KarafInstance.MIGRATIONS, applied, "the same migration files as on H2");
                try (ResultSet rs = s.executeQuery("SELECT roles, password_hash FROM telehub_user WHERE username = 'nurse.joy'")) {
                    assertTrue(rs.next());
                    assertEquals("nurse", rs.getString(1));
                    assertTrue(rs.getString(2).startsWith("pbkdf2-sha256$600000$"), "stored as a PBKDF2 hash");
                }
            }
        }
    }
}
