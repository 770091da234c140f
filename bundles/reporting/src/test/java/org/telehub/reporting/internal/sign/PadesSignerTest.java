package org.telehub.reporting.internal.sign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telehub.reporting.internal.pdf.TestPdfs;

/**
 * Signatures checked by an independent verifier: poppler's {@code pdfsig} (Debian's poppler-utils, NSS underneath)
 * with the clinic's CA certificate trusted in an NSS database made by {@code certutil}, so the chain is checked too.
 */
class PadesSignerTest {
    private static final Instant NOW = Instant.parse("2026-12-04T09:45:00Z");
    private static ClinicCa.Issued ca;
    private static ClinicCa.Issued doctor;
    private static Path dir;
    private static Path trusted;
    private static Path empty;

    @BeforeAll
    static void setUp() throws Exception {
        ca = ClinicCa.newAuthority("North Clinic", NOW.minusSeconds(86_400));
        doctor = ClinicCa.issue(ca, "Dr. Sara Karimi", "North Clinic", "u-1234", NOW.minusSeconds(3600));
        dir = TestPdfs.artefacts();
        trusted = nssDb("nss-trusted");
        Path pem = dir.resolve("clinic-ca.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(ca.certificate().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        run("certutil", "-A", "-d", "sql:" + trusted, "-n", "North Clinic signing CA", "-t", "CT,C,C", "-i",
                pem.toString());
        empty = nssDb("nss-empty");
    }

    @Test
    void pdfsigFindsTheSignatureValidAndTheChainTrusted() throws Exception {
        byte[] pdf = TestPdfs.englishReport();
        byte[] signed = PadesSigner.sign(pdf, new PadesSigner.Signer(doctor.key(), List.of(doctor.certificate(),
                ca.certificate())), "Dr. Sara Karimi", "Approved visit report", "North Clinic", NOW);
        assertArrayEquals(pdf, Arrays.copyOf(signed, pdf.length), "an incremental update: the report's bytes first");
        Path file = dir.resolve("en-signed.pdf");
        Files.write(file, signed);
        String out = run("pdfsig", "-nssdir", "sql:" + trusted, file.toString());
        assertTrue(out.contains("Signer Certificate Common Name: Dr. Sara Karimi"), out);
        assertTrue(out.contains("Signature Type: ETSI.CAdES.detached"), out);
        assertTrue(out.contains("Signing Hash Algorithm: SHA-256"), out);
        assertTrue(out.contains("Total document signed"), out);
        assertTrue(out.contains("Signature Validation: Signature is Valid."), out);
        assertTrue(out.contains("Certificate Validation: Certificate is Trusted."), out);
        try (PDDocument doc = Loader.loadPDF(signed)) {
            PDSignature sig = doc.getLastSignatureDictionary();
            assertEquals("Approved visit report", sig.getReason());
            assertEquals(NOW.toEpochMilli(), sig.getSignDate().getTimeInMillis());
        }
    }

    @Test
    void withoutTheClinicsCaTheSignatureHoldsButTheSignerIsUnknown() throws Exception {
        Path file = dir.resolve("en-signed-untrusted.pdf");
        Files.write(file, PadesSigner.sign(TestPdfs.englishReport(), new PadesSigner.Signer(doctor.key(),
                List.of(doctor.certificate(), ca.certificate())), "Dr. Sara Karimi", "Approved", "North Clinic", NOW));
        String out = run("pdfsig", "-nssdir", "sql:" + empty, file.toString());
        assertTrue(out.contains("Signature Validation: Signature is Valid."), out);
        assertFalse(out.contains("Certificate is Trusted"), out);
        assertTrue(out.contains("Certificate issuer isn't Trusted") || out.contains("Unknown issuer"), out);
    }

