package org.telehub.testing.keycloak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Keycloak ({@value #REALM} realm) on a free port of 127.0.0.1, as the authorization server of SMART
 * Backend Services: each {@link Client} authenticates with {@code private_key_jwt} (its public JWKS registered
 * inline) and gets access tokens by {@code client_credentials} for the SMART scopes it was given.
 *
 * <pre>{@code
 * TestKeys keys = TestKeys.rsa("telehub-1");
 * try (Keycloak kc = Keycloak.start(dir, List.of(Keycloak.Client.of("telehub", keys, "system/Observation.write")))) {
 *     // POST kc.tokenUrl(): grant_type=client_credentials, client_assertion_type=...jwt-bearer,
 *     //   client_assertion=keys.clientAssertion("telehub", kc.tokenUrl()), scope=system/Observation.write
 * }
 * }</pre>
 *
 * <p>Keycloak runs with {@code start-dev} and its H2 database in files under {@code workDir}: a start in a new
 * work folder takes ~14 s on 2 cores (schema, master realm, import), a second start with the same work folder
 * and the same clients (same JWKS) reuses the database and takes ~7 s; other clients start over. The
 * distribution is unpacked once per version into {@code ~/.cache/telehub-keycloak} (system property
 * {@code telehub.keycloak.cache}) from the local Maven repository, where this module's dependency on
 * {@code org.keycloak:keycloak-quarkus-dist:zip} put it; the very first start also builds Keycloak for
 * {@code start-dev} (~35 s in all), kept in the cache for every later start. The server JVM gets
 * {@code -Xmx512m}, C1 only and the serial collector (~355 MiB resident; system property
 * {@code telehub.keycloak.javaOpts} replaces these options). It listens on two ports of 127.0.0.1: HTTP and
 * the transaction manager's (Narayana) recovery listener; {@link #start} fails if anything of the server listens
 * beyond loopback.
 */
public final class Keycloak implements AutoCloseable {

    /** The realm the clients live in. */
    public static final String REALM = "telehub-test";

    /**
     * A backend client of {@code client_credentials}: a SMART one ({@code private_key_jwt}, its public JWKS
     * registered inline) or, with {@link #withSecret}, one that authenticates with a secret
     * ({@code client_secret_basic} or {@code client_secret_post}), as system accounts do.
     *
     * @param clientId  the client id ({@code iss} and {@code sub} of its assertions)
     * @param jwksJson  its public JWKS, {@code {"keys":[...]}}; null for a secret client
     * @param algorithm the one signature algorithm Keycloak accepts for its assertions: RS384 or ES384; null for a
     *                  secret client
     * @param scopes    the scopes it may ask for, e.g. {@code system/Observation.write}; each one becomes an
     *                  optional client scope of the realm that appears in the token's {@code scope} claim
     * @param secret    the client secret, or null for a SMART client
     */
    public record Client(String clientId, String jwksJson, String algorithm, List<String> scopes, String secret) {
        public Client {
            Objects.requireNonNull(clientId, "clientId");
            if (secret == null) {
                Objects.requireNonNull(jwksJson, "jwksJson");
                Objects.requireNonNull(algorithm, "algorithm");
            }
            scopes = List.copyOf(scopes);
        }

        /** A SMART client. */
        public Client(String clientId, String jwksJson, String algorithm, List<String> scopes) {
            this(clientId, jwksJson, algorithm, scopes, null);
        }

        /** A SMART client with the public JWKS and algorithm of {@code keys}. */
        public static Client of(String clientId, TestKeys keys, String... scopes) {
            return new Client(clientId, keys.jwksJson(), keys.algorithm(), List.of(scopes));
        }

        /** A client that authenticates with {@code secret}. */
        public static Client withSecret(String clientId, String secret, String... scopes) {
            return new Client(clientId, null, null, List.of(scopes), Objects.requireNonNull(secret, "secret"));
        }
    }

    /**
     * A person who signs in, with the realm roles the provider gives them (first and last name and a verified
     * email are set: Keycloak refuses sign-ins of accounts whose profile is incomplete).
     */
    public record User(String username, String password, String email, List<String> realmRoles) {
        public User {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            realmRoles = List.copyOf(realmRoles);
        }
    }

    /**
     * Sign-in of people to an application (OpenID Connect), beside the SMART clients: a public client
     * {@code clientId} with the authorization code flow (PKCE S256 required) and, for tests that fetch tokens
     * directly, the password grant. Its access tokens carry {@code audience} in {@code aud}, the user's realm roles
     * in {@code realm_access.roles}, {@code preferred_username} and {@code email}; its ID tokens (aud: the client
     * id) carry the same claims but the audience, so a relying party can link and map from the ID token alone.
     * {@code redirectUris} are the code flow's (Keycloak matches them exactly or by a trailing {@code *}).
     */
    public record Login(String clientId, String audience, List<String> redirectUris, List<User> users,
            String confidentialSecret) {
        public Login {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(audience, "audience");
            redirectUris = List.copyOf(redirectUris);
            users = List.copyOf(users);
        }

        /** Only the public client. */
        public Login(String clientId, String audience, List<String> redirectUris, List<User> users) {
            this(clientId, audience, redirectUris, users, null);
        }

        /**
         * Beside the public client, a confidential one, {@code <clientId>-confidential}, the same but that it
         * authenticates at the token endpoint with {@code secret} ({@code client_secret_basic} or
         * {@code client_secret_post}).
         */
        public Login withConfidentialClient(String secret) {
            return new Login(clientId, audience, redirectUris, users, Objects.requireNonNull(secret, "secret"));
        }
    }

    /** Keycloak's build options: the same on every start, else it builds itself again (~30 s). */
    private static final List<String> BUILD_OPTIONS = List.of("--db=dev-file", "--health-enabled=false",
            "--metrics-enabled=false");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Keycloak> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    /** A modest heap; C1 only and the serial collector: starts ~20% faster on 2 cores, and smaller. */
    private static final String JAVA_OPTS = "-Xms64m -Xmx512m -XX:MetaspaceSize=96M -XX:MaxMetaspaceSize=256m"
            + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError"
            + " -Dfile.encoding=UTF-8 -Djava.security.egd=file:/dev/urandom";

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(LIVE).forEach(Keycloak::close),
                "telehub-keycloak-cleanup"));
    }

    private final Process process;
    private final Path log;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Keycloak(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts Keycloak with the realm {@value #REALM} holding {@code clients}, working in {@code workDir}
     * ({@code home/}: Keycloak's home with its realm file and database, {@code keycloak.log}), and returns once the
     * realm's OpenID configuration answers: 180 s at most, else an {@link IllegalStateException} with the log's
     * tail.
     */
    public static Keycloak start(Path workDir, List<Client> clients) throws IOException {
        return start(workDir, clients, null);
    }

    /** As {@link #start(Path, List)}, with people who sign in to an application ({@code login} may be null). */
    public static Keycloak start(Path workDir, List<Client> clients, Login login) throws IOException {
        Path dir = workDir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Path home = prepareHome(dir);
        for (int tries = 1; ; tries++) {
            try {
                writeRealm(home, clients, login);
                return launch(home, dir.resolve("keycloak.log"));
            } catch (StartFailure e) {
                // the free port can be taken by someone else before Keycloak binds it: then it exits
                if (!e.exited || tries == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Keycloak's home for this work folder: {@code bin/kc.sh} copied (it finds the home from its own path),
     * {@code lib/quarkus} copied (Keycloak writes its build there), the rest linked to the unpacked distribution.
     */
    private static Path prepareHome(Path dir) throws IOException {
        Path dist = Distribution.home();
        Path home = dir.resolve("home");
        Path origin = home.resolve(".distribution");
        boolean sameDistribution = Files.isRegularFile(origin) && Files.readString(origin).equals(dist.toString());
        if (Files.isDirectory(home) && !sameDistribution) {
            Distribution.deleteTree(home);
        }
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("lib"));
        Files.createDirectories(home.resolve("data/import"));
        Path kcSh = home.resolve("bin/kc.sh");
        Files.copy(dist.resolve("bin/kc.sh"), kcSh, StandardCopyOption.REPLACE_EXISTING);
        kcSh.toFile().setExecutable(true, false);
        Files.copy(dist.resolve("lib/quarkus-run.jar"), home.resolve("lib/quarkus-run.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        for (String linked : List.of("lib/lib", "lib/app", "conf", "providers", "themes")) {
            Path link = home.resolve(linked);
            if (!Files.isSymbolicLink(link)) {
                Distribution.deleteTree(link);
                Files.createSymbolicLink(link, dist.resolve(linked));
            }
        }
        Path quarkus = home.resolve("lib/quarkus");
        if (!Files.isDirectory(quarkus)) {
            Path template = Distribution.template(BUILD_OPTIONS);
            Distribution.copyTree(template != null ? template : dist.resolve("lib/quarkus"), quarkus);
        }
        Files.writeString(origin, dist.toString());
        return home;
    }

    /**
     * Writes the realm file Keycloak imports at start; when it differs from the last one, the database goes (an
     * existing realm is never imported again).
     */
    private static void writeRealm(Path home, List<Client> clients, Login login) throws IOException {
        ObjectNode realm = JSON.createObjectNode()
                .put("realm", REALM)
                .put("enabled", true)
                .put("accessTokenLifespan", 300);
        // Only these scopes: "basic" (the sub claim, not in the scope claim) and the clients' SMART scopes
        Set<String> scopes = new LinkedHashSet<>();
        clients.forEach(c -> scopes.addAll(c.scopes()));
        ArrayNode clientScopes = realm.putArray("clientScopes");
        ObjectNode basic = clientScope(clientScopes, "basic", false);
        basic.putArray("protocolMappers").addObject()
                .put("name", "sub")
                .put("protocol", "openid-connect")
                .put("protocolMapper", "oidc-sub-mapper")
                .putObject("config")
                .put("access.token.claim", "true")
                .put("id.token.claim", "true")
                .put("introspection.token.claim", "true");
        scopes.forEach(s -> clientScope(clientScopes, s, true));
        realm.putArray("defaultDefaultClientScopes").add("basic");
        realm.putArray("defaultOptionalClientScopes");

        ArrayNode list = realm.putArray("clients");
        for (Client c : clients) {
            ObjectNode client = list.addObject()
                    .put("clientId", c.clientId())
                    .put("enabled", true)
                    .put("protocol", "openid-connect")
                    .put("publicClient", false)
                    .put("clientAuthenticatorType", c.secret() == null ? "client-jwt" : "client-secret")
                    .put("serviceAccountsEnabled", true)
                    .put("standardFlowEnabled", false)
                    .put("implicitFlowEnabled", false)
                    .put("directAccessGrantsEnabled", false)
                    .put("fullScopeAllowed", false);
            if (c.secret() == null) {
                client.putObject("attributes")
                        .put("use.jwks.string", "true")
                        .put("jwks.string", c.jwksJson())
                        .put("use.jwks.url", "false")
                        .put("token.endpoint.auth.signing.alg", c.algorithm());
            } else {
                client.put("secret", c.secret());
            }
            client.putArray("defaultClientScopes").add("basic");
            ArrayNode optional = client.putArray("optionalClientScopes");
            c.scopes().forEach(optional::add);
        }
        if (login != null) {
            addLogin(realm, clientScopes, list, login);
        }
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(realm);
        Path file = home.resolve("data/import/" + REALM + "-realm.json");
        if (!(Files.isRegularFile(file) && Files.readString(file).equals(text))) {
            Distribution.deleteTree(home.resolve("data/h2"));
            Files.writeString(file, text);
        }
    }

    private static void addLogin(ObjectNode realm, ArrayNode clientScopes, ArrayNode clients, Login login) {
        Set<String> roles = new LinkedHashSet<>();
        login.users().forEach(u -> roles.addAll(u.realmRoles()));
        ArrayNode realmRoles = realm.putObject("roles").putArray("realm");
        roles.forEach(r -> realmRoles.addObject().put("name", r));

        ObjectNode scope = clientScope(clientScopes, "telehub-login", false);
        ArrayNode mappers = scope.putArray("protocolMappers");
        mapper(mappers, "audience", "oidc-audience-mapper").put("included.custom.audience", login.audience())
                .put("id.token.claim", "false");
        mapper(mappers, "realm roles", "oidc-usermodel-realm-role-mapper").put("claim.name", "realm_access.roles")
                .put("multivalued", "true").put("jsonType.label", "String");
        mapper(mappers, "username", "oidc-usermodel-property-mapper").put("user.attribute", "username")
                .put("claim.name", "preferred_username").put("jsonType.label", "String");
        mapper(mappers, "email", "oidc-usermodel-property-mapper").put("user.attribute", "email")
                .put("claim.name", "email").put("jsonType.label", "String");

        loginClient(clients, login, login.clientId(), null);
        if (login.confidentialSecret() != null) {
            loginClient(clients, login, login.clientId() + "-confidential", login.confidentialSecret());
        }

        ArrayNode users = realm.putArray("users");
        for (User u : login.users()) {
            ObjectNode user = users.addObject()
                    .put("username", u.username())
                    .put("enabled", true)
                    .put("firstName", u.username())
                    .put("lastName", "Test")
                    .put("email", u.email() != null ? u.email() : u.username() + "@example.org")
                    .put("emailVerified", true);
            user.putArray("credentials").addObject().put("type", "password").put("value", u.password())
                    .put("temporary", false);
            ArrayNode ur = user.putArray("realmRoles");
            u.realmRoles().forEach(ur::add);
        }
    }

    /** A client of the code flow with PKCE S256: public without a secret, else confidential with it. */
    private static void loginClient(ArrayNode clients, Login login, String clientId, String secret) {
        ObjectNode client = clients.addObject()
                .put("clientId", clientId)
                .put("enabled", true)
                .put("protocol", "openid-connect")
                .put("publicClient", secret == null)
                .put("standardFlowEnabled", true)
                .put("implicitFlowEnabled", false)
                .put("directAccessGrantsEnabled", true)
                .put("fullScopeAllowed", true);
        if (secret != null) {
            client.put("clientAuthenticatorType", "client-secret").put("secret", secret);
        }
        client.putObject("attributes").put("pkce.code.challenge.method", "S256");
        ArrayNode redirects = client.putArray("redirectUris");
        login.redirectUris().forEach(redirects::add);
        client.putArray("webOrigins").add("+");
        client.putArray("defaultClientScopes").add("basic").add("telehub-login");
        client.putArray("optionalClientScopes");
    }

    private static ObjectNode mapper(ArrayNode into, String name, String type) {
        return into.addObject().put("name", name).put("protocol", "openid-connect").put("protocolMapper", type)
                .putObject("config").put("access.token.claim", "true").put("id.token.claim", "true")
                .put("introspection.token.claim", "true");
    }

    /**
     * An access token of a {@link Login} user by the password grant (as the tests' stand-in for a browser sign-in).
     */
    public String passwordToken(String clientId, String username, String password) throws IOException {
        String form = "grant_type=password&client_id=" + enc(clientId) + "&username=" + enc(username)
                + "&password=" + enc(password) + "&scope=openid";
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(tokenUrl()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("Keycloak refused the password grant for " + username + ": HTTP "
                        + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body()).get("access_token").asText();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * A person signing in through Keycloak's own login page, as a browser would: a fresh cookie jar (a browser
     * without a Keycloak session), GET {@code authorizationUrl} (the URL a relying party redirected to), the login
     * form's action read from the page, {@code username} and {@code password} posted to it, and the redirect back
     * to the client returned, not followed: {@code redirect_uri?code=…&state=…} (or {@code ?error=…&state=…}).
     * With {@code username} null nothing is posted: for requests Keycloak answers at once (e.g. {@code prompt=none}
     * without a session: {@code error=login_required}).
     *
     * @throws IOException when Keycloak shows anything else (e.g. its login page again: wrong password; an error
     *         page: an unregistered redirect URI), with the page's message
     */
    public URI signIn(String authorizationUrl, String username, String password) throws IOException {
        HttpClient browser = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .cookieHandler(new LoopbackCookies()).followRedirects(HttpClient.Redirect.NEVER).build();
        try {
            HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(authorizationUrl))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (page.statusCode() == 302 || page.statusCode() == 303) {
                return URI.create(page.headers().firstValue("Location").orElseThrow());
            }
            java.util.regex.Matcher form = java.util.regex.Pattern.compile(
                    "<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"|<form[^>]*action=\"([^\"]+)\"[^>]*"
                    + "id=\"kc-form-login\"").matcher(page.body());
            if (page.statusCode() != 200 || username == null || !form.find()) {
                throw new IOException("Keycloak did not show its login form: HTTP " + page.statusCode() + " "
                        + message(page.body()));
            }
            String action = (form.group(1) != null ? form.group(1) : form.group(2)).replace("&amp;", "&");
            HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(URI.create(page.uri().resolve(action)
                    .toString())).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("username=" + enc(username) + "&password="
                            + enc(password) + "&credentialId=")).build(), HttpResponse.BodyHandlers.ofString());
            if (posted.statusCode() != 302 && posted.statusCode() != 303) {
                throw new IOException("Keycloak did not sign " + username + " in: HTTP " + posted.statusCode() + " "
                        + message(posted.body()));
            }
            return URI.create(posted.headers().firstValue("Location").orElseThrow());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * A browser's cookie jar for the one Keycloak on 127.0.0.1. Keycloak sets its login cookies {@code Secure}
     * ({@code SameSite=None} requires it); browsers treat 127.0.0.1 as a secure context and send them over http,
     * {@link java.net.CookieManager} does not (and Keycloak then answers {@code cookie_not_found}). Names and values
     * only; {@code Max-Age=0} deletes.
     */
    private static final class LoopbackCookies extends java.net.CookieHandler {
        private final Map<String, String> jar = new java.util.LinkedHashMap<>();

        @Override
        public synchronized Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) {
            return jar.isEmpty() ? Map.of() : Map.of("Cookie", List.of(jar.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining("; "))));
        }

        @Override
        public synchronized void put(URI uri, Map<String, List<String>> headers) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (h.getKey() == null || !h.getKey().equalsIgnoreCase("Set-Cookie")) {
                    continue;
                }
                for (String c : h.getValue()) {
                    String pair = c.split(";", 2)[0];
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        continue;
                    }
                    String name = pair.substring(0, eq).trim();
                    if (c.toLowerCase(java.util.Locale.ROOT).matches(".*;\\s*max-age=0(;.*|\\s*)$")) {
                        jar.remove(name);
                    } else {
                        jar.put(name, pair.substring(eq + 1).trim());
                    }
                }
            }
        }
    }

    /** The error message of a Keycloak page, else its start. */
    private static String message(String html) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(?s)class=\"[^\"]*(?:kc-feedback-text|pf-m-danger|alert-error|input-error)[^\"]*\"[^>]*>(.*?)</")
                .matcher(html);
        String text = m.find() ? m.group(1) : html;
        text = text.replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").trim();
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static ObjectNode clientScope(ArrayNode into, String name, boolean inScopeClaim) {
        ObjectNode scope = into.addObject().put("name", name).put("protocol", "openid-connect");
        scope.putObject("attributes")
                .put("include.in.token.scope", Boolean.toString(inScopeClaim))
                .put("display.on.consent.screen", "false");
        return scope;
    }

    private static Keycloak launch(Path home, Path log) throws IOException {
        int port = freePort();
        // without health and metrics no management interface (a fixed port 9000: two servers would clash)
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port, "--import-realm"));
        command.addAll(BUILD_OPTIONS);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("KC_") || k.startsWith("KEYCLOAK_") || k.startsWith("QUARKUS_")
                || k.startsWith("JAVA_OPTS") || k.equals("JAVA_ADD_OPENS") || k.equals("DEBUG")
                || k.equals("DEBUG_PORT") || k.equals("PRINT_ENV"));
        env.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        env.put("JAVA_OPTS", System.getProperty("telehub.keycloak.javaOpts", JAVA_OPTS));
        Files.writeString(log, "=== " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Keycloak keycloak = new Keycloak(builder.start(), log, port);
        LIVE.add(keycloak);
        try {
            keycloak.awaitReady();
        } catch (RuntimeException e) {
            keycloak.close();
            // a half-imported realm must not survive into the next start
            Distribution.deleteTree(home.resolve("data/h2"));
            Files.deleteIfExists(home.resolve("data/import/" + REALM + "-realm.json"));
            throw e;
        }
        Distribution.offerTemplate(BUILD_OPTIONS, home.resolve("lib/quarkus"));
        return keycloak;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        while (true) {
            if (!process.isAlive()) {
                throw new StartFailure("Keycloak exited with " + process.exitValue() + " before its realm answered\n"
                        + logTail(), true, last);
            }
            List<InetSocketAddress> listening = listening();
            List<InetSocketAddress> beyond = listening.stream().filter(a -> !a.getAddress().isLoopbackAddress())
                    .toList();
            if (!beyond.isEmpty()) {
                throw new StartFailure("Keycloak listens beyond loopback: " + beyond + "\n" + logTail(), false, null);
            }
            try {
                if (listening.stream().anyMatch(a -> a.getPort() == port)) {
                    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                            URI.create(issuer() + "/.well-known/openid-configuration"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 200) {
                        return;
                    }
                    last = new IllegalStateException("HTTP " + answer.statusCode() + ": " + answer.body());
                }
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting Keycloak", e);
            }
            if (System.nanoTime() > deadline) {
                throw new StartFailure("Keycloak: no realm " + REALM + " within " + START_TIMEOUT.toSeconds() + " s\n"
                        + logTail(), false, last);
            }
            try {
                process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting Keycloak", e);
            }
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The realm's issuer, {@code baseUrl() + "/realms/telehub-test"}. */
    public String issuer() {
        return baseUrl() + "/realms/" + REALM;
    }

    /** The token endpoint, also the {@code aud} of client assertions. */
    public String tokenUrl() {
        return issuer() + "/protocol/openid-connect/token";
    }

    /** The realm's public keys, to check the access tokens it signs. */
    public String jwksUrl() {
        return issuer() + "/protocol/openid-connect/certs";
    }

    public int port() {
        return port;
    }

    /** The process id of {@code kc.sh} (the Keycloak JVM is it or its child). */
    public long pid() {
        return process.pid();
    }

    /** {@code keycloak.log} in the work folder. */
    public Path log() {
        return log;
    }

    /** The resident memory of the server's processes, in KiB (from {@code /proc/<pid>/status}). */
    public long rssKiB() {
        long total = 0;
        for (ProcessHandle p : tree()) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        total += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                // gone meanwhile
            }
        }
        return total;
    }

    /** The TCP addresses the server's processes listen on (from the kernel's tables). */
    public List<InetSocketAddress> listening() {
        List<InetSocketAddress> all = new ArrayList<>();
        for (ProcessHandle p : tree()) {
            all.addAll(listening(p.pid()));
        }
        return all;
    }

    private List<ProcessHandle> tree() {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        process.descendants().forEach(tree::add);
        return tree;
    }

    /** The last 60 lines of the log, headed by its path. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "--- last lines of " + log + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "--- " + log + " unreadable: " + e + " ---";
        }
    }

    /** SIGTERM to {@code kc.sh} and the JVM; SIGKILL to whatever still runs after 10 s. Idempotent. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        long deadline = System.nanoTime() + GRACE.toNanos();
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                children.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
            for (ProcessHandle child : children) {
                long left = Math.max(0, deadline - System.nanoTime());
                try {
                    child.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    child.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(this);
        }
    }

    /** A start that failed; {@code exited} when the process died (the retryable case: a port taken meanwhile). */
    private static final class StartFailure extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        final boolean exited;

        StartFailure(String message, boolean exited, Throwable cause) {
            super(message, cause);
            this.exited = exited;
        }
    }

    /** A TCP port free on 127.0.0.1 just now, never one handed out before in this JVM. */
    private static int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on 127.0.0.1", e);
            }
        }
    }

    /**
     * The TCP addresses process {@code pid} listens on: its socket inodes ({@code /proc/<pid>/fd}) matched against
     * the LISTEN rows (state {@code 0A}) of {@code /proc/<pid>/net/tcp} and {@code tcp6}.
     */
    private static List<InetSocketAddress> listening(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        Set<String> inodes = new HashSet<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // the descriptor was closed while listing
                }
            }
            for (String table : List.of("tcp", "tcp6")) {
                Path file = proc.resolve("net").resolve(table);
                if (!Files.exists(file)) {
                    continue;
                }
                List<String> rows = Files.readAllLines(file);
                for (String line : rows.subList(1, rows.size())) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
                        addresses.add(address(f[1]));
                    }
                }
            }
        } catch (NoSuchFileException gone) {
            // the process ended meanwhile
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sockets of process " + pid, e);
        }
        return addresses;
    }

    /** {@code 0100007F:2BAF} or 32 hex digits and a port: 32-bit words, each in little-endian byte order. */
    private static InetSocketAddress address(String hex) throws UnknownHostException {
        String[] parts = hex.split(":");
        byte[] raw = new byte[parts[0].length() / 2];
        for (int word = 0; word < raw.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = word * 8 + (3 - b) * 2;
                raw[word * 4 + b] = (byte) Integer.parseInt(parts[0].substring(at, at + 2), 16);
            }
        }
        return new InetSocketAddress(InetAddress.getByAddress(raw), Integer.parseInt(parts[1], 16));
    }
}
