package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Doctors, patients and racing bookings through the REST API of a running hub; shared by the suites and benchmarks. */
final class Scheduling {
    private Scheduling() {
    }

    /** A doctor working around the clock in UTC (30-minute slots); returns the id. */
    static String doctor(KarafInstance k, String admin, String name, String username) throws IOException {
        HttpResponse<String> r = k.post("/api/v1/doctors", admin, "application/json",
                "{\"displayName\":\"" + name + "\",\"timeZone\":\"UTC\",\"slotMinutes\":30"
                        + (username == null ? "" : ",\"username\":\"" + username + "\"") + "}");
        assertEquals(201, r.statusCode(), r.body());
        String id = KarafInstance.json(r).get("id").asText();
        aroundTheClock(k, admin, id);
        return id;
    }

    /** The doctor works every day from 00:00 to 24:00 UTC, in 30-minute slots. */
    static void aroundTheClock(KarafInstance k, String admin, String id) throws IOException {
        StringBuilder weekly = new StringBuilder();
        for (String d : List.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")) {
            weekly.append(weekly.length() == 0 ? "" : ",").append('"').append(d)
                    .append("\":[{\"start\":\"00:00\",\"end\":\"24:00\"}]");
        }
        HttpResponse<String> a = k.put("/api/v1/doctors/" + id + "/availability", admin,
                "{\"timeZone\":\"UTC\",\"slotMinutes\":30,\"weekly\":{" + weekly + "},\"exceptions\":[]}");
        assertEquals(200, a.statusCode(), a.body());
    }

    static String patient(KarafInstance k, String admin, String name, String username) throws IOException {
        HttpResponse<String> r = k.post("/api/v1/patients", admin, "application/json",
                "{\"displayName\":\"" + name + "\"" + (username == null ? "" : ",\"username\":\"" + username + "\"")
                        + "}");
        assertEquals(201, r.statusCode(), r.body());
        return KarafInstance.json(r).get("id").asText();
    }

    static String visit(String doctor, String patient, Instant start, int minutes) {
        return "{\"type\":\"video\",\"doctorId\":\"" + doctor + "\",\"patientId\":\"" + patient
                + "\",\"scheduledStart\":\"" + start + "\",\"durationMinutes\":" + minutes + "}";
    }

    /** Midnight UTC two days from now plus {@code hours}. */
    static Instant dayAfterTomorrow(int hours) {
        return Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(2)).plus(Duration.ofHours(hours));
    }

    /** POSTs all bodies at once (released together); returns the status codes. */
    static List<Integer> race(KarafInstance k, String token, List<String> bodies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(bodies.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> out = new ArrayList<>();
        for (String b : bodies) {
            out.add(pool.submit(() -> {
                go.await();
                return k.post("/api/v1/encounters", token, "application/json", b);
            }));
        }
        go.countDown();
        List<Integer> codes = new ArrayList<>();
        for (Future<HttpResponse<String>> f : out) {
            HttpResponse<String> r = f.get();
            if (r.statusCode() != 201 && r.statusCode() != 409) {
                throw new AssertionError("a racing booking got " + r.statusCode() + ": " + r.body());
            }
            codes.add(r.statusCode());
        }
        pool.shutdown();
        return codes;
    }

    /**
     * Sixteen simultaneous bookings of one doctor's slot (different patients), sixteen of overlapping times, and one
     * patient at sixteen doctors at once: exactly one of each wins, the rest get 409.
     */
    static void raceForSlots(KarafInstance k, String admin, String tag) throws Exception {
        String d = doctor(k, admin, "Dr Race " + tag, null);
        List<String> same = new ArrayList<>();
        List<String> overlapping = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            same.add(visit(d, patient(k, admin, "P" + i, null), dayAfterTomorrow(9), 30));
            overlapping.add(visit(d, patient(k, admin, "Q" + i, null), dayAfterTomorrow(12).plusSeconds(60L * i), 30));
        }
        List<Integer> a = race(k, admin, same);
        assertEquals(1, a.stream().filter(s -> s == 201).count(), a.toString());
        List<Integer> b = race(k, admin, overlapping);
        assertEquals(1, b.stream().filter(s -> s == 201).count(), b.toString());
        String p = patient(k, admin, "Busy " + tag, null);
        List<String> onePatient = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            onePatient.add(visit(doctor(k, admin, "Dr " + tag + i, null), p, dayAfterTomorrow(15), 30));
        }
        List<Integer> c = race(k, admin, onePatient);
        assertEquals(1, c.stream().filter(s -> s == 201).count(), c.toString());
        HttpResponse<String> list = k.get("/api/v1/encounters?doctorId=" + d, admin);
        assertEquals(2, KarafInstance.json(list).get("total").asInt(), list.body());
    }
}
