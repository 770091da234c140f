package org.telehub.directory.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.PeopleService;
import org.telehub.directory.Directory;
import org.telehub.directory.Diseases;
import org.telehub.persistence.TestDatabases;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.work.WorkItem;
import org.telehub.work.WorkRequest;
import org.telehub.work.WorkService;
import org.telehub.work.WorkState;

/**
 * {@code bench/directory.sh}: doctor search over 10,000 doctors and 100,000 reviews with combined filters, and the
 * formulary's prefix search over 20,000 medicines, through {@link DirectoryImpl} on PostgreSQL (JDBC and the
 * database; the REST layer is not in it). Beside each, in the same run, the reference: the same filters with the words
 * matched by an unindexed {@code ILIKE '%word%'} scan of the same normalised text, so the ratio is what the full-text
 * index buys. Connections are pooled (HikariCP), as the hub's are. Writes {@code target/directory-benchmark.md}.
 */
class DirectoryBenchmark {
    static final String[] FIRST = {"Ali", "Reza", "Maryam", "Sara", "Mohammad", "Fatemeh", "Hossein", "Zahra", "John",
        "Anna", "Ivan", "Olga", "Maria", "James", "Elena", "Dmitri", "علی", "رضا", "مریم", "سارا", "محمد", "فاطمه",
        "حسین", "زهرا", "علی‌رضا", "کریم", "نگار", "پریسا", "امیر", "مهدی"};
    static final String[] LAST = {"Karimi", "Ahmadi", "Hosseini", "Rezaei", "Moradi", "Smith", "Ivanov", "Petrova",
        "Johnson", "Kuznetsov", "Sokolova", "کریمی", "احمدی", "حسینی", "رضایی", "مرادی", "جعفری", "صادقی", "کاظمی",
        "رحیمی", "محمدی", "نوری", "تهرانی", "شیرازی", "Brown", "Garcia", "Müller", "Novak", "Popescu", "Kowalski"};
    static final String[] LANGS = {"en", "fa", "ru", "ar", "de", "fr", "tr"};

