package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Issue 18's join benchmark, not a test: run by {@code bench/video.sh}, never by the test command (the class name does
 * not end in IT). A patient's "Join the visit" to the first frame of the doctor's picture through the hub, beside a
 * loopback pair of peer connections in the same browser as the reference, interleaved
 * ({@code itests/web-tests/bench/video-join.mjs}). Writes {@code target/instances/video-benchmark.md}; asserts only
 * that the rounds ran.
 */
class VideoBenchmark {
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 10);
    private static final Path ITESTS = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath();
    private static final String PW = "bench-video-pass-1";

    @Test
    void joinToFirstRemoteFrame() throws Exception {
        try (KarafInstance karaf = KarafInstance.create("video-bench")) {
            karaf.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=bench-admin-1");
            karaf.edit("etc/org.telehub.security.cfg", "publicOrigin=http://127.0.0.1:" + karaf.httpPort,
                    "publicOrigin=" + karaf.httpsUrl(""));
            karaf.start();
            String admin = karaf.login("admin", "bench-admin-1");
            for (String[] u : new String[][] {{"bench.doctor", "doctor"}, {"bench.patient", "patient"}}) {
                HttpResponse<String> r = karaf.post("/api/v1/users", admin, "application/json", "{\"username\":\""
                        + u[0] + "\",\"roles\":[\"" + u[1] + "\"],\"password\":\"" + PW + "\"}");
                assertEquals(201, r.statusCode(), r.body());
            }
            String doctorId = Scheduling.doctor(karaf, admin, "Dr Bench", "bench.doctor");
            String patientId = Scheduling.patient(karaf, admin, "Bea Bench", "bench.patient");
            Instant soon = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(2, ChronoUnit.MINUTES);
            HttpResponse<String> booked = karaf.post("/api/v1/encounters", admin, "application/json",
                    Scheduling.visit(doctorId, patientId, soon, 60));
            assertEquals(201, booked.statusCode(), booked.body());
            Path log = ITESTS.resolve("target/video-bench.log");
            ProcessBuilder pb = new ProcessBuilder("node", "bench/video-join.mjs")
                    .directory(ITESTS.resolve("web-tests").toFile()).redirectError(log.toFile());
            pb.environment().put("TELEHUB_BASE_URL", karaf.httpsUrl(""));
            pb.environment().put("TELEHUB_SPKI", Base64.getEncoder().encodeToString(MessageDigest
                    .getInstance("SHA-256").digest(karaf.servedCertificate().getPublicKey().getEncoded())));
            pb.environment().put("BENCH_ROUNDS", Integer.toString(ROUNDS));
            pb.environment().put("BENCH_VISIT", KarafInstance.json(booked).get("id").asText());
            pb.environment().put("BENCH_DOCTOR", "bench.doctor");
            pb.environment().put("BENCH_PATIENT", "bench.patient");
            pb.environment().put("BENCH_PASSWORD", PW);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "video-join.mjs did not finish");
            assertEquals(0, p.exitValue(), out + Files.readString(log));
            JsonNode r = KarafInstance.JSON.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                    .orElseThrow());
            List<Long> hub = values(r.get("hub"));
            List<Long> loopback = values(r.get("loopback"));
            assertEquals(ROUNDS, hub.size());
            long h = median(hub);
            long l = median(loopback);
            String md = "| median of " + ROUNDS + " (Debian chromium, fake camera, HTTPS on 127.0.0.1) | through the hub:"
                    + " Join → first frame of the doctor | reference: loopback pair in one page, getUserMedia → first"
                    + " frame | ratio |\n|---|---|---|---|\n| milliseconds | " + h + " | " + l + " | "
                    + String.format(Locale.ROOT, "%.2f", (double) h / Math.max(1, l)) + " |\n\nthrough the hub per"
                    + " round (ms): " + hub + "\n\nloopback per round (ms): " + loopback + "\n";
            Files.writeString(Paths.get(System.getProperty("telehub.instances")).resolve("video-benchmark.md"), md);
            System.out.println(md);
        }
    }

    private static List<Long> values(JsonNode a) {
        List<Long> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asLong()));
        return out;
    }

    private static long median(List<Long> v) {
        List<Long> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
