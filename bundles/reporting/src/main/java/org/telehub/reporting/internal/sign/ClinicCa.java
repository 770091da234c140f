package org.telehub.reporting.internal.sign;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The clinic's own certification authority, the default source of doctors' signing certificates: a clinic without a
 * commercial CA still gets signatures any PDF reader verifies once the clinic's CA certificate is trusted (as the
 * tests do with {@code pdfsig} and an NSS database). EC P-256 keys, SHA256withECDSA, made by the JDK's providers;
 * Bouncy Castle only builds the X.509 structures. A doctor's certificate is for document signing: key usage
 * digitalSignature and nonRepudiation (what NSS asks of a document signer), no extended key usage, not a CA.
 */
public final class ClinicCa {
    /** A key and its certificate. */
    public record Issued(PrivateKey key, X509Certificate certificate) {
    }

    static final Duration CA_VALIDITY = Duration.ofDays(3653);
    static final Duration SIGNER_VALIDITY = Duration.ofDays(1096);

    private ClinicCa() {
    }

    /** A new CA for {@code clinic}, valid for ten years from {@code now}. */
    public static Issued newAuthority(String clinic, Instant now) throws GeneralSecurityException {
        KeyPair pair = ecKey();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, clinic + " signing CA")
                .addRDN(BCStyle.O, clinic).build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(
                    300)), Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new Issued(pair.getPrivate(), sign(b, pair.getPrivate()));
        } catch (CertIOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /**
     * A signing key and certificate for a doctor, issued by {@code ca}: subject the doctor's name, the clinic, and
     * the hub's user id as the unique identifier; valid three years, never beyond the CA's own end.
     */
    public static Issued issue(Issued ca, String doctorName, String clinic, String userId, Instant now)
            throws GeneralSecurityException {
        KeyPair pair = ecKey();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, doctorName)
                .addRDN(BCStyle.O, clinic).addRDN(BCStyle.UID, userId).build();
        Instant end = now.plus(SIGNER_VALIDITY);
        Instant caEnd = ca.certificate().getNotAfter().toInstant();
        if (end.isAfter(caEnd)) {
            end = caEnd;
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(), Date.from(
                    now.minusSeconds(300)), Date.from(end), subject, pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
                    | KeyUsage.nonRepudiation));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(
                    ca.certificate()));
            return new Issued(pair.getPrivate(), sign(b, ca.key()));
        } catch (CertIOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair ecKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return new BigInteger(1, b);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(
                    "SHA256withECDSA").build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