    @Test
    void searchOverTenThousandDoctors() throws Exception {
        assumeTrue(Boolean.getBoolean("bench.directory"), "run by bench/directory.sh");
        int doctors = Integer.getInteger("bench.doctors", 10_000);
        int reviews = Integer.getInteger("bench.reviews", 100_000);
        int medicines = Integer.getInteger("bench.medicines", 20_000);
        int queries = Integer.getInteger("bench.queries", 400);
        // pooled, as the hub's Database is (a new PostgreSQL connection costs ~30 ms here)
        com.zaxxer.hikari.HikariConfig pool = new com.zaxxer.hikari.HikariConfig();
        pool.setDataSource(TestDatabases.postgres());
        pool.setMaximumPoolSize(4);
        Jdbi jdbi = Jdbi.create(new com.zaxxer.hikari.HikariDataSource(pool));
        for (String m : new String[] {"/db/migration/encounter/V1__encounters.sql",
                "/db/migration/directory/V1__directory.sql",
                "/db/migration/directory/V2__insurance_follows_diseases.sql"}) {
            try (InputStream in = getClass().getResourceAsStream(m)) {
                String sql = new String(in.readAllBytes(), UTF_8);
                jdbi.useHandle(h -> h.createScript(sql).execute());
            }
        }
        Random random = new Random(19);
        long t0 = System.nanoTime();
        jdbi.useTransaction(h -> {
            var batch = h.prepareBatch("INSERT INTO encounter_doctor (id, display_name, clinic, time_zone,"
                    + " slot_minutes, created_at) VALUES (:id, :n, :c, 'UTC', 30, now())");
            for (int i = 0; i < doctors; i++) {
                batch.bind("id", "d-" + i).bind("n", FIRST[random.nextInt(FIRST.length)] + " "
                        + LAST[random.nextInt(LAST.length)]).bind("c", "Clinic " + (i % 40)).add();
            }
            batch.execute();
        });
        AuthenticatedUser reader = new AuthenticatedUser(1, "bench", "Bench", Set.of("patient"));
        DirectoryImpl dir = new DirectoryImpl(jdbi, proxy(EncounterService.class), proxy(PeopleService.class),
                proxy(AuditLog.class), Clock.systemUTC());
        dir.sync(); // profiles and clinics for every doctor
        List<String> codes = dir.specialities(reader).stream().map(Directory.Speciality::code).toList();
        jdbi.useTransaction(h -> {
            var spec = h.prepareBatch("INSERT INTO directory_doctor_speciality (code, doctor_id) VALUES (:c, :d) ON"
                    + " CONFLICT DO NOTHING");
            var prof = h.prepareBatch("UPDATE directory_profile SET languages = CAST(:l AS VARCHAR(8)[]),"
                    + " visit_types = CAST(:v AS JSONB) WHERE doctor_id = :d");
            for (int i = 0; i < doctors; i++) {
                for (int k = 0; k < 1 + random.nextInt(2); k++) {
                    spec.bind("c", codes.get(random.nextInt(codes.size()))).bind("d", "d-" + i).add();
                }
                prof.bind("l", "{" + LANGS[random.nextInt(3)] + "," + LANGS[random.nextInt(LANGS.length)] + "}")
                        .bind("v", random.nextBoolean() ? "[{\"type\":\"video\",\"fee\":40,\"currency\":\"EUR\"}]"
                                : "[{\"type\":\"in-person\"},{\"type\":\"chat\"}]").bind("d", "d-" + i).add();
            }
            spec.execute();
            prof.execute();
            List<String> all = new ArrayList<>();
            for (int i = 0; i < doctors; i++) {
                all.add("d-" + i);
                if (all.size() == 5000 || i == doctors - 1) {
                    DirectoryImpl.reindex(h, all);
                    all.clear();
                }
            }
            h.createUpdate("INSERT INTO directory_review (id, encounter_id, doctor_id, patient_id, author_name,"
                    + " rating, text, hidden, created_at) SELECT 'r-' || g, 'e-' || g, 'd-' || (g % :n), 'p-' || g,"
                    + " 'Reviewer', 1 + (g * 7919 + g / 3) % 5, 'text', g % 50 = 0, now() - g * interval '1 minute'"
                    + " FROM generate_series(1, :reviews) g").bind("n", doctors).bind("reviews", reviews).execute();
            h.execute("UPDATE directory_profile p SET rating_count = r.c, rating_sum = r.s FROM (SELECT doctor_id,"
                    + " count(*) c, sum(rating) s FROM directory_review WHERE NOT hidden GROUP BY doctor_id) r"
                    + " WHERE r.doctor_id = p.doctor_id");
        });
        AuthenticatedUser admin = new AuthenticatedUser(2, "admin", "Admin", Set.of("admin"));
        StringBuilder csv = new StringBuilder("name,strength,form,route,atc\n");
        String[] stems = {"Amoxi", "Parace", "Ibupro", "Metfor", "Atorva", "Omepra", "Losar", "Amlodi", "Levothy",
            "Salbu", "Predni", "Cipro", "Azithro", "Warfa", "Insu", "Diclo", "Gaba", "Sertra", "Fluox", "Clopi"};
        String[] ends = {"cillin", "tamol", "fen", "min", "statin", "zole", "tan", "pine", "xine", "tamol", "sone",
            "floxacin", "mycin", "rin", "lin", "fenac", "pentin", "line", "etine", "dogrel"};
        String[] forms = {"tablet", "capsule", "syrup", "injection", "cream"};
        for (int i = 0; i < medicines; i++) {
            csv.append(stems[random.nextInt(stems.length)]).append(ends[random.nextInt(ends.length)]).append(i / 400)
                    .append(',').append(5 * (1 + random.nextInt(200))).append(" mg,").append(forms[i % forms.length])
                    .append(",oral,\n");
        }
        Directory.ImportResult imported = dir.importMedicines(admin, csv.toString(), false);
        jdbi.useHandle(h -> h.execute("ANALYZE"));
        double seedSeconds = (System.nanoTime() - t0) / 1e9;

        // the queries: a prefix of a doctor's name (Latin or Persian), with speciality, language and rating filters
        List<Directory.Search> combined = new ArrayList<>();
        List<Directory.Search> wordsOnly = new ArrayList<>();
        List<Directory.Search> filtersOnly = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
            String name = LAST[random.nextInt(LAST.length)];
            String prefix = name.substring(0, Math.min(name.length(), 3 + random.nextInt(3)));
            String spec = codes.get(random.nextInt(codes.size()));
            String lang = LANGS[random.nextInt(3)];
            combined.add(new Directory.Search(prefix, spec, null, lang, 3, null, null, null, 0, 20));
            wordsOnly.add(new Directory.Search(FIRST[random.nextInt(FIRST.length)] + " " + prefix, null, null, null,
                    null, null, null, null, 0, 20));
            filtersOnly.add(new Directory.Search(null, spec, null, lang, 4, "video", null, null, 0, 20));
        }
        List<String> medQueries = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
            String stem = stems[random.nextInt(stems.length)];
            medQueries.add(stem.substring(0, 2 + random.nextInt(3)).toLowerCase(Locale.ROOT));
        }
        StringBuilder md = new StringBuilder();
        md.append("Seeded in ").append(String.format("%.0f", seedSeconds)).append(" s: ").append(doctors)
                .append(" doctors, ").append(reviews).append(" reviews, ").append(imported.imported())
                .append(" medicines; ").append(queries).append(" queries of each kind after 100 of warm-up, one at a"
                        + " time.\n\n| query | indexed p50 | indexed p95 | reference p95 (ILIKE scan) | ratio p95 |\n"
                        + "|---|---|---|---|---|\n");
        row(md, "doctors: name prefix + speciality + language + rating ≥ 3", combined, s -> dir.search(reader, s),
                s -> reference(jdbi, s));
        row(md, "doctors: two words (first name + surname prefix)", wordsOnly, s -> dir.search(reader, s),
                s -> reference(jdbi, s));
        row(md, "doctors: speciality + language + rating ≥ 4 + video (no words)", filtersOnly,
                s -> dir.search(reader, s), s -> reference(jdbi, s));
        row(md, "formulary: prefix of a medicine's name", medQueries, q -> dir.medicines(reader, q, 0, 20),
                q -> jdbi.withHandle(h -> h.createQuery("SELECT id FROM directory_medicine WHERE search_text ILIKE"
                        + " :p ORDER BY name, strength, form, route LIMIT 20").bind("p", "%" + q + "%")
                        .mapTo(String.class).list()));
        diseases(md, jdbi, reader, admin, random, Integer.getInteger("bench.diseases", 72_000), queries);
        Files.writeString(Path.of("target/directory-benchmark.md"), md.toString());
        System.out.println(md);
    }

    static final String[] DISEASE_WORDS = {"diabetes", "mellitus", "hypertension", "asthma", "fracture", "infection",
        "chronic", "acute", "unspecified", "complications", "kidney", "disease", "pulmonary", "obstructive", "bacterial",
        "viral", "pneumonia", "anemia", "deficiency", "syndrome", "disorder", "neoplasm", "malignant", "benign", "left",
        "right", "upper", "lower", "limb", "encounter", "initial", "subsequent", "sequela", "without", "with", "due"};

    /**
     * ICD-10 search over a code set the size of ICD-10-CM (synthetic codes and names: no real code set is reachable
     * here), imported through the real import path (its throughput reported), with a Persian translation of a third.
     */
    private static void diseases(StringBuilder md, Jdbi jdbi, AuthenticatedUser reader, AuthenticatedUser admin,
            Random random, int count, int queries) throws Exception {
        StringBuilder file = new StringBuilder();
        StringBuilder fa = new StringBuilder("code,name\n");
        java.util.Set<String> seen = new java.util.HashSet<>();
        int order = 0;
        while (seen.size() < count) {
            String code = (char) ('A' + random.nextInt(26)) + String.format("%02d", random.nextInt(100))
                    + Integer.toString(random.nextInt(36 * 36 * 36), 36).toUpperCase(Locale.ROOT);
            if (code.length() > 7 || !seen.add(code)) {
                continue;
            }
            StringBuilder name = new StringBuilder();
            for (int w = 0; w < 3 + random.nextInt(5); w++) {
                name.append(w == 0 ? "" : " ").append(DISEASE_WORDS[random.nextInt(DISEASE_WORDS.length)]);
            }
            file.append(String.format("%05d %-7s %s %-60s %s%n", ++order, code, code.length() > 3 ? "1" : "0",
                    name.length() > 60 ? name.substring(0, 60) : name, name));
            if (order % 3 == 0) {
                fa.append(DiseaseImports.dotted(code)).append(",بیماری ").append(LAST[random.nextInt(6)]).append(" ")
                        .append(order).append('\n');
            }
        }
        List<WorkRequest> submitted = new ArrayList<>();
        WorkService work = (WorkService) Proxy.newProxyInstance(DirectoryBenchmark.class.getClassLoader(),
                new Class<?>[] {WorkService.class}, (p, m, args) -> {
                    submitted.add((WorkRequest) args[1]);
                    return "w";
                });
        DiseasesImpl diseases = new DiseasesImpl(jdbi, work, Clock.systemUTC());
        DiseaseImports runner = new DiseaseImports(jdbi);
        long t0 = System.nanoTime();
        for (String[] f : new String[][] {{"icd10cm-order", null, file.toString()}, {"csv", "fa", fa.toString()}}) {
            Diseases.ImportJob job = diseases.startImport(admin, new Diseases.ImportRequest(f[0], f[1], f[2]));
            runner.handle(new WorkItem("w", DiseaseImports.TOPIC, "diseases", job.id(), WorkState.RUNNING, 1, null,
                    null, null, Instant.now(), Instant.now(), null));
        }
        double importSeconds = (System.nanoTime() - t0) / 1e9;
        jdbi.useHandle(h -> h.execute("ANALYZE"));
        List<String> codeQueries = new ArrayList<>();
        List<String> wordQueries = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
            codeQueries.add((char) ('A' + random.nextInt(26)) + String.format("%02d", random.nextInt(100)));
            String w1 = DISEASE_WORDS[random.nextInt(DISEASE_WORDS.length)];
            String w2 = DISEASE_WORDS[random.nextInt(DISEASE_WORDS.length)];
            wordQueries.add(w1.substring(0, Math.min(w1.length(), 4)) + " " + w2.substring(0, Math.min(w2.length(), 3)));
        }
        md.append(String.format("%n%d diseases and %d Persian names imported through the import's slices in %.1f s"
                + " (%.0f rows/s).%n%n| query | indexed p50 | indexed p95 | reference p95 (scan) | ratio p95 |%n"
                + "|---|---|---|---|---|%n", count, count / 3, importSeconds, (count + count / 3) / importSeconds));
        row(md, "ICD-10: code prefix (E11)", codeQueries, q -> diseases.search(reader, q, null, 0, 20),
                q -> jdbi.withHandle(h -> h.createQuery("SELECT code FROM directory_disease WHERE lower(code) LIKE"
                        + " lower(:p) ORDER BY code LIMIT 20").bind("p", q + "%").mapTo(String.class).list()));
        row(md, "ICD-10: two word prefixes, edition and translations", wordQueries,
                q -> diseases.search(reader, q, "fa", 0, 20), q -> jdbi.withHandle(h -> h.createQuery("SELECT code"
                        + " FROM directory_disease WHERE name ILIKE :a AND name ILIKE :b ORDER BY billable DESC, code"
                        + " LIMIT 20").bind("a", "%" + q.split(" ")[0] + "%").bind("b", "%" + q.split(" ")[1] + "%")
                        .mapTo(String.class).list()));
    }

    /** The same filters, the words matched by an unindexed scan. */
    private static Object reference(Jdbi jdbi, Directory.Search s) {
        StringBuilder sql = new StringBuilder("SELECT d.id FROM directory_profile p JOIN encounter_doctor d ON d.id ="
                + " p.doctor_id WHERE TRUE");
        List<String> words = s.q() == null ? List.of() : Arrays.stream(Normaliser.text(s.q()).split("\\s+"))
                .filter(w -> !w.isEmpty()).toList();
        for (int i = 0; i < words.size(); i++) {
            sql.append(" AND p.search_text ILIKE :w").append(i);
        }
        if (s.speciality() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM directory_doctor_speciality ds WHERE ds.doctor_id = p.doctor_id"
                    + " AND ds.code = :spec)");
        }
        if (s.language() != null) {
            sql.append(" AND :lang = ANY (p.languages)");
        }
        if (s.minRating() != null) {
            sql.append(" AND p.rating_count > 0 AND p.rating_sum >= :min * p.rating_count");
        }
        if (s.visitType() != null) {
            sql.append(" AND p.visit_types::text LIKE :vt");
        }
        sql.append(" ORDER BY CASE WHEN p.rating_count = 0 THEN 0 ELSE p.rating_sum::float / p.rating_count END"
                + " DESC, d.display_name, d.id LIMIT 21");
        return jdbi.withHandle(h -> {
            var q = h.createQuery(sql.toString());
            for (int i = 0; i < words.size(); i++) {
                q.bind("w" + i, "%" + words.get(i) + "%");
            }
            if (s.speciality() != null) {
                q.bind("spec", s.speciality());
            }
            if (s.language() != null) {
                q.bind("lang", s.language());
            }
            if (s.minRating() != null) {
                q.bind("min", s.minRating());
            }
            if (s.visitType() != null) {
                q.bind("vt", "%\"" + s.visitType() + "\"%");
            }
            return q.mapTo(String.class).list();
        });
    }

    private static <T> void row(StringBuilder md, String name, List<T> inputs, java.util.function.Function<T, ?> a,
            java.util.function.Function<T, ?> b) {
        for (int i = 0; i < 100; i++) {
            a.apply(inputs.get(i % inputs.size()));
            b.apply(inputs.get(i % inputs.size()));
        }
        long[] ta = new long[inputs.size()];
        long[] tb = new long[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) { // interleaved, so both see the same machine
            ta[i] = time(inputs.get(i), a);
            tb[i] = time(inputs.get(i), b);
        }
        Arrays.sort(ta);
        Arrays.sort(tb);
        double a95 = ms(ta[(int) (ta.length * 0.95)]);
        double b95 = ms(tb[(int) (tb.length * 0.95)]);
        md.append(String.format("| %s | %.2f ms | %.2f ms | %.2f ms | %.3f |%n", name, ms(ta[ta.length / 2]), a95, b95,
                a95 / b95));
    }

    private static <T> long time(T input, java.util.function.Function<T, ?> f) {
        long t = System.nanoTime();
        f.apply(input);
        return System.nanoTime() - t;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type) {
        return (T) Proxy.newProxyInstance(DirectoryBenchmark.class.getClassLoader(), new Class<?>[] {type},
                (p, m, args) -> {
                    throw new UnsupportedOperationException(m.getName());
                });
    }
}
