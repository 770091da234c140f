package org.telehub.itests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One copy of the built distribution, started the way a user starts it ({@code bin/karaf server}) on free ports of
 * 127.0.0.1, and driven from outside: HTTP, the SSH shell client, its files, its database. Nothing inside the
 * container is replaced or mocked.
 *
 * <p>Each instance gets its own fresh database on the throwaway PostgreSQL the test command starts and announces
 * with {@code -Dtelehub.test.pg.url} (plus {@code telehub.test.pg.user}): it is configured by writing
 * {@code etc/org.ops4j.datasource-telehub.cfg}, which is exactly how an operator points the hub at an external
 * PostgreSQL. Without that property the test is skipped, unless {@code -Dtelehub.test.pg.required=true} (the test
 * command sets it) makes that a failure.
 */
final class KarafInstance implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Every migration the distribution applies, as module:version in name order. */
    static final java.util.List<String> MIGRATIONS = java.util.List.of("chat:1", "chat:2", "chat:3", "chat:4", "chat:5", "chat:6", "chat:7", "directory:1", "directory:2", "encounter:1", "encounter:2", "encounter:3",
            "encounter:4", "encounter:5", "encounter:6", "encounter:7", "encounter:8", "encounter:9", "encounter:10", "files:1", "files:2", "files:3",
            "integration:1", "integration:2", "integration:3", "integration:4", "integration:5", "integration:6", "integration:7", "integration:8", "integration:9", "reporting:1", "reporting:2",
            "security:1", "security:2", "security:3", "security:4", "security:5", "security:6", "security:7",
            "security:8", "security:9", "video:1", "video:2", "video:3", "video:4", "video:5", "work:1", "work:2");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Path home;
    final int httpPort;
    /** The HTTPS port (etc/org.telehub.tls.cfg); the tests talk HTTP unless they ask for {@link #https()}. */
    final int httpsPort;
    final int sshPort;
    final int brokerPort;
    /** JDBC URL of this instance's own database on the throwaway PostgreSQL; null when it runs its own server. */
    final String dbUrl;
    /** The port of the hub's own PostgreSQL, when the instance runs it. */
    int dbPort;
    private Process process;
    private int starts;

    private KarafInstance(Path home, String dbUrl) {
        this.home = home;
        this.dbUrl = dbUrl;
        this.httpPort = freePort();
        this.httpsPort = freePort();
        this.sshPort = freePort();
        this.brokerPort = freePort();
    }

    /** A fresh copy of the distribution with its own ports, data and PostgreSQL database. */
    static KarafInstance create(String name) {
        String dbUrl = createDatabase("telehub_" + name.replaceAll("[^A-Za-z0-9]", "_").toLowerCase() + "_");
        KarafInstance k = create(Paths.get(System.getProperty("telehub.instances")).resolve(name), dbUrl);
        k.writeDataSource();
        return k;
    }

    /**
     * A second node of {@code first}'s cluster (issue 17's two-node test), to be started after it: the same database,
     * {@code first}'s broker (this node boots the JMS client instead of a broker of its own, logged in with
     * {@code first}'s broker secret), the same file store (directory and key) and the same audit seal key; ports of its
     * own. {@code first} must have started once (it made the secrets).
     */
    static KarafInstance joining(String name, KarafInstance first) throws IOException {
        KarafInstance k = create(Paths.get(System.getProperty("telehub.instances")).resolve(name), first.dbUrl);
        k.writeDataSource();
        k.edit("etc/org.apache.karaf.features.cfg", "telehub-broker/", "telehub-jms-client/");
        k.edit("etc/org.telehub.messaging.cfg", "tcp://127.0.0.1:" + k.brokerPort, "tcp://127.0.0.1:" + first.brokerPort);
        Files.createDirectories(k.home.resolve("etc/secrets"));
        Files.writeString(k.home.resolve("etc/secrets/telehub-broker.password"),
                first.read("data/telehub/broker.secret").trim() + "\n");
        k.edit("etc/org.telehub.messaging.cfg", "password=", "password = $[secret:telehub-broker.password]");
        Path shared = first.home.resolve("data/telehub");
        k.edit("etc/org.telehub.files.cfg", "directory=", "directory=" + shared.resolve("files"));
        k.edit("etc/org.telehub.files.cfg", "keyFile=", "keyFile=" + shared.resolve("files.key"));
        Files.createDirectories(k.home.resolve("data/telehub"));
        for (String f : new String[] {"audit.seal", "metrics.token"}) {
            if (Files.exists(shared.resolve(f))) {
                Files.copy(shared.resolve(f), k.home.resolve("data/telehub/" + f));
            }
        }
        return k;
    }

    /**
     * A fresh copy of the distribution exactly as shipped (so on the hub's own PostgreSQL), in {@code home}. As root
     * the server runs as a system user that must be able to traverse every directory above {@code home}.
     */
    static KarafInstance create(Path home) {
        return create(home, null);
    }

    private static KarafInstance create(Path home, String dbUrl) {
        Path dist = Paths.get(System.getProperty("telehub.dist"));
        try {
            deleteTree(home);
            copyTree(dist, home);
            try (Stream<Path> bins = Files.list(home.resolve("bin"))) {
                bins.forEach(p -> p.toFile().setExecutable(true));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KarafInstance k = new KarafInstance(home, dbUrl);
        k.edit("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port = 8181",
                "org.osgi.service.http.port = " + k.httpPort);
        k.edit("etc/org.apache.karaf.shell.cfg", "sshPort = 8101", "sshPort = " + k.sshPort);
        k.edit("etc/org.apache.karaf.management.cfg", "rmiRegistryPort = 1099", "rmiRegistryPort = " + freePort());
        k.edit("etc/org.apache.karaf.management.cfg", "rmiServerPort = 44444", "rmiServerPort = " + freePort());
        k.edit("etc/artemis.xml", "tcp://127.0.0.1:61616", "tcp://127.0.0.1:" + k.brokerPort);
        k.edit("etc/org.telehub.messaging.cfg", "tcp://127.0.0.1:61616", "tcp://127.0.0.1:" + k.brokerPort);
        k.edit("etc/org.telehub.tls.cfg", "httpsPort = 8443", "httpsPort = " + k.httpsPort);
        // the existing suites drive the hub over plain HTTP on loopback, as a developer's browser may (TlsIT and the
        // browser tests set an https origin)
        k.edit("etc/org.telehub.security.cfg", "publicOrigin=https://localhost:8443",
                "publicOrigin=http://127.0.0.1:" + k.httpPort);
        k.dbPort = freePort();
        k.edit("etc/org.telehub.dbserver.cfg", "port = 5438", "port = " + k.dbPort);
        return k;
    }

    /** Replaces text in a file of the instance; fails if the text is not there (the distribution changed). */
    /**
     * A real SMTP and IMAP server on 127.0.0.1 (GreenMail, free ports) that accepts the hub's account
     * {@code hub@clinic.example} / {@code hub} with {@code smtpPassword}; mailboxes are added by the test.
     */
    static com.icegreen.greenmail.util.GreenMail mailServer(String smtpPassword) {
        com.icegreen.greenmail.util.GreenMail mail = new com.icegreen.greenmail.util.GreenMail(
                new com.icegreen.greenmail.util.ServerSetup[] {
                    new com.icegreen.greenmail.util.ServerSetup(0, "127.0.0.1", "smtp"),
                    new com.icegreen.greenmail.util.ServerSetup(0, "127.0.0.1", "imap")});
        mail.withConfiguration(com.icegreen.greenmail.configuration.GreenMailConfiguration.aConfig()
                .withUser("hub@clinic.example", "hub", smtpPassword));
        mail.start();
        return mail;
    }

    /** The email channel sends through that server, set up as an operator would: its password a secret file. */
    void sendMailThrough(com.icegreen.greenmail.util.GreenMail mail, String smtpPassword) throws IOException {
        Files.writeString(home.resolve("etc/secrets/smtp.password"), smtpPassword + "\n");
        edit("etc/org.telehub.notify.email.cfg", "enabled = false", "enabled = true");
        edit("etc/org.telehub.notify.email.cfg", "host =\n", "host = 127.0.0.1\n");
        edit("etc/org.telehub.notify.email.cfg", "port = 587", "port = " + mail.getSmtp().getPort());
        edit("etc/org.telehub.notify.email.cfg", "tls = starttls", "tls = none");
        edit("etc/org.telehub.notify.email.cfg", "username =\n", "username = hub\n");
        edit("etc/org.telehub.notify.email.cfg", "#.password = $[secret:smtp.password]",
                ".password = $[secret:smtp.password]");
        edit("etc/org.telehub.notify.email.cfg", "from =\n", "from = Clinic <hub@clinic.example>\n");
    }

    /** Uploads are scanned by the clamd on 127.0.0.1:{@code port} (a test's own, or a port where none listens). */
    void scanWith(int port) {
        edit("etc/org.telehub.files.clamav.cfg", "port = 3310", "port = " + port);
    }

    void edit(String file, String from, String to) {
        Path p = home.resolve(file);
        try {
            String s = Files.readString(p);
            if (!s.contains(from)) {
                fail(file + " does not contain '" + from + "'");
            }
            Files.writeString(p, s.replace(from, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a file of the instance, e.g. a configuration the distribution does not ship. */
    void write(String file, String content) {
        try {
            Files.writeString(home.resolve(file), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read(String file) {
        try {
            return Files.readString(home.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code bin/karaf server} and waits until {@code /api/v1/health} answers 200. */
    Duration start() {
        long t0 = System.nanoTime();
        launch();
        awaitHealth(200, Duration.ofSeconds(180));
        awaitRoutes(Duration.ofSeconds(60));
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Starts {@code bin/karaf server} and returns at once. */
    void launch() {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server");
        pb.directory(home.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // replace the launcher shell by the JVM, so the process we hold (and signal) is Karaf itself
        pb.environment().put("KARAF_EXEC", "exec");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console-" + (++starts) + ".out").toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = process;
        // a test JVM that dies (timeout, Ctrl-C) must not leave containers holding ports behind
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
    }

    /** Kills the Karaf JVM with SIGKILL (no shutdown of anything in it) and waits until it is gone. */
    void kill9() {
        if (process == null) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-9", Long.toString(process.pid())).inheritIO().start();
            kill.waitFor(10, TimeUnit.SECONDS);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                fail("Karaf survived kill -9");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /**
     * Health can answer while other bundles' resources are still arriving, and the JAX-RS whiteboard rebuilds the
     * application for each (a few hundred ms of 404 each time). Ready = login and the integration API answer
     * (400/401, not 404) twice in a row, half a second apart.
     */
    void awaitRoutes(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int stable = 0;
        String last = "";
        while (System.nanoTime() < deadline && stable < 2) {
            try {
                int login = post("/api/v1/auth/token", null, "application/json", "{}").statusCode();
                int integration = get("/api/v1/integration/status", null).statusCode();
                last = login + "/" + integration;
                stable = login == 400 && integration == 401 ? stable + 1 : 0;
            } catch (IOException e) {
                stable = 0;
                last = e.toString();
            }
            sleep(500);
        }
        if (stable < 2) {
            fail("API routes not stable within " + timeout + ": " + last);
        }
    }

    /** Everything the container printed on its console, all starts so far. */
    String console() {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= starts; i++) {
            sb.append(read("console-" + i + ".out"));
        }
        return sb.toString();
    }

    void awaitHealth(int status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                fail("Karaf exited with " + process.exitValue() + "; see " + home + "/console-" + starts + ".out");
            }
            try {
                HttpResponse<String> r = get("/api/v1/health", null);
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == status) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            sleep(500);
        }
        fail("health did not answer " + status + " within " + timeout + "; last: " + last + "; threads: "
                + threadDump() + "; " + startDigest(home.resolve("data/log/karaf.log")) + "; log: "
                + tail(home.resolve("data/log/karaf.log"), 15));
    }

    /**
     * What a start that never became healthy was doing, in a few lines: the hub's own words on its DOWN checks (an
     * anonymous health answer hides them), how often the features service refreshed bundles and how often the REST
     * application was rebuilt (a loop shows as large counts), and the features service's last steps. A CI run printed
     * only a log tail full of endpoint rebuilds once, which said nothing of why.
     */
    static String startDigest(Path log) {
        List<String> all;
        try {
            all = Files.readAllLines(log);
        } catch (IOException e) {
            return "(no " + log + ")";
        }
        List<String> said = new ArrayList<>();
        List<String> features = new ArrayList<>();
        int rebuilds = 0;
        int refreshes = 0;
        for (String line : all) {
            if (line.contains("Health check '")) {
                said.add(line);
            } else if (line.contains("publish address to be /")) {
                rebuilds++;
            } else if (line.contains("FeaturesServiceImpl")) {
                features.add(line);
                if (line.contains("Refreshing bundles")) {
                    refreshes++;
                }
            }
        }
        return "log lines " + all.size() + ", REST application rebuilds " + rebuilds + ", feature refreshes "
                + refreshes + "; the hub said: " + String.join(" / ", said.subList(Math.max(0, said.size() - 3),
                        said.size())) + "; features last: " + String.join(" / ", features.subList(
                                Math.max(0, features.size() - 4), features.size()));
    }

    /**
     * The Karaf JVM's threads into {@code health-timeout-threads.txt} beside its log (a start that never became
     * healthy, e.g. pax-jdbc-config not creating the DataSource once in a CI run, is otherwise a mystery); the
     * file's path, or why there is none.
     */
    private String threadDump() {
        if (process == null || !process.isAlive()) {
            return "none (not running)";
        }
        Path out = home.resolve("health-timeout-threads.txt");
        try {
            Process j = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "jstack").toString(),
                    String.valueOf(process.pid())).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            return j.waitFor(30, TimeUnit.SECONDS) ? out.toString() : "jstack did not finish";
        } catch (IOException e) {
            return "none (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "none (interrupted)";
        }
    }

    /** Stops Karaf the way an init system does (SIGTERM) and waits for it. */
    void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                fail("Karaf did not stop within 90 s of SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    long pid() {
        return process.pid();
    }

    // ---- HTTP

    String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    /** The HTTPS address of {@code path} on this instance. */
    String httpsUrl(String path) {
        return "https://127.0.0.1:" + httpsPort + path;
    }

    /**
     * The certificate the hub serves, read from the keystore it handed Jetty ({@code data/telehub/tls/https-*.p12},
     * password in {@code etc/secrets/telehub-https.password}), as the clinic's IT would read it: not what the server
     * says over the wire.
     */
    java.security.cert.X509Certificate servedCertificate() {
        try (Stream<Path> files = Files.list(home.resolve("data/telehub/tls"))) {
            Path p12 = files.filter(f -> f.getFileName().toString().matches("https-[0-9a-f]+\\.p12")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no https-*.p12 in data/telehub/tls"));
            char[] pw = read("etc/secrets/telehub-https.password").trim().toCharArray();
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            try (java.io.InputStream in = Files.newInputStream(p12)) {
                ks.load(in, pw);
            }
            return (java.security.cert.X509Certificate) ks.getCertificate("telehub");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP client that trusts exactly {@code cert} (and checks the host name against it), nothing else. */
    static HttpClient httpsClient(java.security.cert.X509Certificate cert) {
        try {
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("hub", cert);
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory
                    .getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5))
                    .followRedirects(HttpClient.Redirect.NEVER).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP client that trusts this instance's certificate (read from its keystore file, not trust-all). */
    HttpClient https() {
        return httpsClient(servedCertificate());
    }

    HttpResponse<String> get(String path, String token) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET(), token);
    }

    HttpResponse<String> post(String path, String token, String contentType, String body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b, token);
    }

    HttpResponse<String> send(HttpRequest.Builder b, String token) throws IOException {
        return send(b, token, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<byte[]> sendBytes(HttpRequest.Builder b, String token) throws IOException {
        return send(b, token, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static <T> HttpResponse<T> send(HttpRequest.Builder b, String token, HttpResponse.BodyHandler<T> body)
            throws IOException {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            // DICOM transfers within one request (store, retrieve) may take a while
            return HTTP.send(b.timeout(Duration.ofSeconds(120)).build(), body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    HttpResponse<String> put(String path, String token, String json) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)), token);
    }

    // ---- database

    /**
     * Creates an empty database named {@code prefix} + random on the announced PostgreSQL; returns its JDBC URL.
     * Skips the calling test when no server was announced, or fails it when one is required.
     */
    private static String createDatabase(String prefix) {
        String pg = System.getProperty("telehub.test.pg.url", "");
        if (pg.isBlank()) {
            if (Boolean.getBoolean("telehub.test.pg.required")) {
                throw new IllegalStateException("telehub.test.pg.required is set but telehub.test.pg.url is not:"
                        + " the test command must start PostgreSQL");
            }
            Assumptions.abort("no PostgreSQL announced (telehub.test.pg.url); run the README's test command");
        }
        String db = prefix + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(pg, pgUser(), ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create a database on " + pg + ": " + e.getMessage(), e);
        }
        return pg.substring(0, pg.lastIndexOf('/') + 1) + db;
    }

    static String pgUser() {
        return System.getProperty("telehub.test.pg.user", "postgres");
    }

    /**
     * Writes {@code etc/org.ops4j.datasource-telehub.cfg} for this instance's database, replacing whatever the
     * distribution ships there: an operator-configured datasource, so the hub uses it rather than running its own
     * server. The pool settings are the shipped ones.
     */
    private void writeDataSource() {
        try {
            Files.writeString(home.resolve("etc/org.ops4j.datasource-telehub.cfg"), String.join("\n",
                    "# written by the in-container tests: this instance's own database on the throwaway PostgreSQL",
                    "dataSourceName=telehub",
                    "osgi.jdbc.driver.name=PostgreSQL JDBC Driver",
                    "url=" + dbUrl,
                    "user=" + pgUser(),
                    "password=unused",
                    "pool=dbcp2",
                    "xa=false",
                    "pool.maxTotal=20",
                    "pool.maxIdle=10",
                    "pool.minIdle=1",
                    "pool.maxWaitMillis=10000",
                    "pool.testOnBorrow=true",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A connection to this instance's database, usable while the hub runs: tests read what the hub wrote. */
    Connection db() throws SQLException {
        return DriverManager.getConnection(dbUrl, pgUser(), "");
    }

    /** Logs in and returns the bearer token. */
    String login(String username, String password) throws IOException {
        HttpResponse<String> r = post("/api/v1/auth/token", null, "application/json",
                JSON.createObjectNode().put("username", username).put("password", password).toString());
        if (r.statusCode() != 200) {
            fail("login of " + username + " failed: " + r.statusCode() + " " + r.body());
        }
        return json(r).get("access_token").asText();
    }

    /**
     * Registers a patient as the clinician holding {@code token}; who registers a patient is on their care team, so
     * the clinician reaches them (issue 14: nobody reaches a patient by role alone). Returns the patient's id.
     */
    String patientInCareOf(String token, String displayName) throws IOException {
        HttpResponse<String> r = post("/api/v1/patients", token, "application/json",
                "{\"displayName\":\"" + displayName + "\",\"birthDate\":\"1980-01-01\"}");
        if (r.statusCode() != 201) {
            throw new IllegalStateException("registering " + displayName + ": " + r.statusCode() + " " + r.body());
        }
        return json(r).get("id").asText();
    }

    /** Puts {@code username} on the care team of {@code patientId}, as the (system) administrator {@code admin}. */
    void careTeam(String admin, String patientId, String username) throws IOException {
        HttpResponse<String> r = put("/api/v1/patients/" + patientId + "/care-team/" + username, admin, "");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("care team of " + patientId + ": " + r.statusCode() + " " + r.body());
        }
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    // ---- shell

    /** Runs Karaf shell commands through the SSH client, logged in as the given user; returns what they printed. */
    String shell(String user, String password, String... commands) {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/client").toString(), "-a",
                Integer.toString(sshPort), "-h", "127.0.0.1", "-u", user, "-p", password, "-r", "10", "-b"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        try {
            Process p = pb.start();
            p.getOutputStream().write((String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("shell command did not finish: " + List.of(commands));
            }
            return out.replaceAll("\u001B\\[[;\\d]*m", ""); // grep's colour codes
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- helpers

    /**
     * A port free now, below the kernel's ephemeral range (32768–60999 on Linux), from which outgoing connections take
     * their local ports: a port chosen there can be taken by some client socket before the hub binds it (a CI run's
     * TlsIT broker once failed to bind so). Never the same port twice in one test JVM.
     */
    static synchronized int freePort() {
        for (int i = 0; i < 500; i++) {
            int p = 20_000 + PORTS.nextInt(12_000);
            if (!GIVEN.add(p)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException e) {
                // taken: another
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final java.util.Random PORTS = new java.util.Random();
    private static final java.util.Set<Integer> GIVEN = new java.util.HashSet<>();

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + file + ")";
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(x);
            }
        }
    }
}
