package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Issue 16's first-load benchmark, not a test: run by {@code bench/web.sh}, never by the test command (the class name
 * does not end in IT). The web app's sign-in page in Debian's chromium over the hub's HTTPS on 127.0.0.1, on a phone
 * viewport: each round a cold load in a new browser context (empty cache) and then a reload in the same context as
 * the reference (the repeat visit), interleaved ({@code itests/web-tests/bench/first-load.mjs}). Writes
 * {@code target/instances/web-benchmark.md}; asserts only that the rounds ran.
 */
class WebBenchmark {
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 9);
    private static final Path ITESTS = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath();

    @Test
    void firstLoadOfTheApp() throws Exception {
        try (KarafInstance karaf = KarafInstance.create("web-bench")) {
            karaf.edit("etc/org.telehub.security.cfg", "publicOrigin=http://127.0.0.1:" + karaf.httpPort,
                    "publicOrigin=" + karaf.httpsUrl(""));
            karaf.start();
            Path log = ITESTS.resolve("target/web-bench.log");
            ProcessBuilder pb = new ProcessBuilder("node", "bench/first-load.mjs")
                    .directory(ITESTS.resolve("web-tests").toFile()).redirectError(log.toFile());
            pb.environment().put("TELEHUB_BASE_URL", karaf.httpsUrl(""));
            pb.environment().put("TELEHUB_SPKI", Base64.getEncoder().encodeToString(MessageDigest
                    .getInstance("SHA-256").digest(karaf.servedCertificate().getPublicKey().getEncoded())));
            pb.environment().put("BENCH_ROUNDS", Integer.toString(ROUNDS));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "first-load.mjs did not finish");
            assertEquals(0, p.exitValue(), out + Files.readString(log));
            JsonNode r = KarafInstance.JSON.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                    .orElseThrow());
            assertEquals(ROUNDS, r.get("cold").size());

            StringBuilder md = new StringBuilder();
            md.append("| median of ").append(ROUNDS).append(" (390×844, HTTPS on 127.0.0.1) | cold: first visit, empty "
                    + "cache | reference: repeat visit (reload) | ratio |\n|---|---|---|---|\n");
            row(md, "time to interactive (ms): the sign-in form takes input", r, n -> n.get("tti").asLong());
            row(md, "DOMContentLoaded (ms)", r, n -> n.get("domContentLoaded").asLong());
            row(md, "load event (ms)", r, n -> n.get("load").asLong());
            row(md, "JavaScript on the wire (bytes)", r, n -> n.path("bytes").path("script").asLong());
            row(md, "CSS on the wire (bytes)", r, n -> n.path("bytes").path("stylesheet").asLong());
            row(md, "everything on the wire (bytes)", r, n -> {
                long sum = 0;
                for (JsonNode v : n.get("bytes")) {
                    sum += v.asLong();
                }
                return sum;
            });
            md.append("\nTTI per round, cold (ms): ").append(values(r.get("cold"), n -> n.get("tti").asLong()))
                    .append("\n");
            Path report = Paths.get(System.getProperty("telehub.instances")).resolve("web-benchmark.md");
            Files.writeString(report, md.toString());
            System.out.println(md);
        }
    }

    private static void row(StringBuilder md, String name, JsonNode r, ToLongFunction<JsonNode> f) {
        long cold = median(values(r.get("cold"), f));
        long warm = median(values(r.get("warm"), f));
        md.append("| ").append(name).append(" | ").append(cold).append(" | ").append(warm).append(" | ")
                .append(warm == 0 ? "—" : String.format(java.util.Locale.ROOT, "%.2f", (double) cold / warm))
                .append(" |\n");
    }

    private static List<Long> values(JsonNode rounds, ToLongFunction<JsonNode> f) {
        List<Long> v = new ArrayList<>();
        rounds.forEach(n -> v.add(f.applyAsLong(n)));
        return v;
    }

    private static long median(List<Long> v) {
        List<Long> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
