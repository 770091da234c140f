package org.telehub.tls.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Keystores and certificates, on the JDK's providers (SunEC signs); BouncyCastle only builds the X.509 structure
 * (the JDK has no public API for that), so no provider is registered.
 */
final class Certificates {
    static final String ALIAS = "telehub";
    static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(825);
    /** A self-signed certificate this close to its end is replaced at start. */
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private Certificates() {
    }

    /** A private key and its chain, taken from a keystore. */
    record KeyMaterial(PrivateKey key, Certificate[] chain) {
        X509Certificate leaf() {
            return (X509Certificate) chain[0];
        }
    }

    /** Why a keystore cannot be used; the message names the setting at fault, never the password. */
    static final class KeystoreException extends Exception {
        private static final long serialVersionUID = 1L;

        KeystoreException(String message, Throwable cause) {
            super(message, cause);
        }

        KeystoreException(String message) {
            super(message);
        }
    }

    /** A new EC P-256 key and a self-signed server certificate for these names (DNS names or IP addresses). */
    static KeyMaterial selfSigned(Collection<String> names, Instant now) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair pair = g.generateKeyPair();
        X500Name subject = new X500Name("CN=" + cnFor(names) + ",O=Telehub (self-signed)");
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        serial[0] &= 0x7f;
        Date from = Date.from(now.minus(Duration.ofHours(1)));
        Date to = Date.from(now.plus(SELF_SIGNED_VALIDITY));
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(1, serial), from, to,
                    subject, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            List<GeneralName> san = new ArrayList<>();
            for (String n : names) {
                san.add(isIp(n) ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(n).getHostAddress())
                        : new GeneralName(GeneralName.dNSName, n));
            }
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(san.toArray(GeneralName[]::new)));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            cert.verify(pair.getPublic());
            return new KeyMaterial(pair.getPrivate(), new Certificate[] {cert});
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot build the self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static String cnFor(Collection<String> names) {
        for (String n : names) {
            if (!isIp(n) && !n.equals("localhost")) {
                return n;
            }
        }
        return "localhost";
    }

    static boolean isIp(String name) {
        return name.matches("[0-9.]+") || name.contains(":");
    }

    /** The names a certificate's subjectAltName holds (DNS names and IP addresses, normalised). */
    static Set<String> names(X509Certificate cert) {
        Set<String> out = new LinkedHashSet<>();
        try {
            Collection<List<?>> san = cert.getSubjectAlternativeNames();
            if (san != null) {
                for (List<?> e : san) {
                    Object v = e.get(1);
                    if (v instanceof String s) {
                        out.add(normalise(s));
                    }
                }
            }
        } catch (CertificateException e) {
            // no readable names: treated as none
        }
        return out;
    }

    /** Host names lower-cased, IP addresses in their canonical text form. */
    static String normalise(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.startsWith("[") && n.endsWith("]")) {
            n = n.substring(1, n.length() - 1);
        }
        if (isIp(n)) {
            try {
                return InetAddress.getByName(n).getHostAddress();
            } catch (IOException e) {
                return n;
            }
        }
        return n;
    }

    /** SHA-256 over the DER encoding, as browsers and keytool show it: upper-case hex pairs joined by colons. */
    static String fingerprint(X509Certificate cert) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Opens a PKCS12 (or JKS) keystore and takes its private key entry ({@code alias}, or the first one). The
     * message of the exception says which of file, keystore password, alias or key password is wrong.
     */
    static KeyMaterial open(Path file, char[] storePassword, char[] keyPassword, String alias)
            throws KeystoreException {
        if (!Files.isRegularFile(file)) {
            throw new KeystoreException("keystore " + file + " does not exist or is not a file (setting keystore)");
        }
        if (!Files.isReadable(file)) {
            throw new KeystoreException("keystore " + file + " is not readable by the hub's user (setting keystore)");
        }
        KeyStore ks;
        try (InputStream in = Files.newInputStream(file)) {
            ks = KeyStore.getInstance(KeyStore.getDefaultType()); // pkcs12; JDK 17 also reads JKS through it
            ks.load(in, storePassword);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new KeystoreException("keystore " + file + ": the keystore password is wrong (setting"
                        + " .keystorePassword)", e);
            }
            throw new KeystoreException("keystore " + file + " is not a readable PKCS12 keystore: " + e.getMessage()
                    + " (setting keystore)", e);
        } catch (GeneralSecurityException e) {
            throw new KeystoreException("keystore " + file + " cannot be read: " + e.getMessage(), e);
        }
        try {
            String chosen = alias == null || alias.isBlank() ? null : alias.trim();
            if (chosen == null) {
                for (String a : java.util.Collections.list(ks.aliases())) {
                    if (ks.isKeyEntry(a)) {
                        chosen = a;
                        break;
                    }
                }
                if (chosen == null) {
                    throw new KeystoreException("keystore " + file + " holds no private key entry (setting keystore)");
                }
            } else if (!ks.isKeyEntry(chosen)) {
                throw new KeystoreException("keystore " + file + " has no private key entry '" + chosen
                        + "' (setting keyAlias)");
            }
            Key key;
            try {
                key = ks.getKey(chosen, keyPassword);
            } catch (UnrecoverableKeyException e) {
                throw new KeystoreException("keystore " + file + ": the key password of '" + chosen
                        + "' is wrong (setting .keyPassword)", e);
            }
            Certificate[] chain = ks.getCertificateChain(chosen);
            if (!(key instanceof PrivateKey pk) || chain == null || chain.length == 0
                    || !(chain[0] instanceof X509Certificate)) {
                throw new KeystoreException("keystore " + file + ": entry '" + chosen
                        + "' is not a private key with an X.509 certificate chain");
            }
            return new KeyMaterial(pk, chain);
        } catch (GeneralSecurityException e) {
            throw new KeystoreException("keystore " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Writes key and chain as a PKCS12 keystore readable by the owner only (written aside, then moved). */
    static void write(Path file, KeyMaterial m, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, m.key(), password, m.chain());
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        ownerOnly(tmp);
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
            ks.store(out, password);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Creates an empty file with mode 600 (where the file system has POSIX permissions). */
    static void ownerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
    }
}
