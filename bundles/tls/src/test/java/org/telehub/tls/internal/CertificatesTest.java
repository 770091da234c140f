package org.telehub.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.tls.internal.Certificates.KeyMaterial;
import org.telehub.tls.internal.Certificates.KeystoreException;

class CertificatesTest {
    @TempDir
    Path dir;

    @Test
    void aSelfSignedCertificateIsAServerCertificateForEveryName() throws Exception {
        KeyMaterial m = Certificates.selfSigned(List.of("localhost", "127.0.0.1", "::1", "hub.clinic.example"),
                Instant.now());
        X509Certificate c = m.leaf();
        c.verify(c.getPublicKey());
        c.checkValidity();
        assertEquals(Set.of("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1", "hub.clinic.example"),
                Certificates.names(c));
        assertEquals("EC", c.getPublicKey().getAlgorithm());
        assertEquals(-1, c.getBasicConstraints(), "not a CA");
        assertTrue(c.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
        assertTrue(c.getSubjectX500Principal().getName().contains("CN=hub.clinic.example"));
        String expected = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        assertEquals(expected, Certificates.fingerprint(c));
        assertEquals(95, expected.length());
    }

    @Test
    void aWrittenKeystoreIsOwnerOnlyAndOpensWithItsPassword() throws Exception {
        KeyMaterial m = Certificates.selfSigned(List.of("localhost"), Instant.now());
        Path f = dir.resolve("tls/k.p12");
        Certificates.write(f, m, "pw-1".toCharArray());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        KeyMaterial back = Certificates.open(f, "pw-1".toCharArray(), "pw-1".toCharArray(), "");
        assertEquals(Certificates.fingerprint(m.leaf()), Certificates.fingerprint(back.leaf()));
    }

    @Test
    void whatIsWrongWithAKeystoreIsNamedNeverThePassword() throws Exception {
        KeyMaterial m = Certificates.selfSigned(List.of("localhost"), Instant.now());
        Path f = dir.resolve("k.p12");
        Certificates.write(f, m, "right-pw".toCharArray());
        KeystoreException wrong = assertThrows(KeystoreException.class,
                () -> Certificates.open(f, "wrong-pw".toCharArray(), "wrong-pw".toCharArray(), null));
        assertTrue(wrong.getMessage().contains("keystore password is wrong (setting .keystorePassword)"),
                wrong.getMessage());
        assertTrue(!wrong.getMessage().contains("wrong-pw") && !wrong.getMessage().contains("right-pw"));
        KeystoreException alias = assertThrows(KeystoreException.class,
                () -> Certificates.open(f, "right-pw".toCharArray(), "right-pw".toCharArray(), "other"));
        assertTrue(alias.getMessage().contains("(setting keyAlias)"), alias.getMessage());
        KeystoreException missing = assertThrows(KeystoreException.class, () -> Certificates
                .open(dir.resolve("none.p12"), "x".toCharArray(), "x".toCharArray(), null));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        Files.writeString(dir.resolve("junk.p12"), "not a keystore");
        KeystoreException junk = assertThrows(KeystoreException.class, () -> Certificates
                .open(dir.resolve("junk.p12"), "x".toCharArray(), "x".toCharArray(), null));
        assertTrue(junk.getMessage().contains("(setting keystore)"), junk.getMessage());
    }

    @Test
    void theRedirectKeepsHostPathAndQuery() {
        assertEquals("https://hub.example:8443/api/v1/health?x=1",
                HttpsFilter.location("hub.example", 8443, "/api/v1/health", "x=1"));
        assertEquals("https://hub.example/", HttpsFilter.location("hub.example", 443, "", null));
        assertEquals("https://[::1]:8443/a", HttpsFilter.location("::1", 8443, "/a", null));
        assertEquals("https://[::1]:8443/a", HttpsFilter.location("[::1]", 8443, "/a", null));
    }
}
