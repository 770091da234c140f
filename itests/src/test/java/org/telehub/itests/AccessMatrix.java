package org.telehub.itests;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The authorisation matrix (issue 14): every operation the hub offers × every role × relationship → the expected
 * answer, from a rule table in the test resources ({@code access-matrix.rules}, its header says the format).
 *
 * <p>The table is not REST-specific: an operation is {@code <channel> <name>}. The REST channel's operations are
 * generated from {@code /api/v1/openapi.json} and every one must have a block ("route X has no authorisation
 * rule"); a later channel (WebSocket message types, WADO-RS, join pages, metrics, the console plugin) adds its
 * blocks to the same file and a {@link Channel} that sends one request, and lists its operations the same way.
 *
 * <p>Relations: {@code care} — the role's caller has a care relationship with patient A and asks about A (for
 * patients: A's own account; roles without relationships: their one account); {@code other} — the same caller asks
 * about patient B, not in their care; {@code none} — another caller of the role, with no relationship, asks about
 * A. Expectations: status codes ({@code 404}, {@code 400|422}); {@code pass} — the request got past
 * authorisation (not 401/403, not a "does not exist for you" 404); {@code hidden} — 200 and nothing of A or B in
 * it. Every answer not expected to {@code pass} must carry nothing of A or B (a leak fails the cell).
 */
final class AccessMatrix {
    static final List<String> RELATIONS = List.of("care", "none", "other");
    /** The 404s that mean "does not exist for you" (the domain's wording), not "you asked for something absent". */
    static final List<String> PRIVATE_404 = List.of("No patient ", "No encounter ", "No delivery ", "No study ",
            "No retrieved instance ", "No attachment ", "No message ", "No conversation ", "No upload ", "No report ");

    record Rule(Set<String> roles, Set<String> relations, String expect) {
        boolean matches(String role, String relation) {
            return (roles.contains("*") || roles.contains(role)) && (relations.contains("*")
                    || relations.contains(relation));
        }
    }

    /** One operation: its channel and name, how to call it (templates with $variables), its rules in order. */
    record Operation(String channel, String name, Map<String, String> request, List<Rule> rules) {
        String key() {
            return channel + " " + name;
        }

        /** The first rule for the cell, or null. */
        String expect(String role, String relation) {
            return rules.stream().filter(r -> r.matches(role, relation)).map(Rule::expect).findFirst().orElse(null);
        }
    }

    record Answer(int status, String body) {
    }

    /** Sends one operation's request as a caller; {@code vars} resolves the templates. */
    interface Channel {
        Answer call(Operation op, String token, Map<String, String> vars) throws IOException;
    }

    private AccessMatrix() {
    }

    static List<Operation> load(String resource) throws IOException {
        try (InputStream in = AccessMatrix.class.getResourceAsStream(resource)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static List<Operation> parse(String text) {
        List<Operation> ops = new ArrayList<>();
        Operation current = null;
        int n = 0;
        for (String raw : text.split("\n")) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!Character.isWhitespace(raw.charAt(0))) {
                String[] head = line.split("\\s+", 2);
                current = new Operation(head[0], head[1].strip(), new LinkedHashMap<>(), new ArrayList<>());
                ops.add(current);
                continue;
            }
            if (current == null) {
                throw new IllegalArgumentException("line " + n + ": a rule before any operation");
            }
            if (line.startsWith("request ")) {
                for (String kv : line.substring(8).strip().split("\\s+(?=[A-Za-z.]+=)")) {
                    int eq = kv.indexOf('=');
                    current.request().put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length != 3) {
                throw new IllegalArgumentException("line " + n + ": '<roles> <relations> <expect>' expected: " + line);
            }
            current.rules().add(new Rule(Set.of(f[0].split(",")), Set.of(f[1].split(",")), f[2]));
        }
        return ops;
    }

    /** The REST operations of an OpenAPI document, as {@code rest METHOD /path}. */
    static Set<String> restOperations(JsonNode openApi) {
        Set<String> out = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> p = openApi.get("paths").fields(); p.hasNext();) {
            Map.Entry<String, JsonNode> path = p.next();
            path.getValue().fieldNames().forEachRemaining(m -> out.add("rest " + m.toUpperCase() + " "
                    + path.getKey()));
        }
        return out;
    }

    /** The message types of the realtime channel, as {@code ws <type>}, from a {@code welcome} frame. */
    static Set<String> socketOperations(JsonNode welcome) {
        Set<String> out = new TreeSet<>();
        welcome.path("data").path("types").forEach(t -> out.add("ws " + t.asText()));
        return out;
    }

    /** What is offered but has no rule, and rules that name nothing offered. */
    static List<String> coverage(Set<String> offered, String channel, List<Operation> ops) {
        Set<String> ruled = new LinkedHashSet<>();
        ops.stream().filter(o -> o.channel().equals(channel)).forEach(o -> ruled.add(o.key()));
        List<String> out = new ArrayList<>();
        offered.stream().filter(o -> !ruled.contains(o)).forEach(o -> out.add("route " + o
                + " has no authorisation rule"));
        ruled.stream().filter(o -> !offered.contains(o)).forEach(o -> out.add("rule for " + o
                + " names no route the hub offers"));
        return out;
    }

    /** Whether the answer meets the expectation; null if it does, else why not. */
    static String check(String expect, Answer a, List<String> markers) {
        return check(expect, a, markers, List.of());
    }

    /**
     * As above; a {@code hidden} answer must also carry none of {@code ids} (A's and B's encounter and attachment ids:
     * a list that leaves out what is not the caller's must not name it).
     */
    static String check(String expect, Answer a, List<String> markers, List<String> ids) {
        boolean leaked = markers.stream().anyMatch(a.body()::contains);
        if (expect.equals("pass")) {
            if (a.status() == 401 || a.status() == 403 || (a.status() == 404 && privateNotFound(a.body()))) {
                return "refused (" + a.status() + "), expected to pass authorisation: " + cut(a.body());
            }
            return null;
        }
        if (leaked) {
            return "LEAK: " + a.status() + " carries patient data: " + cut(a.body());
        }
        if (expect.equals("hidden")) {
            if (ids.stream().anyMatch(a.body()::contains)) {
                return "LEAK: a hidden answer names A's or B's records: " + cut(a.body());
            }
            return a.status() == 200 ? null : "expected 200 without patient data, got " + a.status() + ": "
                    + cut(a.body());
        }
        if (Arrays.stream(expect.split("\\|")).noneMatch(s -> s.equals(String.valueOf(a.status())))) {
            return "expected " + expect + ", got " + a.status() + ": " + cut(a.body());
        }
        return null;
    }

    private static boolean privateNotFound(String body) {
        try {
            String detail = KarafInstance.JSON.readTree(body).path("detail").asText("");
            return PRIVATE_404.stream().anyMatch(detail::startsWith);
        } catch (IOException e) {
            return false;
        }
    }

    static String resolve(String template, Map<String, String> vars) {
        String out = template;
        // longest names first, so $patientName is not read as $patient + "Name"
        List<String> names = new ArrayList<>(vars.keySet());
        names.sort((x, y) -> y.length() - x.length());
        for (String v : names) {
            out = out.replace("$" + v, vars.get(v));
        }
        return out;
    }

    private static String cut(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }
}
