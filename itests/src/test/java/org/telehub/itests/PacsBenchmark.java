package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 9);
    /** The hub's adapter runs in a long-lived JVM: steady state is what it delivers, so the JIT warms up first. */
    private static final int WARMUP = 3;
    private static final int STUDIES = Integer.getInteger("bench.studies", 4);
    private static final String PW = "bench-admin-secret";

    @Test
    void measure() throws Exception {
        Path root = Paths.get(System.getProperty("telehub.instances")).resolve("pacs-bench-data");
        if (Files.exists(root)) {
            KarafInstance.deleteTree(root);
        }
        // one patient (an upload names the patient it files images for, issue 14) with STUDIES studies
        List<PatientSpec> specs = List.of(new PatientSpec("BENCH-0", "Bench^Patient", LocalDate.of(1970, 1, 1), "O",
                STUDIES, 3, 17, "CT"));
        List<Instance> instances = TestData.generate(root.resolve("data"), specs);
        List<Path> files = instances.stream().map(Instance::file).toList();
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        int scpPort = KarafInstance.freePort();
        int commitPort = KarafInstance.freePort();
        try (Orthanc orthanc = Orthanc.start(root.resolve("orthanc"), "ORTHANC",
                Map.of("telehub", Remote.loopback("TELEHUB", scpPort), "telehubscp",
                        Remote.loopback("TELEHUB-SCP", commitPort)));
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
            String patient = karaf.patientInCareOf(doctor, "Bench Patient");
            assertEquals(201, karaf.put("/api/v1/integration/patient/" + patient + "/identifiers/orthanc", doctor,
                    "{\"identifier\":\"BENCH-0\"}").statusCode());
            byte[] multipart = FormData.body(BOUNDARY, new java.util.TreeMap<>(Map.of("adapterId", "orthanc",
                    "patientId", "BENCH-0")), "file", files);
            DicomArchive adapter = adapter(orthanc.dicomPort(), root.resolve("adapter"), Map.of());
            // the same with storage commitment: its storage SCP takes Orthanc's report
            DicomArchive committing = adapter(orthanc.dicomPort(), root.resolve("committing"), Map.of("scpPort",
                    commitPort, "scpAe", "TELEHUB-SCP", "storageCommitment", true));

            List<Double> storescu = new ArrayList<>();
            List<Double> direct = new ArrayList<>();
            List<Double> rest = new ArrayList<>();
            List<Double> directRatio = new ArrayList<>();
            List<Double> restRatio = new ArrayList<>();
            List<Double> commit = new ArrayList<>();
            List<Double> commitRatio = new ArrayList<>();
            for (int round = 0; round < WARMUP + ROUNDS; round++) {
                double[] t = new double[4];
                // the order turns each round, so no path always follows another's clean-up
                for (int k = 0; k < 4; k++) {
                    int path = (round + k) % 4;
                    orthanc.reset();
                    long t0 = System.nanoTime();
                    if (path == 0) {
                        Dcmtk.Result r = Dcmtk.storescu("127.0.0.1", orthanc.dicomPort(), "TELEHUB", "ORTHANC", files);
                        t[0] = secs(t0);
                        assertTrue(r.ok(), r.output());
                    } else if (path == 1) {
                        List<StoreOutcome> out = adapter.store(files);
                        t[1] = secs(t0);
                        assertTrue(out.stream().allMatch(StoreOutcome::stored));
                    } else if (path == 3) {
                        List<StoreOutcome> out = committing.store(files);
                        t[3] = secs(t0);
                        assertTrue(out.stream().allMatch(StoreOutcome::stored), out.toString());
                    } else {
                        HttpResponse<String> up = karaf.send(HttpRequest.newBuilder(URI.create(karaf.url(
                                "/api/v1/integration/pacs/store-image"))).header("Content-Type",
                                        "multipart/form-data; boundary=" + BOUNDARY)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart)), doctor);
                        t[2] = secs(t0);
                        assertEquals(200, up.statusCode(), up.body());
                    }
                    assertEquals(files.size(), orthanc.instanceCount());
                }
                if (round >= WARMUP) {
                    storescu.add(t[0]);
                    direct.add(t[1]);
                    rest.add(t[2]);
                    directRatio.add(t[0] / t[1]);
                    restRatio.add(t[0] / t[2]);
                    commit.add(t[3]);
                    commitRatio.add(t[0] / t[3]);
                }
            }
            // one instance per store, as a forward sends it: what commitment costs per forward (Orthanc keeps one copy)
            List<Double> single = new ArrayList<>();
            List<Double> singleCommitted = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                List<Path> one = List.of(files.get(i % files.size()));
                long t0 = System.nanoTime();
                assertTrue(adapter.store(one).get(0).stored());
                double plainMs = secs(t0) * 1000;
                t0 = System.nanoTime();
                assertTrue(committing.store(one).get(0).stored());
                double committedMs = secs(t0) * 1000;
                if (i >= 10) {
                    single.add(plainMs);
                    singleCommitted.add(committedMs);
                }
            }
            // C-FIND: study level by Patient ID, one association each, as the hub does per query
            List<Double> find = new ArrayList<>();
            List<Double> findscu = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                long t0 = System.nanoTime();
                int n = adapter.findStudies(StudyQuery.byPatient("BENCH-0")).size();
                double ms = secs(t0) * 1000;
                assertEquals(STUDIES, n);
                t0 = System.nanoTime();
                Dcmtk.Result f = Dcmtk.findscu("127.0.0.1", orthanc.dicomPort(), "TELEHUB", "ORTHANC",
                        "BENCH-0");
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
                    + "rounds (order turning) after %d warm-up rounds, medians%n%n", n, bytes / 1024, ROUNDS, WARMUP));
            t.append("| path | seconds | images/s | ratio to storescu (of medians) | ratio to storescu (median of "
                    + "per-round ratios) |\n|---|---|---|---|---|\n");
            t.append(row("DCMTK storescu (one association)", ms, n, ms, 1.0));
            t.append(row("adapter store (one association)", md, n, ms, median(directRatio)));
            t.append(row("REST upload → hub → adapter", mr, n, ms, median(restRatio)));
            t.append(row("adapter store + storage commitment (N-ACTION, Orthanc's report)", median(commit), n, ms,
                    median(commitRatio)));
            t.append(String.format("%n| one instance per store (50 stores) | median ms | p95 ms |%n|---|---|---|%n"
                    + "| adapter store | %.1f | %.1f |%n| adapter store + storage commitment | %.1f | %.1f |%n",
                    median(single), p95(single), median(singleCommitted), p95(singleCommitted)));
            t.append(String.format("%n| C-FIND, study level by Patient ID (50 queries) | median ms | p95 ms |%n"
                    + "|---|---|---|%n| adapter (new association per query) | %.1f | %.1f |%n"
                    + "| DCMTK findscu (process per query, reference) | %.1f | %.1f |%n",
                    median(find), p95(find), median(findscu), p95(findscu)));
            t.append(String.format("%nraw seconds: storescu %s; adapter %s; REST %s; committed %s%n", storescu,
                    direct, rest, commit));
            System.out.println("\nBENCHMARK\n" + t);
            Files.writeString(Paths.get(System.getProperty("telehub.instances")).resolve("pacs-benchmark.md"),
                    t.toString());
        }
    }

    private static final String BOUNDARY = "telehub-bench-" + UUID.randomUUID();

    /**
     * The adapter's own classes outside OSGi: its package-private constructor with a configuration proxy, the same
     * code the hub runs.
     */
    private static DicomArchive adapter(int port, Path work, Map<String, Object> more) throws Exception {
        Class<?> type = Class.forName("org.telehub.adapter.pacs.internal.PacsAdapter");
        Class<?> configType = Class.forName("org.telehub.adapter.pacs.internal.PacsConfig");
        Map<String, Object> values = new java.util.HashMap<>(Map.of("id", "bench", "vendor", "Orthanc", "transport",
                "DIMSE", "host", "127.0.0.1", "port", port, "calledAe", "ORTHANC", "callingAe", "TELEHUB",
                "retrieveMethod", "MOVE", "scpPort", 0, "readTimeoutMillis", 30000));
        values.putAll(more);
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

    private static String row(String name, double secs, int n, double reference, double pairedRatio) {
        return String.format("| %s | %.3f | %.0f | %.2f | %.2f |%n", name, secs, n / secs, reference / secs,
                pairedRatio);
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
