package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Issue 6's benchmark, not a test: run by {@code bench/booking.sh}, never by the test command (the class name does
 * not end in IT). Books visits through {@code POST /api/v1/encounters} from many clients at once on PostgreSQL
 * ({@code telehub.test.pg.url}), then checks through the API that no doctor and no patient holds two overlapping
 * visits; it also runs pgbench with the same booking transaction in plain SQL on the same database as its ceiling. Writes a Markdown summary; asserts only that the runs did what they measured.
 */
class BookingBenchmark {
    private static final String PW = "bench-admin-secret";
    private static final int SECONDS = Integer.getInteger("bench.seconds", 60);
    private static final int CLIENTS = Integer.getInteger("bench.clients", 32);
    private static final int DOCTORS = Integer.getInteger("bench.doctors", 40);
    private static final int PATIENTS = Integer.getInteger("bench.patients", 2000);
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmupSeconds", 5);
    private static final int PGBENCH_SECONDS = Integer.getInteger("bench.pgbenchSeconds", 20);
    /** Whole half-hours of days 2 to 31 from today (UTC): 30 days of 48 slots. */
    private static final int SLOTS = 30 * 48;
    private static final int KEEP_ERRORS = 5;
    private static final List<String> WEEKDAYS = List.of("monday", "tuesday", "wednesday", "thursday", "friday",
            "saturday", "sunday");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** What one engine's run measured. */
    private static final class Result {
        String engine;
        double seconds;
        long requests;
        long booked;
        long conflicts;
        long errors;
        long warmupBooked;
        long warmupRequests;
        final List<String> firstErrors = Collections.synchronizedList(new ArrayList<>());
        long[] all;
        long[] ok;
        long listed;
        long listedTotal;
        int doctorOverlaps;
        int patientOverlaps;
        String pgbenchLine;
        Double pgbenchTps;
        long pgbenchBooked;
        /** Why the calendar check could not be done, if it could not. */
        String checkError;
        /** What the database and the processes did during the timed phase: after minus before. */
        Map<String, Double> cost = new LinkedHashMap<>();
    }

    /** One client thread's counts and latencies (ns), grown as needed; read only after the thread ended. */
    private static final class Recorder {
        long[] all = new long[1 << 14];
        int nAll;
        long[] ok = new long[1 << 14];
        int nOk;
        long booked;
        long conflicts;
        long errors;

        void add(int status, long nanos) {
            if (nAll == all.length) {
                all = Arrays.copyOf(all, all.length * 2);
            }
            all[nAll++] = nanos;
            if (status == 201) {
                booked++;
                if (nOk == ok.length) {
                    ok = Arrays.copyOf(ok, ok.length * 2);
                }
                ok[nOk++] = nanos;
            } else if (status == 409) {
                conflicts++;
            } else {
                errors++;
            }
        }
    }

    @Test
    void measure() throws Exception {
        List<Result> results = new ArrayList<>();
        results.add(run("postgresql"));
        String md = markdown(results);
        System.out.println("\nBENCHMARK\n" + md);
        Files.writeString(Paths.get(System.getProperty("telehub.instances")).resolve("booking-benchmark.md"), md);
        for (Result r : results) {
            assertNull(r.checkError, r.engine + ": the calendars could not be read back");
            assertEquals(0, r.doctorOverlaps, r.engine + ": a doctor holds overlapping visits");
            assertEquals(0, r.patientOverlaps, r.engine + ": a patient holds overlapping visits");
            assertEquals(r.booked + r.warmupBooked, r.listedTotal, r.engine + ": total listed vs 201s");
            assertEquals(r.listedTotal, r.listed, r.engine + ": items paged through vs total");
            assertTrue(r.booked > 0, r.engine + ": nothing was booked");
        }
    }

