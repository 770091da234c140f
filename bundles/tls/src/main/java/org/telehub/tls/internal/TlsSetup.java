package org.telehub.tls.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import javax.servlet.Filter;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.health.HealthIndicator;
import org.telehub.tls.internal.Certificates.KeyMaterial;
import org.telehub.tls.internal.Certificates.KeystoreException;

/**
 * Decides the hub's certificate at every start and hands it to Pax Web's Jetty through the {@code org.ops4j.pax.web}
 * configuration (Pax Web rebuilds its connectors on a change of that configuration, in about 0.1 s).
 *
 * <p>The certificate is checked here before Jetty sees it: Pax Web 8.0.34 given a keystore it cannot open fails to
 * start the whole server (HTTP included) and does not recover when the configuration is corrected (its HTTP port
 * stays bound: "Failed to bind"), so a wrong password must never reach it. Jetty always gets a keystore the hub
 * wrote, {@code data/telehub/tls/https-<fingerprint>.p12}, under a generated password in
 * {@code etc/secrets/telehub-https.password} that Pax Web's configuration names as {@code $[secret:…]}; the file
 * name changes with the certificate, so a renewed clinic certificate reaches Jetty at the next start.
 */
@Component(immediate = true, service = HealthIndicator.class, configurationPid = TlsSetup.PID)
@Designate(ocd = TlsConfig.class)
public class TlsSetup implements HealthIndicator {
    static final String PID = "org.telehub.tls";
    static final String PAX_WEB_PID = "org.ops4j.pax.web";
    static final String PASSWORD_SECRET = "telehub-https.password";
    private static final Logger LOG = LoggerFactory.getLogger(TlsSetup.class);

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private final HttpsFilter https = new HttpsFilter(HttpsFilter.Settings.NONE);
    private final ServiceRegistration<Filter> filter;
    /** False for {@link EarlyStart}'s pass: it prints nothing; the component announces the certificate. */
    private final boolean announce;
    private volatile Check state;

    /** The early pass before Pax Web starts ({@link EarlyStart}): the certificate and Pax Web's settings only. */
    TlsSetup(BundleContext context, ConfigurationAdmin configAdmin) {
        this.context = context;
        this.configAdmin = configAdmin;
        this.filter = null;
        this.announce = false;
    }

    /** {@link EarlyStart}'s pass: decides the certificate and writes Pax Web's settings, or says why not. */
    void prepare(TlsConfig config) throws IOException, GeneralSecurityException {
        apply(config);
    }

    @Activate
    public TlsSetup(BundleContext context, @Reference ConfigurationAdmin configAdmin, TlsConfig config) {
        this.context = context;
        this.configAdmin = configAdmin;
        this.announce = true;
        // registered once, before Pax Web's configuration is touched, and never again while this component lives: a
        // whiteboard registration racing Pax Web's rebuild deadlocks it with the JAX-RS whiteboard (ARCHITECTURE.md)
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("osgi.http.whiteboard.filter.pattern", "/*");
        p.put("osgi.http.whiteboard.filter.name", "telehub-https");
        p.put("osgi.http.whiteboard.context.select", "(osgi.http.whiteboard.context.name=*)");
        p.put(Constants.SERVICE_RANKING, Integer.MAX_VALUE);
        filter = context.registerService(Filter.class, https, p);
        modified(config);
    }

    /** A change of {@code etc/org.telehub.tls.cfg}: applied in place, the filter's registration left alone. */
    @Modified
    synchronized void modified(TlsConfig config) {
        try {
            apply(config); // sets the state on every path
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            https.set(HttpsFilter.Settings.NONE);
            fail("HTTPS is off: " + e.getMessage(), e);
        }
    }

