package org.telehub.adapter.pacs.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.telehub.dicom.net.DimseClient;
import org.telehub.dicom.net.Part10;
import org.telehub.dicom.net.Status;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ImagingSeries;
import org.telehub.integration.api.ImagingStudy;
import org.telehub.integration.api.StoreOutcome;
import org.telehub.integration.api.StudyQuery;
import org.telehub.integration.api.TransferOutcome;

/**
 * DICOMweb (PS3.18): STOW-RS to store, QIDO-RS to query, WADO-RS to retrieve. C-MOVE has no DICOMweb equivalent.
 */
final class DicomWebTransport implements Transport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DICOM_JSON = "application/dicom+json";

    private final String base;
    private final String authorization;
    private final Duration timeout;
    private final Path incoming;
    private final HttpClient http;

    DicomWebTransport(String baseUrl, String user, String password, int connectTimeoutMillis, int readTimeoutMillis,
            Path incoming) throws IOException {
        URI uri = URI.create(baseUrl.trim());
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("dicomWebUrl: an http(s) URL (got '" + baseUrl + "')");
        }
        this.base = baseUrl.trim().replaceAll("/+$", "");
        this.authorization = user == null || user.isBlank() ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.timeout = Duration.ofMillis(readTimeoutMillis);
        this.incoming = incoming;
        Files.createDirectories(incoming);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(connectTimeoutMillis))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public void echo() throws AdapterException {
        query("/studies?limit=1", "echo");
    }

    // ---- STOW-RS

    @Override
    public List<StoreOutcome> store(List<Path> files) throws AdapterException {
        StoreOutcome[] outcomes = new StoreOutcome[files.size()];
        List<Part10.Checked> send = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Part10.Checked c = Part10.check(files.get(i));
            if (c.error() != null) {
                outcomes[i] = new StoreOutcome(c.file(), c.sopClass(), c.sopInstance(), false, c.error());
            } else {
                send.add(c);
            }
        }
        if (send.isEmpty()) {
            return List.of(outcomes);
        }
        String boundary = "telehub-" + UUID.randomUUID();
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
        try {
            for (Part10.Checked c : send) {
                parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary
                        + "\r\nContent-Type: application/dicom\r\n\r\n", StandardCharsets.US_ASCII));
                parts.add(HttpRequest.BodyPublishers.ofFile(c.file()));
                parts.add(HttpRequest.BodyPublishers.ofString("\r\n", StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new AdapterException("cannot read a file to store: " + e.getMessage(), false, e);
        }
        parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "--\r\n", StandardCharsets.US_ASCII));
        HttpRequest request = request(base + "/studies").header("Accept", DICOM_JSON)
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new))).build();
        HttpResponse<byte[]> r = send(request, "STOW-RS");
        // 200 all stored, 202 some failed, 409 none stored: the body says which (PS3.18 10.5.3)
        if (r.statusCode() != 200 && r.statusCode() != 202 && r.statusCode() != 409) {
            throw status("STOW-RS", r);
        }
        Map<String, String> failed = new HashMap<>();
        Map<String, Boolean> stored = new HashMap<>();
        if (r.body().length > 0) {
            JsonNode body = parse(r, "STOW-RS");
            for (JsonNode item : values(body, "00081199")) {
                stored.put(text(item, "00081155"), Boolean.TRUE);
            }
            for (JsonNode item : values(body, "00081198")) {
                JsonNode reason = item.path("00081197").path("Value").path(0);
                failed.put(text(item, "00081155"), reason.isMissingNode() ? "failure"
                        : Status.describe(reason.asInt()));
            }
        }
        int next = 0;
        for (Part10.Checked c : send) {
            while (outcomes[next] != null) {
                next++;
            }
            String why = failed.get(c.sopInstance());
            boolean ok = why == null && (stored.containsKey(c.sopInstance()) || r.statusCode() == 200);
            outcomes[next] = new StoreOutcome(c.file(), c.sopClass(), c.sopInstance(), ok,
                    ok ? null : why != null ? "the PACS answered " + why : "the PACS did not confirm it");
        }
        return List.of(outcomes);
    }

    // ---- QIDO-RS

    @Override
    public List<ImagingStudy> findStudies(StudyQuery q) throws AdapterException {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("PatientID", q.patientId());
        params.put("PatientName", q.patientName());
        params.put("PatientBirthDate", q.birthDate() == null ? null : Identifiers.DA.format(q.birthDate()));
        params.put("StudyDate", Identifiers.range(q.studyDateFrom(), q.studyDateTo()));
        params.put("ModalitiesInStudy", q.modality());
        params.put("AccessionNumber", q.accessionNumber());
        StringBuilder path = new StringBuilder("/studies?limit=").append(q.limit());
        params.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                path.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        for (String f : List.of("PatientBirthDate", "StudyDescription", "ModalitiesInStudy",
                "NumberOfStudyRelatedSeries", "NumberOfStudyRelatedInstances")) {
            path.append("&includefield=").append(f);
        }
        List<ImagingStudy> out = new ArrayList<>();
        for (JsonNode s : query(path.toString(), "QIDO-RS")) {
            List<String> modalities = new ArrayList<>();
            values(s, "00080061").forEach(m -> modalities.add(m.asText()));
            out.add(new ImagingStudy(text(s, "00100020"), text(s, "00100010"), Identifiers.date(text(s, "00100030")),
                    text(s, "0020000D"), text(s, "00080050"), Identifiers.date(text(s, "00080020")), modalities,
                    text(s, "00081030"), s.path("00201206").path("Value").path(0).asInt(0),
                    s.path("00201208").path("Value").path(0).asInt(0)));
        }
        return out;
    }

    @Override
    public List<ImagingSeries> findSeries(String studyUid) throws AdapterException {
        List<ImagingSeries> out = new ArrayList<>();
        for (JsonNode s : query("/studies/" + studyUid + "/series?includefield=SeriesDescription"
                + "&includefield=NumberOfSeriesRelatedInstances", "QIDO-RS")) {
            JsonNode n = s.path("00200011").path("Value").path(0);
            out.add(new ImagingSeries(studyUid, text(s, "0020000E"), text(s, "00080060"),
                    n.isMissingNode() ? null : n.asInt(), text(s, "0008103E"),
                    s.path("00201209").path("Value").path(0).asInt(0)));
        }
        return out;
    }

    @Override
    public TransferOutcome move(String studyUid, String destinationAe) throws AdapterException {
        throw new AdapterException("C-MOVE is a DIMSE operation and this adapter uses DICOMweb: configure a DIMSE "
                + "adapter for the same PACS to move studies between application entities", false);
    }

    // ---- WADO-RS

    @Override
    public TransferOutcome retrieve(String studyUid, Receiving receiving) throws AdapterException {
        HttpRequest request = request(base + "/studies/" + studyUid)
                .header("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=*").GET().build();
        HttpResponse<InputStream> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw io("WADO-RS", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdapterException("WADO-RS interrupted", true, e);
        }
        try (InputStream body = r.body()) {
            if (r.statusCode() == 404) {
                throw new AdapterException("the PACS has no study " + studyUid, false);
            }
            if (r.statusCode() != 200 && r.statusCode() != 206) {
                throw status("WADO-RS", r.statusCode(), new String(body.readNBytes(500), StandardCharsets.UTF_8));
            }
            String boundary = Multipart.boundary(r.headers().firstValue("Content-Type").orElse(""));
            if (boundary == null) {
                throw new AdapterException("WADO-RS answered without a multipart boundary", false);
            }
            Multipart.split(new BufferedInputStream(body, 1 << 16), boundary,
                    () -> Files.createTempFile(incoming, "wado-", ".dcm"), f -> {
                try {
                    receiving.receive(f);
                } catch (com.pixelmed.dicom.DicomException e) {
                    // counted as failed by the receiving side; go on with the next instance
                }
            });
        } catch (IOException e) {
            throw io("WADO-RS", e);
        }
        return new TransferOutcome(receiving.accepted(), receiving.failed(), 0);
    }

    @Override
    public void close() {
        // HttpClient holds no resources that need closing on Java 17
    }

    // ---- HTTP

    private HttpRequest.Builder request(String url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private List<JsonNode> query(String pathAndQuery, String operation) throws AdapterException {
        HttpResponse<byte[]> r = send(request(base + pathAndQuery).header("Accept", DICOM_JSON).GET().build(),
                operation);
        if (r.statusCode() == 204) {
            return List.of();
        }
        if (r.statusCode() != 200) {
            throw status(operation, r);
        }
        List<JsonNode> out = new ArrayList<>();
        parse(r, operation).forEach(out::add);
        return out;
    }

    private HttpResponse<byte[]> send(HttpRequest request, String operation) throws AdapterException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw io(operation, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdapterException(operation + " interrupted", true, e);
        }
    }

    private AdapterException io(String operation, IOException e) {
        if (e instanceof HttpConnectTimeoutException || e instanceof ConnectException
                || e.getCause() instanceof ConnectException) {
            return new AdapterException(operation + ": cannot connect to the PACS at " + base + " ("
                    + DimseClient.message(e) + ")", true, e);
        }
        if (e instanceof HttpTimeoutException) {
            return new AdapterException(operation + ": no answer from " + base + " within " + timeout.toMillis()
                    + " ms", true, e);
        }
        return new AdapterException(operation + " to " + base + " failed: " + DimseClient.message(e), true, e);
    }

    private static AdapterException status(String operation, HttpResponse<byte[]> r) {
        return status(operation, r.statusCode(), new String(r.body(), 0, Math.min(r.body().length, 500),
                StandardCharsets.UTF_8));
    }

    private static AdapterException status(String operation, int code, String body) {
        String detail = body.isBlank() ? "" : ": " + body.strip();
        if (code == 401 || code == 403) {
            return new AdapterException(operation + ": the PACS refused Telehub's credentials (HTTP " + code + ")",
                    false);
        }
        return new AdapterException(operation + ": the PACS answered HTTP " + code + detail,
                code >= 500 || code == 429 || code == 408);
    }

    private static JsonNode parse(HttpResponse<byte[]> r, String operation) throws AdapterException {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AdapterException(operation + ": the PACS answered something that is not DICOM JSON", false, e);
        }
    }

    private static Iterable<JsonNode> values(JsonNode node, String tag) {
        return node.path(tag).path("Value");
    }

    /** The first value of a tag as text; person names as their alphabetic form. */
    private static String text(JsonNode node, String tag) {
        JsonNode v = node.path(tag).path("Value").path(0);
        if (v.isMissingNode() || v.isNull()) {
            return "";
        }
        if (v.isObject()) {
            return v.path("Alphabetic").asText("");
        }
        return v.asText();
    }
}
