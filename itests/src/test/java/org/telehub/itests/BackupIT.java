package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.telehub.testing.dicom.Orthanc;
import org.telehub.testing.dicom.TestData;
import org.telehub.testing.dicom.TestData.Instance;
import org.telehub.testing.dicom.TestData.PatientSpec;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The documented backup and restore (bin/telehub-backup, bin/telehub-restore): an image retrieved from a real PACS
 * (Orthanc, DICOMweb) into the hub's encrypted file store, an online backup of the running hub on PostgreSQL, a
 * restore into a fresh hub (a new database, a new data directory, never started), and the image read back through
 * the API byte for byte, with the same accounts.
 */
class BackupIT {
    private static final String ADMIN_PASSWORD = "backup-admin-secret";

    @Test
    void aBackupRestoresIntoAFreshHubAndTheEncryptedFileReadsBackIntact() throws Exception {
        if (System.getProperty("telehub.test.pg.url", "").isBlank()) {
            if (Boolean.getBoolean("telehub.test.pg.required")) {
                throw new IllegalStateException("telehub.test.pg.required is set but telehub.test.pg.url is not");
            }
            Assumptions.abort("no PostgreSQL announced (telehub.test.pg.url); run the README's test command");
        }
        Path work = Path.of(System.getProperty("telehub.instances")).resolve("backup-work");
        KarafInstance.deleteTree(work);
        List<Instance> study = TestData.generate(work.resolve("dicom"), List.of(
                new PatientSpec("TH-B1", "Backup^Bea", LocalDate.of(1975, 5, 6), "F", 1, 1, 1, "CT")));
        Path backup = work.resolve("backup-1");
        byte[] original;
        String instanceId;
        try (Orthanc orthanc = Orthanc.start(work.resolve("orthanc"), "ORTHANC", Map.of());
                KarafInstance source = KarafInstance.create("backup-source")) {
            HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    orthanc.baseUrl() + "/instances")).header("Authorization", orthanc.authorization())
                    .POST(HttpRequest.BodyPublishers.ofFile(study.get(0).file())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, put.statusCode(), put.body());
            source.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=",
                    "bootstrapAdminPassword=" + ADMIN_PASSWORD);
            Files.writeString(source.home.resolve("etc/org.telehub.adapter.pacs-web.cfg"), "id=orthanc-web\n"
                    + "vendor=Orthanc\ntransport=DICOMWEB\ndicomWebUrl=" + orthanc.dicomWebUrl() + "\ndicomWebUser="
                    + orthanc.user() + "\ndicomWebPassword=" + orthanc.password() + "\n");
            source.start();
            String admin = source.login("admin", ADMIN_PASSWORD);
            assertEquals(201, source.post("/api/v1/users", admin, "application/json",
                    "{\"username\":\"dr.backup\",\"roles\":[\"doctor\"],\"password\":\"restore-me-please\"}")
                    .statusCode());
            String out = source.shell("admin", ADMIN_PASSWORD, "feature:install telehub-adapter-pacs");
            assertFalse(out.contains("Error"), out);
            String doctor = source.login("dr.backup", "restore-me-please");
            // issue 14: the study is reached through its patient, in the doctor's care, mapped to her id in the PACS
            // (once the adapter is up: until then the adapter is unknown)
            String patient = source.patientInCareOf(doctor, "Bea Backup");
            HttpResponse<String> map = null;
            for (int i = 0; i < 60 && (map == null || map.statusCode() != 201); i++) {
                if (map != null) {
                    Thread.sleep(500);
                }
                map = source.put("/api/v1/integration/patient/" + patient + "/identifiers/orthanc-web", doctor,
                        "{\"identifier\":\"TH-B1\"}");
            }
            assertEquals(201, map.statusCode(), map.body());
            HttpResponse<String> r = retrieve(source, doctor, study.get(0).studyInstanceUid());
            assertEquals(200, r.statusCode(), r.body());
            instanceId = KarafInstance.json(r).at("/instances/0/id").asText();
            original = read(source, doctor, instanceId);
            assertTrue(new String(original, StandardCharsets.ISO_8859_1).contains(study.get(0).sopInstanceUid()));

            // online: the hub keeps running while it is backed up
            String log = run(source, "bin/telehub-backup", backup.toString());
            assertTrue(log.contains("keep " + backup + ".files.key apart"), log);
            assertEquals(200, source.get("/api/v1/health", null).statusCode(), "still serving");
        }
        // what the backup holds, and where the key went: beside the backup, never inside it, owner-only
        assertTrue(Files.size(backup.resolve("database.dump")) > 0);
        assertTrue(Files.size(backup.resolve("files.tar")) > 0);
        assertTrue(Files.readString(backup.resolve("MANIFEST")).contains("files_copied=1"),
                Files.readString(backup.resolve("MANIFEST")));
        try (var listed = Files.list(backup)) {
            assertEquals(List.of("MANIFEST", "database.dump", "files.tar"),
                    listed.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Path key = Path.of(backup + ".files.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));

        try (KarafInstance fresh = KarafInstance.create("backup-restore")) {
            assertFalse(Files.exists(fresh.home.resolve("data/telehub")), "a fresh data directory");
            Path elsewhere = Files.move(key, backup.resolveSibling("vault.key"));
            // without its key a backup is refused up front, nothing restored
            assertTrue(run(fresh, 1, "bin/telehub-restore", backup.toString()).contains("not found"));
            String log = run(fresh, "bin/telehub-restore", backup.toString(), "--key", elsewhere.toString());
            assertTrue(log.contains("Restored"), log);
            // a second restore over it is refused: a restore never mixes two hubs' data unless told to
            assertTrue(run(fresh, 1, "bin/telehub-restore", backup.toString(), "--key", elsewhere.toString())
                    .contains("already has"));
            fresh.start();
            String doctor = fresh.login("dr.backup", "restore-me-please");
            assertArrayEquals(original, read(fresh, doctor, instanceId), "the image reads back intact");
            JsonNode listed = KarafInstance.json(fresh.get("/api/v1/integration/pacs/instances?adapterId=orthanc-web"
                    + "&patientId=TH-B1", doctor));
            assertEquals(1, listed.size(), listed.toString());
            String admin = fresh.login("admin", ADMIN_PASSWORD);
            HttpResponse<String> h = fresh.get("/api/v1/health", admin);
            assertEquals("UP", KarafInstance.json(h).get("status").asText(), h.body());
        }
    }

    private static HttpResponse<String> retrieve(KarafInstance k, String doctor, String studyUid) throws Exception {
        // the adapter comes up with the feature; until then the id is unknown (404)
        HttpResponse<String> r = null;
        for (int i = 0; i < 60; i++) {
            r = k.post("/api/v1/integration/pacs/retrieve", doctor, "application/json",
                    "{\"adapterId\":\"orthanc-web\",\"studyInstanceUid\":\"" + studyUid + "\",\"patientId\":\"TH-B1\"}");
            if (r.statusCode() != 404) {
                return r;
            }
            Thread.sleep(500);
        }
        return r;
    }

    private static byte[] read(KarafInstance k, String token, String id) throws IOException {
        HttpResponse<byte[]> r = k.sendBytes(HttpRequest.newBuilder(URI.create(k.url(
                "/api/v1/integration/pacs/instances/" + id))).GET(), token);
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        return r.body();
    }

    private static String run(KarafInstance k, String... command) throws Exception {
        return run(k, 0, command);
    }

    /** Runs one of the distribution's scripts in its home; asserts the exit code; returns what it printed. */
    private static String run(KarafInstance k, int expected, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.set(0, k.home.resolve(command[0]).toString());
        Process p = new ProcessBuilder(cmd).directory(k.home.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished: " + cmd);
        assertEquals(expected, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }
}
