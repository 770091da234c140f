package org.telehub.reporting.internal.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telehub.domain.DomainException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.UnprocessableException;
import org.telehub.files.SecretBox;
import org.telehub.files.internal.TestFiles;
import org.telehub.persistence.TestDatabases;
import org.telehub.reporting.internal.pdf.TestPdfs;

/**
 * The signing keys on a real PostgreSQL with the bundle's migration and the files bundle's real secret box: keys
 * sealed, one CA and one signer per doctor however many nodes ask at once, a doctor's own PKCS#12 (made by the JDK's
 * keytool, as a CA's would be handed out) imported and used, bad files refused by name.
 */
class SigningKeysTest {
    @TempDir
    Path dir;
    private Jdbi jdbi;
    private SecretBox box;

    @BeforeEach
    void setUp() throws Exception {
        jdbi = Jdbi.create(TestDatabases.postgres());
        TestFiles.migrate(jdbi);
        try (InputStream in = getClass().getResourceAsStream("/db/migration/reporting/V1__signing_keys.sql")) {
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            jdbi.useHandle(h -> h.createScript(sql).execute());
        }
        box = TestFiles.secretBox(jdbi, dir);
    }

    private SigningKeys keys() {
        return new SigningKeys(jdbi, box, Clock.systemUTC(), "North Clinic");
    }

    @Test
    void theCaAndADoctorsSignerAreMadeOnceAndKeptSealed() throws Exception {
        SigningKeys keys = keys();
        PadesSigner.Signer first = keys.signer("d-1", "Dr. Sara Karimi");
        // another node, or the next start: the same CA and signer, from the database
        SigningKeys again = keys();
        PadesSigner.Signer second = again.signer("d-1", "Dr. Sara Karimi");
        assertEquals(first.chain(), second.chain());
        assertEquals(first.key(), second.key());
        assertEquals(keys.authority().certificate(), again.authority().certificate());
        assertEquals(2, first.chain().size(), "the doctor's certificate, then the CA's");
        assertEquals(keys.authority().certificate(), first.chain().get(1));
        first.chain().get(0).verify(keys.authority().certificate().getPublicKey());
        assertTrue(keys.authorityPem().startsWith("-----BEGIN CERTIFICATE-----"));
        assertEquals("clinic-ca", keys.active("d-1").orElseThrow().source());
        // no key in the clear anywhere in the tables: every stored key is a sealed value
        List<String> stored = jdbi.withHandle(h -> h.createQuery("SELECT key_sealed FROM report_signer UNION ALL"
                + " SELECT key_sealed FROM report_signing_ca").mapTo(String.class).list());
        assertEquals(2, stored.size());
        for (String k : stored) {
            assertTrue(box.isSealed(k) && k.startsWith("sb1:"), "sealed, not PKCS#8: " + k);
        }
        // a second doctor gets their own key from the same CA
        PadesSigner.Signer other = keys.signer("d-2", "Dr. Ali Rezaei");
        assertNotEquals(first.key(), other.key());
        assertEquals(first.chain().get(1), other.chain().get(1));
    }