    @Deactivate
    void deactivate() {
        try {
            filter.unregister();
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
    }

    @Override
    public String name() {
        return "tls";
    }

    @Override
    public Check check() {
        return state;
    }

    private void apply(TlsConfig config) throws IOException, GeneralSecurityException {
        if (!config.enabled()) {
            https.set(HttpsFilter.Settings.NONE);
            paxWeb(false, config.httpsPort(), null);
            state = Check.up("HTTPS off (enabled=false in etc/" + PID + ".cfg)", 0);
            LOG.info("HTTPS is off by configuration (etc/{}.cfg enabled=false)", PID);
            return;
        }
        Path etc = Paths.get(property("karaf.etc", "etc"));
        Path tlsDir = Paths.get(property("karaf.data", "data")).resolve("telehub/tls");
        Path secrets = Paths.get(property("org.apache.felix.configadmin.plugin.interpolation.secretsdir",
                etc.resolve("secrets").toString()));
        char[] hubPassword = hubPassword(secrets.resolve(PASSWORD_SECRET));

        boolean clinic = !config.keystore().isBlank();
        KeyMaterial material;
        if (clinic) {
            Path file = etc.resolve(config.keystore().trim());
            char[] storePw = config._keystorePassword().toCharArray();
            char[] keyPw = config._keyPassword().isEmpty() ? storePw : config._keyPassword().toCharArray();
            try {
                material = Certificates.open(file, storePw, keyPw, config.keyAlias());
            } catch (KeystoreException e) {
                // Jetty must never get a keystore it cannot open (see the class comment): HTTP only until fixed
                https.set(HttpsFilter.Settings.NONE);
                paxWeb(false, config.httpsPort(), null);
                fail("HTTPS is off: " + e.getMessage() + " — fix etc/" + PID + ".cfg and the secret; HTTP still"
                        + " answers", null);
                return;
            }
        } else {
            material = selfSigned(tlsDir.resolve("selfsigned.p12"), hubPassword, requiredNames(config));
        }
        X509Certificate cert = material.leaf();
        String fingerprint = Certificates.fingerprint(cert);
        Path active = tlsDir.resolve("https-" + fingerprint.replace(":", "").substring(0, 16).toLowerCase() + ".p12");
        if (!Files.exists(active)) {
            Certificates.write(active, material, hubPassword);
        }
        paxWeb(true, config.httpsPort(), active);
        removeOthers(tlsDir, active);

        long hsts = clinic ? config.hstsMaxAgeSeconds() : 0;
        https.set(HttpsFilter.Settings.of(config.redirectHttpToHttps(), config.httpsPort(), hsts));

        String what = clinic ? "the clinic's certificate " + cert.getSubjectX500Principal().getName()
                : "a self-signed certificate for " + String.join(", ", Certificates.names(cert));
        String detail = "https on port " + config.httpsPort() + ", " + what + ", valid until "
                + cert.getNotAfter().toInstant() + ", SHA-256 " + fingerprint
                + (config.redirectHttpToHttps() ? ", HTTP redirected" : "") + (hsts > 0 ? ", HSTS" : "");
        if (cert.getNotAfter().toInstant().isBefore(Instant.now())) {
            state = new Check(Status.DEGRADED, "the certificate has expired: " + detail, 0);
            LOG.error("HTTPS certificate has EXPIRED: {}", detail);
        } else {
            state = Check.up(detail, 0);
        }
        if (!announce) {
            return;
        }
        String notice = "\nTelehub HTTPS: https://localhost:" + config.httpsPort() + "/  ("
                + (clinic ? "the clinic's certificate, " + cert.getSubjectX500Principal().getName()
                        : "self-signed certificate: browsers warn until it is trusted; compare this fingerprint")
                + ")\n  certificate SHA-256 fingerprint: " + fingerprint + "\n";
        LOG.info(notice);
        System.out.println(notice);
    }

    private void fail(String message, Throwable e) {
        state = new Check(Status.DEGRADED, message, 0);
        if (!announce) {
            return;
        }
        if (e != null) {
            LOG.error(message, e);
        } else {
            LOG.error(message);
        }
        System.out.println("\nTelehub HTTPS ERROR: " + message + "\n");
    }

    /** The self-signed certificate kept in {@code file}, or a new one when missing, unreadable, near its end or not
     * made for every name the hub is reached by. */
    private KeyMaterial selfSigned(Path file, char[] password, Set<String> names)
            throws IOException, GeneralSecurityException {
        String why = "none yet (first start)";
        if (Files.exists(file)) {
            try {
                KeyMaterial m = Certificates.open(file, password, password, Certificates.ALIAS);
                X509Certificate c = m.leaf();
                Set<String> has = Certificates.names(c);
                if (c.getNotAfter().toInstant().isBefore(Instant.now().plus(Certificates.RENEW_BEFORE))) {
                    why = "the previous one ends on " + c.getNotAfter().toInstant();
                } else if (!has.containsAll(names)) {
                    Set<String> missing = new LinkedHashSet<>(names);
                    missing.removeAll(has);
                    why = "the previous one is not made for " + String.join(", ", missing);
                } else {
                    return m;
                }
            } catch (KeystoreException e) {
                why = "the previous one cannot be read (" + e.getMessage() + ")";
            }
        }
        KeyMaterial m = Certificates.selfSigned(names, Instant.now());
        Certificates.write(file, m, password);
        LOG.warn("Generated a self-signed HTTPS certificate for {} in {}: {}", names, file, why);
        return m;
    }

    /** localhost, the loopback addresses, the hosts of publicOrigin and publicBaseUrl, and {@code hostNames}. */
    Set<String> requiredNames(TlsConfig config) {
        Set<String> names = new LinkedHashSet<>();
        names.add("localhost");
        names.add(Certificates.normalise("127.0.0.1"));
        names.add(Certificates.normalise("::1"));
        addHost(names, rawProperty("org.telehub.security", "publicOrigin"));
        addHost(names, rawProperty("org.telehub.encounter", "publicBaseUrl"));
        for (String n : config.hostNames().split(",")) {
            if (!n.isBlank()) {
                names.add(Certificates.normalise(n));
            }
        }
        return names;
    }

    private static void addHost(Set<String> names, String url) {
        if (url == null || url.isBlank() || url.contains("$[")) {
            return;
        }
        try {
            String host = URI.create(url.trim()).getHost();
            if (host != null && !host.isBlank()) {
                names.add(Certificates.normalise(host));
            }
        } catch (IllegalArgumentException e) {
            LOG.debug("not a URL: {}", url);
        }
    }

    private String rawProperty(String pid, String key) {
        try {
            Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
            if (found != null && found.length > 0 && found[0].getProperties() != null) {
                Object v = found[0].getProperties().get(key);
                return v == null ? null : v.toString();
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.debug("cannot read {}", pid, e);
        }
        return null;
    }

    /** The generated password of the keystores the hub writes, created once (owner-only). */
    private static char[] hubPassword(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            byte[] b = new byte[24];
            new SecureRandom().nextBytes(b);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Certificates.ownerOnly(tmp);
            Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(b));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim().toCharArray();
    }

    /**
     * Sets Pax Web's secure connector: changes the {@code org.ops4j.pax.web} configuration only when a value differs
     * (a change restarts Jetty's connectors; Karaf writes it back to etc/org.ops4j.pax.web.cfg, so the next start has
     * HTTPS from its first second).
     */
    private void paxWeb(boolean secure, int port, Path keystore) throws IOException {
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("org.osgi.service.http.secure.enabled", Boolean.toString(secure));
        if (secure) {
            want.put("org.osgi.service.http.port.secure", Integer.toString(port));
            want.put("org.ops4j.pax.web.ssl.keystore", keystore.toString());
            want.put("org.ops4j.pax.web.ssl.keystore.type", "PKCS12");
            want.put("org.ops4j.pax.web.ssl.keystore.password", "$[secret:" + PASSWORD_SECRET + "]");
            want.put("org.ops4j.pax.web.ssl.key.password", "$[secret:" + PASSWORD_SECRET + "]");
            want.put("org.ops4j.pax.web.ssl.key.alias", Certificates.ALIAS);
            want.put("org.ops4j.pax.web.ssl.protocols.included", "TLSv1.2,TLSv1.3");
        }
        Configuration c = configAdmin.getConfiguration(PAX_WEB_PID, "?");
        Dictionary<String, Object> props = c.getProperties();
        if (props == null) {
            props = new Hashtable<>();
        }
        boolean changed = false;
        for (Map.Entry<String, Object> e : want.entrySet()) {
            Object had = props.get(e.getKey());
            if (!Objects.equals(had == null ? null : had.toString(), e.getValue())) {
                props.put(e.getKey(), e.getValue());
                changed = true;
            }
        }
        if (changed) {
            LOG.info("Setting Pax Web's HTTPS connector: {}", secure ? "on, port " + port + ", " + keystore : "off");
            c.update(props);
        }
    }

    private static void removeOthers(Path dir, Path keep) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "https-*.p12")) {
            for (Path p : s) {
                if (!p.equals(keep)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot remove old keystores in {}: {}", dir, e.toString());
        }
    }

    private String property(String key, String fallback) {
        String v = context.getProperty(key);
        return v == null || v.isBlank() ? fallback : v;
    }
}
