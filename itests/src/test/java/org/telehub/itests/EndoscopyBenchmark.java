package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.telehub.testing.dicom.Dcmtk;
import org.telehub.testing.dicom.StoreScp;
import org.telehub.testing.dicom.TestData;
import org.telehub.testing.dicom.Wlmscpfs;

/**
 * Issue 22's benchmark, not a test: run by {@code bench/endoscopy.sh}, never by the test command (the class name
 * does not end in IT). DCMTK's storescu sends the same number of VL Endoscopic images (JPEG, made by img2dcm) on one
 * association to DCMTK's storescp (writes each file: the reference) and to the hub's endoscopy storage SCP (each
 * encrypted into the file store and indexed on PostgreSQL before it is answered), rounds interleaved with the order
 * turning; new SOP Instance UIDs every round, so the hub inserts (as with a real endoscope) and never replaces. Then
 * the worklist read: the doctor's read of the patient's endoscopy system through the hub (REST, care check, audit,
 * C-FIND to wlmscpfs) beside DCMTK findscu's worklist query (a process per query: a reference, not a competitor).
 */
class EndoscopyBenchmark {
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 9);
    private static final int WARMUP = 3;
    private static final int IMAGES = Integer.getInteger("bench.images", 200);
    private static final String PW = "bench-admin-secret";
    private static final String BASE_UID = "2.25.10000000000000000000";

    @Test
    void measure() throws Exception {
        Path root = Paths.get(System.getProperty("telehub.instances")).resolve("endoscopy-bench-data");
        if (Files.exists(root)) {
            KarafInstance.deleteTree(root);
        }
        Path base = Dcmtk.vlEndoscopic(root.resolve("base"), "base", "BENCH-P", "Bench^Patient", "ACC-B1",
                "2.25.4242", 1, BASE_UID);
        long size = Files.size(base);
        int scp = KarafInstance.freePort();
        try (StoreScp storescp = StoreScp.start(root.resolve("storescp"), "STORESCP", false);
                Wlmscpfs wl = Wlmscpfs.start(root, "ENDOWL");
                KarafInstance karaf = KarafInstance.create("endoscopy-bench")) {
            wl.add("colonoscopy", Wlmscpfs.step("ISO_IR 192", "Bench^Patient", "BENCH-P", "ACC-B1", "20261214",
                    "083000", null, "ENDO1", "ES", "SPS-B1", "Colonoscopy"), StandardCharsets.UTF_8);
            karaf.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=" + PW);
            Files.writeString(karaf.home.resolve("etc/org.telehub.adapter.endoscopy-bench.cfg"), "id=endo-bench\n"
                    + "worklistHost=127.0.0.1\nworklistPort=" + wl.port() + "\nworklistAe=ENDOWL\ncallingAe=TELEHUB\n"
                    + "timeZone=UTC\nstoragePort=" + scp + "\nsenders=ENDOBASE@127.0.0.1\n");
            karaf.start();
            karaf.shell("admin", PW, "feature:install telehub-adapter-endoscopy");
            String admin = karaf.login("admin", PW);
            assertEquals(201, karaf.post("/api/v1/users", admin, "application/json",
                    "{\"username\":\"dr.bench\",\"roles\":[\"doctor\"],\"password\":\"bench-doctor-1\"}").statusCode());
            String doctor = karaf.login("dr.bench", "bench-doctor-1");
            karaf.awaitRoutes(java.time.Duration.ofSeconds(30));
            String patient = karaf.patientInCareOf(doctor, "Bench Patient");
            for (int i = 0; i < 300 && !karaf.get("/api/v1/integration/status", admin).body()
                    .contains("\"endo-bench\""); i++) {
                Thread.sleep(100);
            }
            assertEquals(201, karaf.put("/api/v1/integration/patient/" + patient + "/identifiers/endo-bench", doctor,
                    "{\"identifier\":\"BENCH-P\"}").statusCode());

            List<Double> reference = new ArrayList<>();
            List<Double> hub = new ArrayList<>();
            List<Double> ratio = new ArrayList<>();
            for (int round = 0; round < WARMUP + ROUNDS; round++) {
                double[] t = new double[2];
                for (int k = 0; k < 2; k++) {
                    int path = (round + k) % 2;
                    List<Path> files = new ArrayList<>();
                    for (int i = 0; i < IMAGES; i++) {
                        files.add(TestData.withSopInstanceUid(base, BASE_UID, "2.25.1" + String.format("%019d",
                                (round * 2L + path) * 1_000_000L + i), root.resolve("r" + round + "-" + path)
                                        .resolve(i + ".dcm")));
                    }
                    int port = path == 0 ? storescp.port() : scp;
                    String called = path == 0 ? "STORESCP" : "TELEHUB";
                    long t0 = System.nanoTime();
                    Dcmtk.Result r = Dcmtk.storescu("127.0.0.1", port, "ENDOBASE", called, files, List.of("-xy"));
                    t[path] = (System.nanoTime() - t0) / 1e9;
                    assertTrue(r.ok(), r.output());
                    KarafInstance.deleteTree(root.resolve("r" + round + "-" + path));
                }
                if (round >= WARMUP) {
                    reference.add(t[0]);
                    hub.add(t[1]);
                    ratio.add(t[0] / t[1]);
                }
            }
            try (java.sql.Connection db = karaf.db(); var rs = db.createStatement().executeQuery(
                    "SELECT COUNT(*) FROM integration_imaging_instance WHERE adapter_id = 'endo-bench'")) {
                rs.next();
                assertEquals((WARMUP + ROUNDS) * IMAGES, rs.getInt(1), "every image kept");
            }

            List<Double> read = new ArrayList<>();
            List<Double> findscu = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                long t0 = System.nanoTime();
                var answer = karaf.get("/api/v1/integration/patient/" + patient + "/systems/endo-bench", doctor);
                double ms = (System.nanoTime() - t0) / 1e6;
                assertEquals(200, answer.statusCode(), answer.body());
                assertTrue(answer.body().contains("SPS-B1"), answer.body());
                t0 = System.nanoTime();
                Dcmtk.Result f = Dcmtk.run(Dcmtk.TIMEOUT, List.of("findscu", "-W", "-aet", "TELEHUB", "-aec", "ENDOWL",
                        "-k", "PatientID=BENCH-P", "-k", "ScheduledProcedureStepSequence[0].Modality=ES",
                        "-k", "AccessionNumber", "127.0.0.1", Integer.toString(wl.port())));
                double fms = (System.nanoTime() - t0) / 1e6;
                assertTrue(f.ok(), f.output());
                if (i >= 10) {
                    read.add(ms);
                    findscu.add(fms);
                }
            }
            double mr = median(reference);
            double mh = median(hub);
            StringBuilder t = new StringBuilder();
            t.append(String.format("%d VL Endoscopic images (JPEG baseline, %d bytes each) per round, one association,"
                    + " DCMTK storescu as the endoscope; %d interleaved rounds (order turning) after %d warm-up rounds,"
                    + " medians%n%n", IMAGES, size, ROUNDS, WARMUP));
            t.append("| receiver | seconds | images/s | ratio to storescp (of medians) | ratio (median of per-round "
                    + "ratios) |\n|---|---|---|---|---|\n");
            t.append(String.format("| DCMTK storescp (writes each file) | %.3f | %.0f | 1.00 | 1.00 |%n", mr,
                    IMAGES / mr));
            t.append(String.format("| hub's storage SCP (encrypted, indexed, committed before the answer) | %.3f | %.0f"
                    + " | **%.2f** | **%.2f** |%n", mh, IMAGES / mh, mr / mh, median(ratio)));
            t.append(String.format("%n| worklist read (50 after 10 warm-up) | median ms | p95 ms |%n|---|---|---|%n"
                    + "| doctor's read through the hub (REST, care check, audit, C-FIND) | %.1f | %.1f |%n"
                    + "| DCMTK findscu -W (process per query, reference) | %.1f | %.1f |%n",
                    median(read), p95(read), median(findscu), p95(findscu)));
            t.append(String.format("%nraw seconds: storescp %s; hub %s%n", reference, hub));
            System.out.println("\nBENCHMARK\n" + t);
            Files.writeString(Paths.get(System.getProperty("telehub.instances")).resolve("endoscopy-benchmark.md"),
                    t.toString());
        }
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    private static double p95(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get((int) Math.ceil(s.size() * 0.95) - 1);
    }
}