    @Test
    void aCaNearItsEndIsReplacedSoADoctorsCertificateGetsItsFullTerm() throws Exception {
        Instant now = Instant.now();
        SigningKeys keys = keys();
        java.security.cert.X509Certificate first = keys.authority().certificate();
        // eight years on the CA has two left, less than a doctor's three: a new CA issues, the old one is kept
        SigningKeys later = new SigningKeys(jdbi, box, Clock.fixed(now.plusSeconds(8L * 365 * 86400),
                ZoneOffset.UTC), "North Clinic");
        java.security.cert.X509Certificate second = later.authority().certificate();
        assertNotEquals(first, second);
        PadesSigner.Signer s = later.signer("d-late", "Dr. Late");
        assertEquals(second, s.chain().get(1));
        assertTrue(s.chain().get(0).getNotAfter().toInstant().isAfter(now.plusSeconds(10L * 365 * 86400)),
                "three years from then, not cut at the old CA's end");
        String trusted = later.authorityPem();
        assertEquals(2, trusted.split("BEGIN CERTIFICATE").length - 1, "both CAs still trusted while valid");
        assertEquals(1, (int) jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM report_signing_ca WHERE slot"
                + " = 'active'").mapTo(Integer.class).one()));
    }

    @Test
    void eightNodesAskingAtOnceAgreeOnOneCaAndOneSigner() throws Exception {
        int n = 8;
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<PadesSigner.Signer>> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Callable<PadesSigner.Signer> c = () -> {
                SigningKeys node = keys();
                start.await(10, TimeUnit.SECONDS);
                return node.signer("d-race", "Dr. Race");
            };
            got.add(pool.submit(c));
        }
        Set<Object> certs = new HashSet<>();
        for (Future<PadesSigner.Signer> f : got) {
            certs.add(f.get(60, TimeUnit.SECONDS).chain().get(0));
        }
        pool.shutdown();
        assertEquals(1, certs.size(), "one signer for all");
        assertEquals(1, (int) jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM report_signing_ca")
                .mapTo(Integer.class).one()));
        assertEquals(1, (int) jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM report_signer WHERE doctor_id ="
                + " 'd-race'").mapTo(Integer.class).one()));
    }

    @Test
    void aDoctorsOwnPkcs12ReplacesTheClinicsAndSignsVerifiably() throws Exception {
        SigningKeys keys = keys();
        PadesSigner.Signer clinic = keys.signer("d-1", "Dr. Sara Karimi");
        Path p12 = keytool("own.p12", "RSA", "3072", "digitalSignature,nonRepudiation", 365, "EKU=emailProtection");
        SigningKeys.Info info = keys.importPkcs12("d-1", Files.readAllBytes(p12), "s3cret-pass".toCharArray());
        assertEquals("imported", info.source());
        assertTrue(info.subject().contains("CN=Dr. Sara Karimi"), info.subject());
        PadesSigner.Signer own = keys.signer("d-1", "Dr. Sara Karimi");
        assertNotEquals(clinic.chain().get(0), own.chain().get(0));
        assertEquals("RSA", own.key().getAlgorithm());
        assertEquals(1, (int) jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM report_signer WHERE doctor_id = 'd-1'"
                + " AND NOT active AND retired_at IS NOT NULL").mapTo(Integer.class).one()), "the old one kept");
        // the signature verifies (pdfsig: valid; its issuer is the doctor's own self-signed CA here)
        Path signed = dir.resolve("own-signed.pdf");
        Files.write(signed, PadesSigner.sign(TestPdfs.englishReport(), own, "Dr. Sara Karimi", "Approved",
                "North Clinic", Instant.now()));
        String out = TestPdfs.run("pdfsig", signed.toString());
        assertTrue(out.contains("Signature Validation: Signature is Valid."), out);
        assertTrue(out.contains("Signing Hash Algorithm: SHA-256"), out);
    }

    @Test
    void badFilesAreRefusedByName() throws Exception {
        SigningKeys keys = keys();
        Path good = keytool("good.p12", "EC", "256", "digitalSignature", 365, null);
        DomainException wrong = assertThrows(InvalidException.class, () -> keys.importPkcs12("d-1",
                Files.readAllBytes(good), "not-the-password".toCharArray()));
        assertEquals("password", wrong.field());
        assertFalse(wrong.getMessage().contains("not-the-password"));
        DomainException notP12 = assertThrows(InvalidException.class, () -> keys.importPkcs12("d-1",
                "%PDF-1.7 not a keystore".getBytes(StandardCharsets.US_ASCII), "x".toCharArray()));
        assertEquals("pkcs12", notP12.field());
        Path tls = keytool("tls-only.p12", "EC", "256", "keyEncipherment", 365, null);
        DomainException usage = assertThrows(UnprocessableException.class, () -> keys.importPkcs12("d-1",
                Files.readAllBytes(tls), "s3cret-pass".toCharArray()));
        assertTrue(usage.getMessage().contains("may not sign documents"), usage.getMessage());
        // a web server's certificate: digitalSignature, but for TLS servers only (NSS would refuse it as a signer)
        Path server = keytool("server.p12", "EC", "256", "digitalSignature", 365, "EKU=serverAuth");
        DomainException purpose = assertThrows(UnprocessableException.class, () -> keys.importPkcs12("d-1",
                Files.readAllBytes(server), "s3cret-pass".toCharArray()));
        assertTrue(purpose.getMessage().contains("extended key usage"), purpose.getMessage());
        Path ca = keytool("ca.p12", "EC", "256", "digitalSignature,keyCertSign", 365, "BC:c=ca:true");
        DomainException isCa = assertThrows(UnprocessableException.class, () -> keys.importPkcs12("d-1",
                Files.readAllBytes(ca), "s3cret-pass".toCharArray()));
        assertTrue(isCa.getMessage().contains("a CA's"), isCa.getMessage());
        // valid for a year from now, but the hub's clock is two years on: expired
        SigningKeys later = new SigningKeys(jdbi, box, Clock.fixed(Instant.now().plusSeconds(2L * 365 * 86400),
                ZoneOffset.UTC), "North Clinic");
        DomainException expired = assertThrows(UnprocessableException.class, () -> later.importPkcs12("d-1",
                Files.readAllBytes(good), "s3cret-pass".toCharArray()));
        assertTrue(expired.getMessage().contains("not now"), expired.getMessage());
        assertTrue(keys.active("d-1").isEmpty(), "nothing half-imported");
    }

    private Path keytool(String name, String alg, String size, String usage, int days, String ext)
            throws Exception {
        Path p12 = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("keytool", "-genkeypair", "-alias", "signer", "-keyalg", alg,
                "-keysize", size, "-dname", "CN=Dr. Sara Karimi,O=Own CA", "-ext", "KU=" + usage, "-validity",
                String.valueOf(days), "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass",
                "s3cret-pass"));
        cmd.addAll(ext == null ? List.of("-ext", "BC:c=ca:false") : ext.startsWith("BC") ? List.of("-ext", ext)
                : List.of("-ext", ext, "-ext", "BC:c=ca:false"));
        String out = TestPdfs.run(cmd.toArray(String[]::new));
        assertTrue(out.startsWith("exit 0"), out);
        return p12;
    }
}
