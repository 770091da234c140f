package org.telehub.testing.dicom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A real Orthanc (Debian's {@code /usr/sbin/Orthanc}, 1.10) with its DICOMweb plugin, on free ports of
 * 127.0.0.1 only, storing under its own work folder.
 *
 * <p>Configured as a strict PACS: the called AE title must be its own ({@code DicomCheckCalledAet}), only the
 * listed modalities may query or retrieve (C-ECHO and C-STORE from anyone), the REST API needs the user
 * {@link #user()} with {@link #password()}. DICOMweb is under {@link #dicomWebUrl()}. HTTP keep-alive is off
 * (each request its own connection), so that stopping takes ~1.3 s rather than ~3 s.
 *
 * <pre>{@code
 * try (Orthanc pacs = Orthanc.start(dir, "ORTHANC", Map.of("hub", Remote.loopback("HUB", hubPort)))) {
 *     Dcmtk.storescu("127.0.0.1", pacs.dicomPort(), "HUB", pacs.aet(), files).orThrow();
 *     assertEquals(files.size(), pacs.instanceCount());
 * }
 * }</pre>
 */
public final class Orthanc implements AutoCloseable {

    /** The Orthanc binary: system property {@code telehub.orthanc}, else Debian's. */
    public static final String EXECUTABLE = System.getProperty("telehub.orthanc", "/usr/sbin/Orthanc");
    /** The DICOMweb plugin: system property {@code telehub.orthanc.dicomweb}, else Debian's. */
    public static final String DICOMWEB_PLUGIN = System.getProperty("telehub.orthanc.dicomweb",
            "/usr/share/orthanc/plugins/libOrthancDicomWeb.so");

    private static final String USER = "telehub";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PeerProcess process;
    private final String aet;
    private final int dicomPort;
    private final int httpPort;
    private final String password;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Orthanc(PeerProcess process, String aet, int dicomPort, int httpPort, String password) {
        this.process = process;
        this.aet = aet;
        this.dicomPort = dicomPort;
        this.httpPort = httpPort;
        this.password = password;
    }

    /**
     * Starts Orthanc with AE title {@code aet}, working in {@code workDir} (config.json, orthanc.log, storage/,
     * index/), and returns once its REST API answers and its DICOM port listens (20 s at most, else an
     * {@link IllegalStateException} with the log's tail).
     *
     * @param modalities the peers Orthanc knows, by a name of your choice: every AE that will C-FIND, C-MOVE or
     *                   C-GET, and every C-MOVE destination; more with {@link #addModality}
     */
    public static Orthanc start(Path workDir, String aet, Map<String, Remote> modalities) throws IOException {
        Dcmtk.checkAet(aet);
        Files.createDirectories(workDir);
        return PeerProcess.withRetries(() -> launch(workDir.toAbsolutePath(), aet, modalities));
    }

    private static Orthanc launch(Path workDir, String aet, Map<String, Remote> modalities) throws IOException {
        int dicomPort = PeerProcess.freePort();
        int httpPort = PeerProcess.freePort();
        byte[] secret = new byte[18];
        RANDOM.nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);

        ObjectNode config = JSON.createObjectNode()
                .put("Name", aet)
                .put("DicomAet", aet)
                .put("DicomPort", dicomPort)
                .put("HttpPort", httpPort)
                .put("RemoteAccessAllowed", false)
                .put("StorageDirectory", workDir.resolve("storage").toString())
                .put("IndexDirectory", workDir.resolve("index").toString())
                .put("DicomAlwaysAllowEcho", true)
                .put("DicomAlwaysAllowStore", true)
                .put("DicomCheckCalledAet", true)
                .put("AuthenticationEnabled", true)
                .put("StableAge", 1)
                .put("DefaultEncoding", "Utf8")
                .put("ConcurrentJobs", 2)
                .put("SaveJobs", false)
                .put("HttpTimeout", 30)
                .put("DicomScuTimeout", 10)
                // with HTTP keep-alive, stopping waits ~2 s for the idle connections HTTP clients keep open
                .put("KeepAlive", false);
        config.putObject("RegisteredUsers").put(USER, password);
        ObjectNode known = config.putObject("DicomModalities");
        modalities.forEach((name, remote) -> known.set(name, modality(remote)));
        config.putArray("Plugins").add(DICOMWEB_PLUGIN);
        // no "Host": the plugin then builds retrieve URLs from the request's Host header, port included
        config.putObject("DicomWeb").put("Enable", true).put("Root", "/dicom-web/");
        Path file = workDir.resolve("config.json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), config);

        PeerProcess process = PeerProcess.start("Orthanc " + aet, List.of(EXECUTABLE, file.toString()), workDir,
                workDir.resolve("orthanc.log"));
        Orthanc orthanc = new Orthanc(process, aet, dicomPort, httpPort, password);
        process.awaitReady(START_TIMEOUT, "answer on GET /system and DICOM port " + dicomPort,
                () -> process.listensOn(dicomPort) && process.listensOn(httpPort) && orthanc.get("/system") != null);
        // Orthanc only logs a plugin it cannot load ("Inexistent path to plugins") and starts without it
        boolean dicomWeb = false;
        for (JsonNode plugin : orthanc.get("/plugins")) {
            dicomWeb |= plugin.asText().equals("dicom-web");
        }
        if (!dicomWeb) {
            process.close();
            throw new IllegalStateException("Orthanc started without the DICOMweb plugin " + DICOMWEB_PLUGIN + "\n"
                    + process.logTail());
        }
        return orthanc;
    }

    private static ObjectNode modality(Remote remote) {
        return JSON.createObjectNode().put("AET", remote.aet()).put("Host", remote.host()).put("Port", remote.port());
    }

    public String aet() {
        return aet;
    }

    public int dicomPort() {
        return dicomPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** This Orthanc as a DICOM peer. */
    public Remote remote() {
        return Remote.loopback(aet, dicomPort);
    }

    /** {@code http://127.0.0.1:<httpPort>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** The DICOMweb root: {@code baseUrl() + "/dicom-web"} (QIDO-RS, WADO-RS, STOW-RS). */
    public String dicomWebUrl() {
        return baseUrl() + "/dicom-web";
    }

    /** The REST user (HTTP Basic). */
    public String user() {
        return USER;
    }

    /** The REST user's password, random per start. */
    public String password() {
        return password;
    }

    /** The {@code Authorization} header value for {@link #user()}. */
    public String authorization() {
        return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Orthanc's process id. */
    public long pid() {
        return process.pid();
    }

    /** orthanc.log in the work folder. */
    public Path log() {
        return process.log();
    }

    /** GET of a REST path such as {@code /system}; an {@link IllegalStateException} unless 200. */
    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    /** POST of a JSON body (a {@link JsonNode}, a Map, a String already JSON...) to a REST path. */
    public JsonNode post(String path, Object body) {
        return send("POST", path, json(body));
    }

    /** PUT of a JSON body to a REST path. */
    public JsonNode put(String path, Object body) {
        return send("PUT", path, json(body));
    }

    /** DELETE of a REST resource. */
    public JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    /** The SOP Instance UIDs stored for the patient with this Patient ID. */
    public List<String> instancesOfPatient(String patientId) {
        JsonNode found = post("/tools/find", Map.of("Level", "Instance", "Query", Map.of("PatientID", patientId),
                "Expand", true));
        List<String> uids = new ArrayList<>();
        found.forEach(instance -> uids.add(instance.path("MainDicomTags").path("SOPInstanceUID").asText()));
        return uids;
    }

    /** Downloads the Part 10 file of the instance with this SOP Instance UID to {@code target}. */
    public Path instanceFile(String sopInstanceUid, Path target) {
        JsonNode found = post("/tools/find", Map.of("Level", "Instance", "Query",
                Map.of("SOPInstanceUID", sopInstanceUid)));
        if (found.size() != 1) {
            throw new IllegalStateException("Orthanc has " + found.size() + " instances " + sopInstanceUid);
        }
        HttpRequest request = HttpRequest.newBuilder(uri("/instances/" + found.get(0).asText() + "/file"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", authorization()).GET().build();
        try {
            HttpResponse<Path> response = http.send(request, HttpResponse.BodyHandlers.ofFile(target));
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Orthanc file of " + sopInstanceUid + ": HTTP "
                        + response.statusCode());
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Orthanc file of " + sopInstanceUid + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the download of " + sopInstanceUid, e);
        }
    }

    /** How many instances Orthanc stores. */
    public int instanceCount() {
        return get("/statistics").path("CountInstances").asInt();
    }

    /** Deletes every patient (so every study, series and instance). */
    public void reset() {
        for (JsonNode id : get("/patients")) {
            delete("/patients/" + id.asText());
        }
    }

    /** Adds (or replaces) a known modality at run time, named by its AE title in lower case. */
    public void addModality(Remote remote) {
        put("/modalities/" + URLEncoder.encode(remote.aet().toLowerCase(Locale.ROOT), StandardCharsets.UTF_8),
                modality(remote));
    }

    /** Stops Orthanc: SIGTERM, SIGKILL after 5 s. The work folder stays. */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "Orthanc " + aet + " dicom=" + dicomPort + " http=" + httpPort;
    }

    private URI uri(String path) {
        return URI.create(baseUrl() + (path.startsWith("/") ? path : "/" + path));
    }

    private static String json(Object body) {
        try {
            return body instanceof String s ? s : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode send(String method, String path, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization());
        if (jsonBody == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        }
        try {
            HttpResponse<String> response = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Orthanc " + method + " " + path + ": HTTP " + response.statusCode()
                        + " " + response.body());
            }
            String body = response.body();
            return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("Orthanc " + method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during Orthanc " + method + " " + path, e);
        }
    }
}
