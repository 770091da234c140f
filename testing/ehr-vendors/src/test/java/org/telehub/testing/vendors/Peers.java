package org.telehub.testing.vendors;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.telehub.testing.fhir.FhirServerProcess;
import org.telehub.testing.keycloak.Keycloak;
import org.telehub.testing.keycloak.TestKeys;

/**
 * The stand-ins every vendor test uses, started once per test JVM: HAPI FHIR (shared) and one Keycloak holding the
 * vendors' clients: Oracle Health's system account and athenahealth's app authenticate with a secret, Veradigm's
 * backend client with a private key (SMART Backend Services).
 */
public final class Peers {
    public static final String CERNER_CLIENT = "cerner-system-account";
    /** A secret with the characters client_secret_basic must form-encode. */
    public static final String CERNER_SECRET = "s3cr:et&%+ü";
    public static final String ATHENA_CLIENT = "athena-app";
    public static final String ATHENA_SECRET = "athena-secret-1";
    public static final String ALLSCRIPTS_CLIENT = "veradigm-backend";
    public static final TestKeys ALLSCRIPTS_KEYS = TestKeys.rsa("veradigm-1");
    public static final List<String> READ = List.of("system/Patient.read", "system/Observation.read");
    public static final List<String> WRITE = List.of("system/Observation.write", "system/DiagnosticReport.write",
            "system/Condition.write", "system/MedicationRequest.write");

    private static Keycloak keycloak;

    private Peers() {
    }

    public static synchronized Keycloak keycloak() throws IOException {
        if (keycloak == null) {
            String[] all = java.util.stream.Stream.concat(READ.stream(), WRITE.stream()).toArray(String[]::new);
            keycloak = Keycloak.start(Path.of("target", "keycloak").toAbsolutePath(), List.of(
                    Keycloak.Client.withSecret(CERNER_CLIENT, CERNER_SECRET, all),
                    Keycloak.Client.withSecret(ATHENA_CLIENT, ATHENA_SECRET, all),
                    Keycloak.Client.of(ALLSCRIPTS_CLIENT, ALLSCRIPTS_KEYS, READ.toArray(String[]::new))));
        }
        return keycloak;
    }

    public static FhirServerProcess fhir() {
        return FhirServerProcess.shared();
    }

    /** A gateway before HAPI whose tokens are checked with Keycloak. */
    public static FhirGateway gateway(List<String> stripped, FhirGateway.Route route) throws IOException {
        Keycloak kc = keycloak();
        return new FhirGateway(fhir().baseUrl(), stripped, route, kc.jwksUrl(), kc.issuer());
    }

    /** Writes a resource straight into HAPI (PUT with an id, else POST); returns the server's JSON. */
    public static String put(String type, String id, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fhir().baseUrl() + "/" + type
                + (id == null ? "" : "/" + id))).header("Content-Type", "application/fhir+json");
        HttpResponse<String> r = HttpClient.newHttpClient().send((id == null
                ? b.POST(HttpRequest.BodyPublishers.ofString(json)) : b.PUT(HttpRequest.BodyPublishers.ofString(json)))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw new IOException(type + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** Reads from HAPI directly (a search or a read), as the test's own check. */
    public static String get(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fhir().baseUrl()
                + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(pathAndQuery + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** The id of the resource in a server's JSON answer. */
    public static String idOf(String json) {
        return json.replaceAll("(?s)^.*?\"id\"\\s*:\\s*\"([^\"]+)\".*$", "$1");
    }

    static {
        try {
            Files.createDirectories(Path.of("target"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