    @Test
    void oneChangedByteBreaksIt() throws Exception {
        byte[] signed = PadesSigner.sign(TestPdfs.englishReport(), new PadesSigner.Signer(doctor.key(),
                List.of(doctor.certificate(), ca.certificate())), "Dr. Sara Karimi", "Approved", "North Clinic", NOW);
        // the producer's name in the signed range, changed by one letter: the file still parses
        byte[] producer = "Telehub".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(signed, producer);
        assertTrue(at > 0);
        signed[at + 5] = 'o';
        Path file = dir.resolve("en-signed-changed.pdf");
        Files.write(file, signed);
        String out = run("pdfsig", "-nssdir", "sql:" + trusted, file.toString());
        assertTrue(out.contains("Signature Validation: Digest Mismatch."), out);
        assertFalse(out.contains("Signature is Valid."), out);
    }

    /** PAdES B-B's CMS: the signing-certificate-v2 attribute names the doctor's certificate; no CMS signing-time. */
    @Test
    void theCmsCarriesSigningCertificateV2AndNoSigningTime() throws Exception {
        byte[] signed = PadesSigner.sign(TestPdfs.englishReport(), new PadesSigner.Signer(doctor.key(),
                List.of(doctor.certificate(), ca.certificate())), "Dr. Sara Karimi", "Approved", "North Clinic", NOW);
        try (PDDocument doc = Loader.loadPDF(signed)) {
            PDSignature sig = doc.getLastSignatureDictionary();
            assertEquals("ETSI.CAdES.detached", sig.getSubFilter());
            org.bouncycastle.cms.CMSSignedData cms = new org.bouncycastle.cms.CMSSignedData(
                    new org.bouncycastle.cms.CMSProcessableByteArray(sig.getSignedContent(signed)),
                    sig.getContents(signed));
            org.bouncycastle.cms.SignerInformation info = cms.getSignerInfos().getSigners().iterator().next();
            org.bouncycastle.asn1.cms.AttributeTable attrs = info.getSignedAttributes();
            assertEquals(null, attrs.get(org.bouncycastle.asn1.cms.CMSAttributes.signingTime), "no CMS signing-time");
            org.bouncycastle.asn1.cms.Attribute v2 = attrs.get(
                    org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_aa_signingCertificateV2);
            org.bouncycastle.asn1.ess.SigningCertificateV2 sc = org.bouncycastle.asn1.ess.SigningCertificateV2
                    .getInstance(v2.getAttrValues().getObjectAt(0));
            assertArrayEquals(java.security.MessageDigest.getInstance("SHA-256").digest(doctor.certificate()
                    .getEncoded()), sc.getCerts()[0].getCertHash(), "the doctor's certificate by its SHA-256");
            assertTrue(info.verify(new org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder()
                    .build(doctor.certificate())), "verifies with the doctor's key over the signed ranges");
            assertEquals(2, cms.getCertificates().getMatches(null).size(), "the chain travels with it");
        }
    }

    @Test
    void aDoctorsCertificateIsForSigningDocumentsOnly() throws Exception {
        assertEquals(-1, doctor.certificate().getBasicConstraints(), "not a CA");
        boolean[] usage = doctor.certificate().getKeyUsage();
        assertTrue(usage[0] && usage[1], "digitalSignature and nonRepudiation");
        assertFalse(usage[5], "no certificate signing");
        assertEquals(ca.certificate().getSubjectX500Principal(), doctor.certificate().getIssuerX500Principal());
        doctor.certificate().verify(ca.certificate().getPublicKey());
        assertTrue(doctor.certificate().getSubjectX500Principal().getName().contains("UID=u-1234"));
        assertEquals(0, ca.certificate().getBasicConstraints(), "a CA that issues only end entities");
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Path nssDb(String name) throws Exception {
        Path db = dir.resolve(name);
        if (Files.exists(db)) {
            try (var files = Files.walk(db)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(db);
        run("certutil", "-N", "-d", "sql:" + db, "--empty-password");
        return db;
    }

    private static String run(String... cmd) throws Exception {
        String out = TestPdfs.run(cmd);
        assertTrue(out.startsWith("exit 0"), out);
        return out;
    }
}
