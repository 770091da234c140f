package org.telehub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.telehub.fhir.FhirAuth;
import org.telehub.fhir.FhirAuths;
import org.telehub.fhir.FhirRecords;
import org.telehub.fhir.FhirSettings;
import org.telehub.fhir.SearchRules;
import org.telehub.integration.api.ObservationValue;
import org.telehub.testing.fhir.FhirServerProcess;
import org.telehub.testing.keycloak.Keycloak;
import org.telehub.testing.keycloak.TestKeys;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;

/**
 * Issue 5's benchmark: Observation conditional creates/s through the adapter's FHIR client and through HAPI's
 * generic client (the reference), same server, same run, blocks interleaved; sequential and 8 threads. Then the
 * SMART token acquisition time against Keycloak.
 */
class FhirBenchmark {
    private static final int N = Integer.getInteger("bench.creates", 400);
    private static final int BLOCKS = 4;

    @Test
    void measure() throws Exception {
        Path work = Paths.get("target", "bench").toAbsolutePath();
        Files.createDirectories(work);
        try (FhirServerProcess server = FhirServerProcess.start(work.resolve("fhir"))) {
            FhirContext ctx = FhirContext.forR4();
            ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
            ctx.getRestfulClientFactory().setSocketTimeout(30_000);
            IGenericClient hapi = ctx.newRestfulGenericClient(server.baseUrl());
            Patient p = new Patient();
            p.addName().setFamily("Bench").addGiven("Patient");
            String patientId = hapi.create().resource(p).execute().getId().getIdPart();
            FhirRecords ours = new FhirRecords(new FhirSettings(URI.create(server.baseUrl()), null, null,
                    Duration.ofSeconds(5), Duration.ofSeconds(30)), FhirAuths.none(), SearchRules.ANY);

            Callable<Void> oursOne = () -> {
                ours.createObservation(patientId, new ObservationValue("8867-4", "http://loinc.org", "Heart rate",
                        72.0, "/min", null, Instant.now(), null), UUID.randomUUID().toString());
                return null;
            };
            Callable<Void> hapiOne = () -> {
                String key = UUID.randomUUID().toString();
                Observation o = new Observation();
                o.addIdentifier(new Identifier().setSystem("urn:telehub:result").setValue(key));
                o.setStatus(Observation.ObservationStatus.FINAL);
                o.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4").setDisplay("Heart rate");
                o.setSubject(new Reference("Patient/" + patientId));
                o.setEffective(new org.hl7.fhir.r4.model.DateTimeType(java.util.Date.from(Instant.now())));
                o.setValue(new Quantity().setValue(72).setUnit("/min").setSystem("http://unitsofmeasure.org")
                        .setCode("/min"));
                hapi.create().resource(o).conditionalByUrl("Observation?identifier=urn:telehub:result|" + key)
                        .execute();
                return null;
            };
            // warm-up: both paths, JIT and the server's caches
            run(oursOne, 100, 1);
            run(hapiOne, 100, 1);
            double[] seq = compare(oursOne, hapiOne, 1);
            double[] par = compare(oursOne, hapiOne, 8);

            String token = tokenTimes(work);
            String table = String.format("Observation conditional creates (If-None-Exist), %d per path and mode in %d "
                    + "interleaved blocks, HAPI FHIR JPA server 8.8.0 (H2) on 127.0.0.1%n%n"
                    + "| mode | adapter creates/s | HAPI generic client creates/s | ratio |%n|---|---|---|---|%n"
                    + "| sequential | %.0f | %.0f | %.2f |%n| 8 threads | %.0f | %.0f | %.2f |%n%n%s%n",
                    N, BLOCKS, seq[0], seq[1], seq[0] / seq[1], par[0], par[1], par[0] / par[1], token);
            System.out.println("\nBENCHMARK\n" + table);
            Files.writeString(work.resolve("fhir-benchmark.md"), table);
        }
    }

    /** creates/s of each path, blocks interleaved. */
    private static double[] compare(Callable<Void> ours, Callable<Void> theirs, int threads) throws Exception {
        double oursSecs = 0;
        double theirsSecs = 0;
        int per = N / BLOCKS;
        for (int b = 0; b < BLOCKS; b++) {
            if (b % 2 == 0) {
                oursSecs += run(ours, per, threads);
                theirsSecs += run(theirs, per, threads);
            } else {
                theirsSecs += run(theirs, per, threads);
                oursSecs += run(ours, per, threads);
            }
        }
        return new double[] {per * BLOCKS / oursSecs, per * BLOCKS / theirsSecs};
    }

    private static double run(Callable<Void> one, int n, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            AtomicInteger left = new AtomicInteger(n);
            List<Callable<Void>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(() -> {
                    while (left.getAndDecrement() > 0) {
                        one.call();
                    }
                    return null;
                });
            }
            long t0 = System.nanoTime();
            for (Future<Void> f : pool.invokeAll(workers)) {
                f.get();
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    /** SMART token acquisition (sign the assertion + the token request), median and p95 of 30, against Keycloak. */
    private static String tokenTimes(Path work) throws Exception {
        TestKeys keys = TestKeys.rsa("bench-key");
        try (Keycloak kc = Keycloak.start(work.resolve("keycloak"), List.of(new Keycloak.Client("telehub-bench",
                keys.jwksJson(), "RS384", List.of("system/Observation.write"))))) {
            FhirAuth auth = FhirAuths.smartBackendServices("telehub-bench", URI.create(kc.tokenUrl()),
                    keys.privateKeyPem(), "bench-key", "RS384", List.of("system/Observation.write"),
                    Duration.ofSeconds(10));
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                auth.rejected();
                long t0 = System.nanoTime();
                assertTrue(auth.header().orElseThrow().startsWith("Bearer "));
                if (i >= 10) {
                    ms.add((System.nanoTime() - t0) / 1e6);
                }
            }
            Collections.sort(ms);
            long t0 = System.nanoTime();
            int cached = 1000;
            for (int i = 0; i < cached; i++) {
                auth.header();
            }
            double cachedUs = (System.nanoTime() - t0) / 1e3 / cached;
            assertEquals(30, ms.size());
            return String.format("| SMART token (RS384 assertion + Keycloak token request) | ms |%n|---|---|%n"
                    + "| median of 30 after 10 warm-up | %.1f |%n| p95 | %.1f |%n"
                    + "| cached token, per request | %.2f µs |%n", ms.get(15), ms.get(28), cachedUs);
        }
    }
}
