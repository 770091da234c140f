package org.telehub.adapter.hl7v2.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Set;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * MLLP over TLS, as an interface's configuration asks: the listener's certificate from a PKCS#12 keystore, the
 * certificates trusted (senders' for mutual TLS, the receiver's) from a PEM file or a PKCS#12 truststore, else the
 * JDK's; TLS 1.3 and 1.2 only; the receiver's certificate must name the host the interface connects to.
 */
final class Tls {
    static final Set<String> CLIENT_AUTH = Set.of("none", "want", "need");
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SSLContext context;
    private final String clientAuth;

    private Tls(SSLContext context, String clientAuth) {
        this.context = context;
        this.clientAuth = clientAuth;
    }

    /**
     * @param keystore PKCS#12, absolute or relative to {@code etc}; empty: none (a client without a certificate)
     * @param truststore PEM or PKCS#12; empty: the JDK's trusted authorities
     * @throws IllegalArgumentException naming the setting that cannot be used, never a password
     */
    static Tls of(Path etc, String keystore, char[] keystorePassword, String truststore, char[] truststorePassword,
            String clientAuth) {
        if (!CLIENT_AUTH.contains(clientAuth)) {
            throw new IllegalArgumentException("clientAuth: one of " + CLIENT_AUTH + " (got '" + clientAuth + "')");
        }
        try {
            KeyManagerFactory kmf = null;
            if (!keystore.isBlank()) {
                KeyStore ks = load("keystore", etc.resolve(keystore.trim()), keystorePassword);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, keystorePassword);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(truststore.isBlank() ? null : trusted(etc.resolve(truststore.trim()), truststorePassword));
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return new Tls(ctx, clientAuth);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS: " + e.getMessage(), e);
        }
    }

    /** A listening socket that speaks TLS, asking for the sender's certificate as configured. */
    SSLServerSocket serverSocket() throws IOException {
        SSLServerSocket s = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        s.setEnabledProtocols(PROTOCOLS);
        s.setNeedClientAuth(clientAuth.equals("need"));
        if (clientAuth.equals("want")) {
            s.setWantClientAuth(true);
        }
        return s;
    }

    /** TLS over a connected socket to the receiver {@code host}, its certificate checked against that name. */
    SSLSocket client(Socket plain, String host, int port) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setEndpointIdentificationAlgorithm("HTTPS"); // RFC 2818 name checks: the host or IP in the SAN
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    private static KeyStore load(String setting, Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            if (e.getCause() instanceof java.security.UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).contains("password")) {
                throw new IllegalArgumentException("." + setting + "Password: wrong for " + file, e);
            }
            throw new IllegalArgumentException(setting + ": cannot open " + file + " as PKCS#12: " + e, e);
        }
    }

    private static KeyStore trusted(Path file, char[] password) throws GeneralSecurityException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("truststore: cannot read " + file + ": " + e, e);
        }
        if (!new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.US_ASCII).contains("-----BEGIN")) {
            return load("truststore", file, password);
        }
        Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                .generateCertificates(new java.io.ByteArrayInputStream(bytes));
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("truststore: no certificate in " + file);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        int n = 0;
        for (Certificate c : certs) {
            ks.setCertificateEntry("trusted-" + n++, c);
        }
        return ks;
    }
}
