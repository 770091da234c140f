package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.telehub.integration.api.DicomArchive;
import org.telehub.integration.api.StoreOutcome;
import org.telehub.integration.api.StudyQuery;
import org.telehub.testing.dicom.Dcmtk;
import org.telehub.testing.dicom.Orthanc;
import org.telehub.testing.dicom.Remote;
import org.telehub.testing.dicom.TestData;
import org.telehub.testing.dicom.TestData.Instance;
import org.telehub.testing.dicom.TestData.PatientSpec;

/**
 * Issue 4's benchmark, not a test: run by {@code bench/pacs.sh}, never by the test command (the class name does not
 * end in IT). One Orthanc (TCP_NODELAY=1), one set of generated files; rounds interleaved so that all three paths
 * see the same machine: DCMTK storescu, the adapter's store (the adapter's own classes, constructed outside OSGi),
 * and the hub's REST upload (multipart into the running hub, then the same adapter). Then C-FIND latency.
 */
class PacsBenchmark {
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 7);
    private static final int PATIENTS = Integer.getInteger("bench.patients", 4);
    private static final String PW = "bench-admin-secret";

    @Test
    void measure() throws Exception {
        Path root = Paths.get(System.getProperty("telehub.instances")).resolve("pacs-bench");
        if (Files.exists(root)) {
            KarafInstance.deleteTree(root);
        }
        List<PatientSpec> specs = new ArrayList<>();
        for (int p = 0; p < PATIENTS; p++) {
            specs.add(new PatientSpec("BENCH-" + p, "Bench^Patient" + p, LocalDate.of(1970 + p, 1, 1), "O", 1, 3, 17,
                    "CT"));
        }
        List<Instance> instances = TestData.generate(root.resolve("data"), specs);
        List<Path> files = instances.stream().map(Instance::file).toList();
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        int scpPort = KarafInstance.freePort();
        try (Orthanc orthanc = Orthanc.start(root.resolve("orthanc"), "ORTHANC",
                Map.of("telehub", Remote.loopback("TELEHUB", scpPort)));
                KarafInstance karaf = KarafInstance.create("pacs-bench")) {
            karaf.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=" + PW);
            Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.pacs-orthanc.cfg"), "id=orthanc\n"
                    + "transport=DIMSE\nhost=127.0.0.1\nport=" + orthanc.dicomPort() + "\ncalledAe=ORTHANC\n"
                    + "callingAe=TELEHUB\n");
            karaf.start();
            karaf.shell("admin", PW, "feature:install telehub-adapter-pacs");
            String admin = karaf.login("admin", PW);
            assertEquals(201, karaf.post("/api/v1/users", admin, "application/json",
                    "{\"username\":\"dr.bench\",\"roles\":[\"doctor\"],\"password\":\"bench-doctor-1\"}").statusCode());
            String doctor = karaf.login("dr.bench", "bench-doctor-1");
            awaitAdapter(karaf, admin);
            karaf.awaitRoutes(java.time.Duration.ofSeconds(30));
            byte[] multipart = multipart(files);
            DicomArchive adapter = adapter(orthanc.dicomPort(), root.resolve("adapter"));

            List<Double> storescu = new ArrayList<>();
            List<Double> direct = new ArrayList<>();
            List<Double> rest = new ArrayList<>();
            for (int round = 0; round <= ROUNDS; round++) {
                boolean warmup = round == 0;
                orthanc.reset();
                long t0 = System.nanoTime();
                Dcmtk.Result r = Dcmtk.storescu("127.0.0.1", orthanc.dicomPort(), "TELEHUB", "ORTHANC", files);
                double s = secs(t0);
                assertTrue(r.ok(), r.output());
                assertEquals(files.size(), orthanc.instanceCount());

                orthanc.reset();
                t0 = System.nanoTime();
                List<StoreOutcome> out = adapter.store(files);
                double a = secs(t0);
                assertTrue(out.stream().allMatch(StoreOutcome::stored));
                assertEquals(files.size(), orthanc.instanceCount());

                orthanc.reset();
                t0 = System.nanoTime();
                HttpResponse<String> up = karaf.send(HttpRequest.newBuilder(URI.create(karaf.url(
                        "/api/v1/integration/pacs/store-image"))).header("Content-Type",
                                "multipart/form-data; boundary=" + BOUNDARY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(multipart)), doctor);
                double h = secs(t0);
                assertEquals(200, up.statusCode(), up.body());
                assertEquals(files.size(), orthanc.instanceCount());
                if (!warmup) {
                    storescu.add(s);
                    direct.add(a);
                    rest.add(h);
                }
            }
            // C-FIND: study level by Patient ID, one association each, as the hub does per query
            List<Double> find = new ArrayList<>();
            List<Double> findscu = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                long t0 = System.nanoTime();
                int n = adapter.findStudies(StudyQuery.byPatient("BENCH-" + (i % PATIENTS))).size();
                double ms = secs(t0) * 1000;
                assertEquals(1, n);
                t0 = System.nanoTime();
                Dcmtk.Result f = Dcmtk.findscu("127.0.0.1", orthanc.dicomPort(), "TELEHUB", "ORTHANC",
                        "BENCH-" + (i % PATIENTS));
                double fms = secs(t0) * 1000;
                assertTrue(f.ok(), f.output());
                if (i >= 10) {
                    find.add(ms);
                    findscu.add(fms);
                }
            }
            double ms = median(storescu);
            double md = median(direct);
            double mr = median(rest);
            int n = files.size();
            StringBuilder t = new StringBuilder();
            t.append(String.format("%d instances (%d KiB in all), Orthanc 1.10.1 with TCP_NODELAY=1, %d interleaved "
                    + "rounds after one warm-up, medians%n%n", n, bytes / 1024, ROUNDS));
            t.append("| path | seconds | images/s | ratio to storescu |\n|---|---|---|---|\n");
            t.append(row("DCMTK storescu (one association)", ms, n, ms));
            t.append(row("adapter store (one association)", md, n, ms));
            t.append(row("REST upload → hub → adapter", mr, n, ms));
            t.append(String.format("%n| C-FIND, study level by Patient ID (50 queries) | median ms | p95 ms |%n"
                    + "|---|---|---|%n| adapter (new association per query) | %.1f | %.1f |%n"
                    + "| DCMTK findscu (process per query, reference) | %.1f | %.1f |%n",
                    median(find), p95(find), median(findscu), p95(findscu)));
            t.append(String.format("%nraw seconds: storescu %s; adapter %s; REST %s%n", storescu, direct, rest));
            System.out.println("\nBENCHMARK\n" + t);
            Files.writeString(Paths.get(System.getProperty("telehub.instances")).resolve("pacs-benchmark.md"),
                    t.toString());
        }
    }

    private static final String BOUNDARY = "telehub-bench-" + UUID.randomUUID();

    private static byte[] multipart(List<Path> files) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"adapterId\"\r\n\r\northanc\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        for (Path f : files) {
            body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                    + f.getFileName() + "\"\r\nContent-Type: application/dicom\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(Files.readAllBytes(f));
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    /**
     * The adapter's own classes outside OSGi: its package-private constructor with a configuration proxy, the same
     * code the hub runs.
     */
    private static DicomArchive adapter(int port, Path work) throws Exception {
        Class<?> type = Class.forName("org.telehub.adapter.pacs.internal.PacsAdapter");
        Class<?> configType = Class.forName("org.telehub.adapter.pacs.internal.PacsConfig");
        Map<String, Object> values = Map.of("id", "bench", "vendor", "Orthanc", "transport", "DIMSE", "host",
                "127.0.0.1", "port", port, "calledAe", "ORTHANC", "callingAe", "TELEHUB", "retrieveMethod", "MOVE",
                "scpPort", 0, "readTimeoutMillis", 30000);
        Object config = Proxy.newProxyInstance(configType.getClassLoader(), new Class<?>[] {configType},
                (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    Object d = method.getDefaultValue();
                    if (d == null) {
                        throw new IllegalStateException("no value for " + method.getName());
                    }
                    return d;
                });
        Constructor<?> c = type.getDeclaredConstructor(configType, Path.class, String.class);
        c.setAccessible(true);
        return (DicomArchive) c.newInstance(config, work, "bench");
    }

    private static void awaitAdapter(KarafInstance karaf, String admin) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (karaf.get("/api/v1/integration/status", admin).body().contains("\"orthanc\"")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the PACS adapter did not appear");
    }

    private static String row(String name, double secs, int n, double reference) {
        return String.format("| %s | %.3f | %.0f | %.2f |%n", name, secs, n / secs, reference / secs);
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double p95(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.95) - 1));
    }
}