    private Result run(String engine) throws Exception {
        Result res = new Result();
        res.engine = engine;
        try (KarafInstance k = KarafInstance.create("booking-" + engine)) {
            k.edit("etc/org.telehub.security.cfg", "bootstrapAdminPassword=", "bootstrapAdminPassword=" + PW);
            k.start();
            String admin = k.login("admin", PW);

            // doctors working around the clock, every day, in UTC
            StringBuilder weekly = new StringBuilder();
            for (String day : WEEKDAYS) {
                weekly.append(weekly.length() == 0 ? "" : ",").append('"').append(day)
                        .append("\":[{\"start\":\"00:00\",\"end\":\"24:00\"}]");
            }
            String availability = "{\"timeZone\":\"UTC\",\"slotMinutes\":30,\"weekly\":{" + weekly
                    + "},\"exceptions\":[]}";
            List<String> doctors = new ArrayList<>();
            for (int i = 1; i <= DOCTORS; i++) {
                HttpResponse<String> r = send(k, "POST", "/api/v1/doctors", admin,
                        "{\"displayName\":\"Dr " + i + "\",\"timeZone\":\"UTC\",\"slotMinutes\":30}");
                assertEquals(201, r.statusCode(), r.body());
                String id = KarafInstance.json(r).get("id").asText();
                HttpResponse<String> a = send(k, "PUT", "/api/v1/doctors/" + id + "/availability", admin,
                        availability);
                assertEquals(200, a.statusCode(), a.body());
                doctors.add(id);
            }

            // patients, a few at a time
            ExecutorService setup = Executors.newFixedThreadPool(4);
            List<Future<String>> created = new ArrayList<>();
            for (int i = 1; i <= PATIENTS; i++) {
                String body = "{\"displayName\":\"Patient " + i + "\"}";
                created.add(setup.submit(() -> {
                    HttpResponse<String> r = send(k, "POST", "/api/v1/patients", admin, body);
                    assertEquals(201, r.statusCode(), r.body());
                    return KarafInstance.json(r).get("id").asText();
                }));
            }
            List<String> patients = new ArrayList<>();
            for (Future<String> f : created) {
                patients.add(f.get());
            }
            setup.shutdown();

            Instant base = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(2, ChronoUnit.DAYS);
            if (WARMUP_SECONDS > 0) {
                Recorder[] warm = book(k, admin, doctors, patients, base, WARMUP_SECONDS, null, new double[1]);
                for (Recorder r : warm) {
                    res.warmupBooked += r.booked;
                    res.warmupRequests += r.nAll;
                }
            }
            double[] elapsed = new double[1];
            Map<String, Double> before = costs(k);
            String jfr = System.getProperty("bench.jfr");
            if (jfr != null && !jfr.isBlank()) { // a CPU profile of the hub over the timed phase: bench/booking.sh profile
                Process p = new ProcessBuilder("jcmd", Long.toString(k.pid()), "JFR.start", "name=bench",
                        "settings=profile", "duration=" + SECONDS + "s", "filename=" + jfr).inheritIO().start();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "jcmd JFR.start failed");
            }
            Recorder[] recs = book(k, admin, doctors, patients, base, SECONDS, res, elapsed);
            Map<String, Double> after = costs(k);
            after.forEach((key, v) -> res.cost.put(key, v - before.getOrDefault(key, 0.0)));
            res.seconds = elapsed[0];
            int nAll = 0;
            int nOk = 0;
            for (Recorder r : recs) {
                res.requests += r.nAll;
                res.booked += r.booked;
                res.conflicts += r.conflicts;
                res.errors += r.errors;
                nAll += r.nAll;
                nOk += r.nOk;
            }
            res.all = new long[nAll];
            res.ok = new long[nOk];
            int a = 0;
            int o = 0;
            for (Recorder r : recs) {
                System.arraycopy(r.all, 0, res.all, a, r.nAll);
                a += r.nAll;
                System.arraycopy(r.ok, 0, res.ok, o, r.nOk);
                o += r.nOk;
            }
            Arrays.sort(res.all);
            Arrays.sort(res.ok);

            try {
                checkCalendars(k, admin, res);
            } catch (AssertionError | Exception e) { // still measure and report the other engine
                res.checkError = e.getMessage();
            }

            pgbench(k, k.dbUrl, res);
        }
        return res;
    }

    /**
     * {@code clients} threads book random doctor × patient × slot for {@code seconds}; returns their recorders.
     * {@code res} (null while warming up) collects the first error bodies.
     */
    private static Recorder[] book(KarafInstance k, String token, List<String> doctors, List<String> patients,
            Instant base, int seconds, Result res, double[] elapsed) throws Exception {
        Recorder[] recs = new Recorder[CLIENTS];
        Thread[] threads = new Thread[CLIENTS];
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        URI uri = URI.create(k.url("/api/v1/encounters"));
        for (int t = 0; t < CLIENTS; t++) {
            Recorder rec = new Recorder();
            recs[t] = rec;
            threads[t] = new Thread(() -> {
                try {
                    go.await();
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    while (System.nanoTime() < deadline[0]) {
                        String d = doctors.get(rnd.nextInt(doctors.size()));
                        String p = patients.get(rnd.nextInt(patients.size()));
                        Instant start = base.plus(30L * rnd.nextInt(SLOTS), ChronoUnit.MINUTES);
                        String body = "{\"type\":\"video\",\"doctorId\":\"" + d + "\",\"patientId\":\"" + p
                                + "\",\"scheduledStart\":\"" + start + "\",\"durationMinutes\":30}";
                        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120))
                                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                        long t0 = System.nanoTime();
                        int status;
                        String answer;
                        try {
                            HttpResponse<String> r = HTTP.send(req,
                                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                            status = r.statusCode();
                            answer = r.body();
                        } catch (IOException e) {
                            status = -1;
                            answer = e.toString();
                        }
                        rec.add(status, System.nanoTime() - t0);
                        if (status != 201 && status != 409 && res != null && res.firstErrors.size() < KEEP_ERRORS) {
                            res.firstErrors.add(status + " " + answer);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "booking-client-" + t);
            threads[t].start();
        }
        long t0 = System.nanoTime();
        deadline[0] = t0 + TimeUnit.SECONDS.toNanos(seconds);
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        elapsed[0] = (System.nanoTime() - t0) / 1e9;
        assertTrue(failures.isEmpty(), () -> "client threads failed: " + failures);
        return recs;
    }

    /** Pages through every visit (as the administrator sees them) and counts overlaps per doctor and per patient. */
    private static void checkCalendars(KarafInstance k, String admin, Result res) throws Exception {
        record Visit(String doctor, String patient, Instant start, Instant end) {
        }
        List<Visit> visits = new ArrayList<>();
        long total = -1;
        for (int offset = 0; total < 0 || offset < total; offset += 200) {
            HttpResponse<String> r = send(k, "GET", "/api/v1/encounters?limit=200&offset=" + offset, admin, null);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode page = KarafInstance.json(r);
            total = page.get("total").asLong();
            JsonNode items = page.get("items");
            for (JsonNode e : items) {
                String status = e.path("status").asText();
                if (status.equals("cancelled") || status.equals("no_show") || status.equals("no-show")) {
                    continue; // these hold no time (none expected here)
                }
                visits.add(new Visit(e.get("doctorId").asText(), e.get("patientId").asText(),
                        Instant.parse(e.get("scheduledStart").asText()), Instant.parse(e.get("scheduledEnd").asText())));
            }
            if (items.size() == 0) {
                break;
            }
        }
        res.listed = visits.size();
        res.listedTotal = total;
        res.doctorOverlaps = overlaps(visits, Visit::doctor, Visit::start, Visit::end);
        res.patientOverlaps = overlaps(visits, Visit::patient, Visit::start, Visit::end);
    }

    private static <V> int overlaps(List<V> visits, java.util.function.Function<V, String> owner,
            java.util.function.Function<V, Instant> start, java.util.function.Function<V, Instant> end) {
        Map<String, List<V>> by = new HashMap<>();
        for (V v : visits) {
            by.computeIfAbsent(owner.apply(v), x -> new ArrayList<>()).add(v);
        }
        int n = 0;
        for (List<V> list : by.values()) {
            list.sort(Comparator.comparing(start));
            Instant latestEnd = Instant.MIN;
            for (V v : list) {
                if (start.apply(v).isBefore(latestEnd)) {
                    n++;
                }
                if (end.apply(v).isAfter(latestEnd)) {
                    latestEnd = end.apply(v);
                }
            }
        }
        return n;
    }

    /**
     * The database's ceiling for the same work: pgbench runs the booking transaction the hub runs (lock the doctor,
     * lock the patient, look for an overlap of each, insert unless there is one) on scratch tables of the hub's
     * database, with as many clients as the hub had.
     */
    private static void pgbench(KarafInstance k, String dbUrl, Result res) throws Exception {
        String user = System.getProperty("telehub.test.pg.user", "postgres");
        try (Connection c = DriverManager.getConnection(dbUrl, user, ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bench_doctor (id INT PRIMARY KEY)");
            s.execute("CREATE TABLE bench_patient (id INT PRIMARY KEY)");
            s.execute("CREATE TABLE bench_visit (id BIGSERIAL PRIMARY KEY, doctor_id INT NOT NULL, patient_id INT NOT NULL,"
                    + " start_at TIMESTAMPTZ NOT NULL, end_at TIMESTAMPTZ NOT NULL, UNIQUE (doctor_id, start_at),"
                    + " UNIQUE (patient_id, start_at))");
            s.execute("CREATE INDEX bench_visit_doctor_time ON bench_visit (doctor_id, start_at)");
            s.execute("CREATE INDEX bench_visit_patient_time ON bench_visit (patient_id, start_at)");
            s.execute("INSERT INTO bench_doctor SELECT generate_series(1, " + DOCTORS + ")");
            s.execute("INSERT INTO bench_patient SELECT generate_series(1, " + PATIENTS + ")");
            s.execute("ANALYZE");
        }
        String start = "('2030-01-01'::timestamptz + :k * interval '30 minutes')";
        String end = "(" + start + " + interval '30 minutes')";
        // the hub looks back as far as the longest visit (480 min) for visits that started earlier and still run
        String overlap = " start_at > " + start + " - interval '480 minutes' AND start_at < " + end + " AND end_at > "
                + start;
        String script = "\\set d random(1, " + DOCTORS + ")\n"
                + "\\set p random(1, " + PATIENTS + ")\n"
                + "\\set k random(0, " + (SLOTS - 1) + ")\n"
                + "BEGIN;\n"
                + "SELECT id FROM bench_doctor WHERE id = :d FOR UPDATE;\n"
                + "SELECT id FROM bench_patient WHERE id = :p FOR UPDATE;\n"
                + "SELECT id FROM bench_visit WHERE doctor_id = :d AND" + overlap + " LIMIT 1;\n"
                + "SELECT id FROM bench_visit WHERE patient_id = :p AND" + overlap + " LIMIT 1;\n"
                + "INSERT INTO bench_visit (doctor_id, patient_id, start_at, end_at) SELECT :d, :p, " + start + ", "
                + end + " WHERE NOT EXISTS (SELECT 1 FROM bench_visit WHERE doctor_id = :d AND" + overlap
                + ") AND NOT EXISTS (SELECT 1 FROM bench_visit WHERE patient_id = :p AND" + overlap
                + ") ON CONFLICT DO NOTHING;\n"
                + "COMMIT;\n";
        Path file = k.home.resolve("booking.pgbench");
        Files.writeString(file, script);
        Matcher m = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/([^?]+)").matcher(dbUrl);
        assertTrue(m.find(), dbUrl);
        List<String> cmd = List.of(pgbenchBinary(), "-h", m.group(1), "-p", m.group(2) == null ? "5432" : m.group(2),
                "-U", user, "-n", "-c", Integer.toString(CLIENTS), "-j", "2", "-T", Integer.toString(PGBENCH_SECONDS),
                "-f", file.toString(), m.group(3));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(PGBENCH_SECONDS + 120L, TimeUnit.SECONDS), "pgbench did not finish");
        Files.writeString(k.home.resolve("pgbench.out"), String.join(" ", cmd) + "\n" + out);
        assertEquals(0, p.exitValue(), out);
        Matcher tps = Pattern.compile("tps = ([0-9.]+) \\((without initial connection time|excluding connections"
                + " establishing)\\)").matcher(out);
        assertTrue(tps.find(), out);
        res.pgbenchTps = Double.parseDouble(tps.group(1));
        res.pgbenchLine = tps.group(0);
        try (Connection c = DriverManager.getConnection(dbUrl, user, ""); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM bench_visit")) {
            rs.next();
            res.pgbenchBooked = rs.getLong(1);
        }
    }

    /** pgbench of the newest PostgreSQL installed (Debian's layout), else the one on the PATH. */
    private static String pgbenchBinary() throws IOException {
        Path root = Paths.get("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                Path best = versions.map(v -> v.resolve("bin/pgbench")).filter(Files::isExecutable)
                        .max(Comparator.comparing(v -> versionOf(v.getParent().getParent().getFileName().toString())))
                        .orElse(null);
                if (best != null) {
                    return best.toString();
                }
            }
        }
        return "pgbench";
    }

    private static double versionOf(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static HttpResponse<String> send(KarafInstance k, String method, String path, String token, String json)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(k.url(path))).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token);
        if (json == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /**
     * Counters to say where a booking's cost goes (a profile of the whole machine, not a guess): the hub database's
     * commits, rollbacks and rows written, the cluster's WAL records and syncs (nothing else uses the throwaway
     * cluster meanwhile), and the CPU seconds of the hub's JVM and of every PostgreSQL process (from /proc).
     */
    private static Map<String, Double> costs(KarafInstance k) throws Exception {
        Map<String, Double> m = new LinkedHashMap<>();
        try (Connection c = k.db(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT xact_commit, xact_rollback, tup_inserted, tup_updated,"
                    + " tup_deleted FROM pg_stat_database WHERE datname = current_database()")) {
                rs.next();
                m.put("commits", rs.getDouble(1));
                m.put("rollbacks", rs.getDouble(2));
                m.put("rows inserted", rs.getDouble(3));
                m.put("rows updated", rs.getDouble(4));
                m.put("rows deleted", rs.getDouble(5));
            }
            try (ResultSet rs = s.executeQuery("SELECT wal_records, wal_sync FROM pg_stat_wal")) {
                rs.next();
                m.put("WAL records", rs.getDouble(1));
                m.put("WAL syncs (fdatasync)", rs.getDouble(2));
            }
        }
        double hz = 100.0; // USER_HZ on Linux
        double hub = 0;
        double pg = 0;
        try (var procs = Files.list(Paths.get("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String comm = Files.readString(p.resolve("comm")).trim();
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / hz;
                    if (comm.startsWith("postgres")) {
                        pg += cpu;
                    } else if (Long.parseLong(p.getFileName().toString()) == k.pid()) {
                        hub += cpu;
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended meanwhile
                }
            }
        }
        m.put("CPU s, hub JVM", hub);
        m.put("CPU s, PostgreSQL processes", pg);
        return m;
    }

    // ---- report

    private static String markdown(List<Result> results) throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("# Booking benchmark (issue 6)\n\n");
        md.append("`POST /api/v1/encounters` (video, 30 min) from ").append(CLIENTS).append(" client threads for ")
                .append(SECONDS).append(" s, each picking a random doctor of ").append(DOCTORS)
                .append(" (working 00:00–24:00 UTC every day), a random patient of ").append(PATIENTS)
                .append(" and a random half-hour of days 2–31 from today (").append(SLOTS)
                .append(" slots); one shared HTTP/1.1 client on loopback, administrator's bearer token. 201 = booked, ")
                .append("409 = slot taken (expected), anything else = error. A ").append(WARMUP_SECONDS)
                .append(" s warm-up with the same clients precedes the timed phase; its bookings count in the")
                .append(" calendar check but not in the figures. Afterwards every visit is read back through")
                .append(" `GET /api/v1/encounters` and no doctor and no patient may hold two overlapping visits.\n\n");
        md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs (nproc)");
        String cpu = cpuModel();
        if (cpu != null) {
            md.append(", ").append(cpu);
        }
        md.append("; Java ").append(System.getProperty("java.version")).append(" (")
                .append(System.getProperty("java.vm.name")).append("), hub and clients on the same machine.\n");
        for (Result r : results) {
            md.append("\n## ").append("PostgreSQL")
                    .append("\n\n| measure | value |\n|---|---|\n");
            row(md, "clients", Integer.toString(CLIENTS));
            row(md, "seconds (measured)", f1(r.seconds));
            row(md, "requests", Long.toString(r.requests));
            row(md, "booked (201)", Long.toString(r.booked));
            row(md, "conflicts (409)", Long.toString(r.conflicts));
            row(md, "errors (anything else)", Long.toString(r.errors));
            row(md, "bookings/s (201)", f1(r.booked / r.seconds));
            row(md, "requests/s", f1(r.requests / r.seconds));
            row(md, "latency, all requests: p50 / p99 / max (ms)", lat(r.all));
            row(md, "latency, 201s: p50 / p99 / max (ms)", lat(r.ok));
            row(md, "warm-up (not in the figures): requests / booked", r.warmupRequests + " / " + r.warmupBooked);
            if (r.checkError != null) {
                row(md, "calendar check through GET /api/v1/encounters", "**FAILED**: `"
                        + r.checkError.replace('\n', ' ').replace("`", "'").replace("|", "\\|") + "`");
            } else {
                row(md, "visits read back (total) vs 201s incl. warm-up", r.listedTotal + " vs "
                        + (r.booked + r.warmupBooked));
                row(md, "double-booked: doctor overlaps / patient overlaps", r.doctorOverlaps + " / "
                        + r.patientOverlaps);
            }
            if (r.pgbenchTps != null) {
                row(md, "pgbench, same booking transaction in SQL (" + CLIENTS + " clients, 2 threads, "
                        + PGBENCH_SECONDS + " s, scratch tables)", "`" + r.pgbenchLine + "`, " + r.pgbenchBooked
                        + " rows inserted");
                row(md, "ratio hub requests/s ÷ pgbench tps", String.format(Locale.ROOT, "%.3f",
                        r.requests / r.seconds / r.pgbenchTps));
                row(md, "ratio hub bookings/s ÷ pgbench tps", String.format(Locale.ROOT, "%.3f",
                        r.booked / r.seconds / r.pgbenchTps));
            }
            if (!r.cost.isEmpty() && r.booked > 0) {
                md.append("\nPer booking (201) in the timed phase (counters after minus before; the client threads' own"
                        + " CPU is not counted):\n\n| measure | per booking | total |\n|---|---|---|\n");
                r.cost.forEach((key, v) -> md.append("| ").append(key).append(" | ")
                        .append(String.format(Locale.ROOT, key.startsWith("CPU") ? "%.2f ms" : "%.2f",
                                key.startsWith("CPU") ? v * 1000 / r.booked : v / r.booked))
                        .append(" | ").append(String.format(Locale.ROOT, "%.1f", v)).append(" |\n"));
            }
            if (!r.firstErrors.isEmpty()) {
                md.append("\nFirst error answers:\n\n");
                for (String e : r.firstErrors) {
                    md.append("- `").append(e.replace('\n', ' ').replace("`", "'")).append("`\n");
                }
            }
        }
        return md.toString();
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String f1(double x) {
        return String.format(Locale.ROOT, "%.1f", x);
    }

    /** p50 / p99 / max of sorted nanosecond latencies, in ms (nearest rank). */
    private static String lat(long[] sorted) {
        if (sorted.length == 0) {
            return "n/a";
        }
        return ms(rank(sorted, 0.50)) + " / " + ms(rank(sorted, 0.99)) + " / " + ms(sorted[sorted.length - 1]);
    }

    private static long rank(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return null;
    }
}
