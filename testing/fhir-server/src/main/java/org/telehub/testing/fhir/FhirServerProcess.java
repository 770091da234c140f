package org.telehub.testing.fhir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A {@link FhirServer} in a child JVM ({@link FhirServerMain}), so that a test's own JVM neither loads HAPI's
 * 260 jars nor gives it a gigabyte of heap. Stopped on {@link #close()} and at the test JVM's exit; the child
 * also stops by itself when this JVM dies, since its stdin then reaches end of file.
 *
 * <p>Uses the JDK only: a module may depend on this artifact with every transitive dependency excluded. The
 * child's class path is the list of dependency jars in the local Maven repository that this module's build
 * wrote into the jar ({@value #CLASSPATH_RESOURCE}), plus the location of this class.
 */
public final class FhirServerProcess implements AutoCloseable {

    /** Class path of the server, one build-time list of absolute paths separated by the platform separator. */
    public static final String CLASSPATH_RESOURCE = "/org/telehub/testing/fhir/classpath.txt";
    /**
     * How long {@link #start(Path)} waits for the server: 180 s unless {@code telehub.fhir.server.startTimeoutSeconds}
     * says otherwise (on 2 shared cores under load, HAPI has needed more than 120 s).
     */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(
            Long.getLong("telehub.fhir.server.startTimeoutSeconds", 180));

    /**
     * System property with more options for the server's JVM, separated by spaces; they come after the
     * defaults, so they win (e.g. {@code -Xmx1g}, or {@code -XX:TieredStopAtLevel=4} for a long load test).
     */
    public static final String JVM_OPTIONS_PROPERTY = "telehub.fhir.server.jvmOptions";
    /**
     * The server's JVM options. Client compiler only: the server starts in half the time (measured 12 to 20 s
     * against 25 to 39 s with C2 on two shared cores) and its requests are fast enough for tests. Serial GC: fewer
     * threads and less memory than G1 on a small machine.
     */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of(
            "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");

    private static final String MAIN = "org.telehub.testing.fhir.FhirServerMain";
    private static final String BASE_PREFIX = "FHIR_BASE=";
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 60;
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static FhirServerProcess shared;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(LIVE).forEach(FhirServerProcess::stop),
                "telehub-fhir-server-cleanup"));
    }

    private final Process process;
    private final Path log;
    private final String baseUrl;
    private final Duration startTime;
    private final boolean sharedInstance;

    private FhirServerProcess(Process process, Path log, String baseUrl, Duration startTime,
            boolean sharedInstance) {
        this.process = process;
        this.log = log;
        this.baseUrl = baseUrl;
        this.startTime = startTime;
        this.sharedInstance = sharedInstance;
    }

    /**
     * Starts a server with an empty database and waits until it answers (at most {@link #START_TIMEOUT}).
     * {@code workDir} receives the child's log ({@code fhir-server.log}) and its argument file.
     *
     * @throws IllegalStateException if the server did not start in time or exited; the message holds the
     *         tail of its log
     */
    public static FhirServerProcess start(Path workDir) {
        return start(workDir, false);
    }

    /**
     * One server for the whole test JVM (a surefire fork runs every test class of a module), started at the
     * first call in {@code target/fhir-server} of the working directory and stopped when the JVM exits. Its
     * {@link #close()} does nothing, so tests may use it in try-with-resources like their own. Tests sharing it
     * must not rely on an empty database: use unique identifiers.
     */
    public static synchronized FhirServerProcess shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start(Path.of("target", "fhir-server").toAbsolutePath(), true);
        }
        return shared;
    }

    private static FhirServerProcess start(Path dir, boolean sharedInstance) {
        long begin = System.nanoTime();
        Path workDir = dir.toAbsolutePath();
        try {
            Files.createDirectories(workDir);
            Path log = workDir.resolve("fhir-server.log");
            Path argFile = workDir.resolve("fhir-server.args");
            List<String> args = new ArrayList<>(DEFAULT_JVM_OPTIONS);
            for (String extra : System.getProperty(JVM_OPTIONS_PROPERTY, "").trim().split("\\s+")) {
                if (!extra.isEmpty()) {
                    args.add(quoted(extra));
                }
            }
            args.addAll(List.of("-cp", quoted(classpath()), MAIN));
            Files.write(argFile, args, StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(javaExecutable(), "@" + argFile)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                    .start();
            LIVE.add(process);
            String baseUrl;
            try {
                baseUrl = awaitBaseUrl(process, log);
            } catch (IOException | RuntimeException | Error e) {
                stop(process);
                throw e;
            }
            return new FhirServerProcess(process, log, baseUrl, Duration.ofNanos(System.nanoTime() - begin),
                    sharedInstance);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the FHIR server in " + workDir, e);
        }
    }

    private static String awaitBaseUrl(Process process, Path log) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            String base = findBaseUrl(log);
            if (base != null) {
                return base;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("FHIR server exited with code " + process.exitValue()
                        + " before it started; end of " + log + ":\n" + tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("FHIR server did not start within " + START_TIMEOUT.toSeconds()
                        + " s; end of " + log + ":\n" + tail(log));
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the FHIR server was starting", e);
            }
        }
    }

    private static String findBaseUrl(Path log) throws IOException {
        if (!Files.exists(log)) {
            return null;
        }
        String output = Files.readString(log, StandardCharsets.ISO_8859_1);
        // complete lines only: the line may be half written
        for (String line : output.substring(0, output.lastIndexOf('\n') + 1).split("\n")) {
            if (line.startsWith(BASE_PREFIX)) {
                return line.substring(BASE_PREFIX.length()).trim();
            }
        }
        return null;
    }

    /** The child's class path: this class's own location, then the dependency jars listed at build time. */
    static String classpath() throws IOException {
        List<String> entries = new ArrayList<>();
        entries.add(ownLocation().toString());
        String listed;
        try (InputStream in = FhirServerProcess.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CLASSPATH_RESOURCE + " is missing beside " + ownLocation()
                        + ": build testing/fhir-server with Maven (it is written at generate-resources)");
            }
            listed = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        List<String> missing = new ArrayList<>();
        for (String entry : listed.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(entry);
                if (!Files.exists(Path.of(entry))) {
                    missing.add(entry);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(missing.size() + " jars of the FHIR server are not in the local Maven"
                    + " repository (built elsewhere, or the repository was cleaned): rebuild testing/fhir-server;"
                    + " first missing: " + missing.get(0));
        }
        return String.join(File.pathSeparator, entries);
    }

    private static Path ownLocation() {
        try {
            return Path.of(FhirServerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** An argument-file token: quoted, with backslashes and quotes escaped. */
    private static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** {@code http://127.0.0.1:<port>/fhir}, without a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The child's log: its stdout and stderr. */
    public Path log() {
        return log;
    }

    /** From launching the JVM until the server answered. */
    public Duration startTime() {
        return startTime;
    }

    /** The child's process id, e.g. to measure its memory. */
    public long pid() {
        return process.pid();
    }

    /** Stops the server (the shared one only at JVM exit). */
    @Override
    public void close() {
        if (!sharedInstance) {
            stop(process);
        }
    }

    private static void stop(Process process) {
        LIVE.remove(process);
        if (!process.isAlive()) {
            return;
        }
        try {
            process.getOutputStream().close(); // end of file: the server stops itself
        } catch (IOException e) {
            // already closed
        }
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
