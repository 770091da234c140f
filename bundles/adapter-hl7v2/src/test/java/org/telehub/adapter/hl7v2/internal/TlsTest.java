package org.telehub.adapter.hl7v2.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interface's TLS settings read as an administrator writes them (a keystore the JDK's keytool made, its
 * certificate exported as PEM for trust), and each unusable one refused naming the setting, never the password.
 * The handshakes themselves are Hl7IT's, against Python's ssl.
 */
class TlsTest {
    @TempDir
    static Path etc;

    @BeforeAll
    static void keystore() throws Exception {
        keytool("-genkeypair", "-alias", "hub", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext",
                "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", "hub.p12", "-storepass",
                "right-password");
        keytool("-exportcert", "-rfc", "-alias", "hub", "-keystore", "hub.p12", "-storepass", "right-password",
                "-file", "hub.pem");
    }

    @Test
    void aKeystoreAndAPemTruststoreRelativeToEtc() {
        assertNotNull(Tls.of(etc, "hub.p12", "right-password".toCharArray(), "hub.pem", new char[0], "need"));
        assertNotNull(Tls.of(etc, "", new char[0], "", new char[0], "none"), "a client trusting the JDK's authorities");
    }

    @Test
    void whatCannotBeUsedIsNamedWithoutThePassword() throws Exception {
        String wrong = assertThrows(IllegalArgumentException.class, () -> Tls.of(etc, "hub.p12",
                "wrong-password".toCharArray(), "", new char[0], "none")).getMessage();
        assertTrue(wrong.startsWith(".keystorePassword: wrong") && !wrong.contains("wrong-password"), wrong);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tls.of(etc, "missing.p12", new char[0], "",
                new char[0], "none")).getMessage().startsWith("keystore: cannot open"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tls.of(etc, "", new char[0], "", new char[0],
                "sometimes")).getMessage().startsWith("clientAuth:"));
        Files.writeString(etc.resolve("empty.pem"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        assertThrows(IllegalArgumentException.class, () -> Tls.of(etc, "", new char[0], "empty.pem", new char[0],
                "none"));
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(etc.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    }
}
