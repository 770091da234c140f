package org.telehub.reporting.internal.sign;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.telehub.domain.ConflictException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.UnprocessableException;
import org.telehub.files.SecretBox;

/**
 * Where reports' signing keys live: the clinic's CA (made at first use) and each doctor's active signer — one the CA
 * issued, or the doctor's own PKCS#12 from a CA of their choosing. Private keys are sealed with the hub's master key
 * ({@link SecretBox}) before they reach the database and opened only to sign; neither a key nor a PKCS#12 password is
 * ever logged or returned. Several nodes starting at once agree on one CA and one signer per doctor (the database's
 * unique keys decide; the others read the winner's row).
 */
public final class SigningKeys {
    /** A signer the clinic's CA issued is renewed this long before its end. */
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    /**
     * Extended key usages a PDF reader accepts for a document signer: e-mail protection (what NSS and so poppler
     * check), document signing (RFC 9336), Adobe's authentic documents, any.
     */
    static final List<String> DOCUMENT_SIGNING = List.of("1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.36",
            "1.2.840.113583.1.1.5", "2.5.29.37.0");

    /** A doctor's signer as shown to people: never the key. */
    public record Info(String id, String source, String subject, Instant notAfter) {
    }

    private final Jdbi jdbi;
    private final SecretBox box;
    private final Clock clock;
    private final String clinic;

    public SigningKeys(Jdbi jdbi, SecretBox box, Clock clock, String clinic) {
        this.jdbi = jdbi;
        this.box = box;
        this.clock = clock;
        this.clinic = clinic;
    }

    /**
     * The clinic's CA that issues now: made the first time it is asked for, and anew when the current one has less
     * left than a doctor's certificate lasts (so a doctor's certificate always gets its full three years); the old
     * one is retired and kept.
     */
    public ClinicCa.Issued authority() throws GeneralSecurityException {
        Instant now = clock.instant();
        Optional<String[]> row = caRow();
        if (row.isPresent() && Instant.parse(row.get()[3]).isBefore(now.plus(ClinicCa.SIGNER_VALIDITY).plus(
                RENEW_BEFORE))) {
            String old = row.get()[2];
            jdbi.useHandle(h -> h.createUpdate("UPDATE report_signing_ca SET slot = NULL, retired_at = :t WHERE id ="
                    + " :id AND slot = 'active'").bind("id", old).bind("t", now).execute());
            row = Optional.empty();
        }
        if (row.isEmpty()) {
            ClinicCa.Issued fresh = ClinicCa.newAuthority(clinic, now);
            String id = UUID.randomUUID().toString();
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO report_signing_ca (id, slot, certificate, key_sealed,"
                    + " not_after, created_at) VALUES (:id, 'active', :c, :k, :na, :t) ON CONFLICT (slot) DO NOTHING")
                    .bind("id", id).bind("c", pem(List.of(fresh.certificate())))
                    .bind("k", box.seal(encodeKey(fresh.key()), "report_signing_ca.key:" + id))
                    .bind("na", fresh.certificate().getNotAfter().toInstant()).bind("t", now).execute());
            row = caRow();
        }
        String[] r = row.orElseThrow();
        return new ClinicCa.Issued(decodeKey(box.open(r[1], "report_signing_ca.key:" + r[2])), certificates(r[0])
                .get(0));
    }

    /**
     * The CA certificates a PDF reader is told to trust to see the doctors' signatures trusted (PEM): the one that
     * issues now and retired ones not yet expired, whose doctors' certificates may still be in use.
     */
    public String authorityPem() throws GeneralSecurityException {
        authority();
        List<String> pems = jdbi.withHandle(h -> h.createQuery("SELECT certificate FROM report_signing_ca WHERE"
                + " not_after > :t ORDER BY created_at DESC").bind("t", clock.instant()).mapTo(String.class).list());
        return String.join("", pems);
    }

    /**
     * The doctor's signer: the active one, or the first time (and 30 days before its certificate ends) one the
     * clinic's CA issues.
     *
     * @throws UnprocessableException when the doctor's imported certificate has expired (they import a new one)
     */
    public PadesSigner.Signer signer(String doctorId, String doctorName) throws GeneralSecurityException {
        return activeSigner(doctorId, doctorName).signer();
    }

    /** A signer and the id of its row (what a signature records as who signed). */
    public record Active(String id, PadesSigner.Signer signer) {
    }

    /** As {@link #signer}, with the row it came from: the key and the id read together. */
    public Active activeSigner(String doctorId, String doctorName) throws GeneralSecurityException {
        Instant now = clock.instant();
        Optional<Row> active = activeRow(doctorId);
        if (active.isPresent() && active.get().notAfter.isBefore(now.plus(RENEW_BEFORE))) {
            if ("imported".equals(active.get().source)) {
                if (active.get().notAfter.isBefore(now)) {
                    throw new UnprocessableException("signer", "the doctor's signing certificate expired on "
                            + active.get().notAfter + ": import a new one");
                }
            } else {
                retire(active.get().id, now);
                active = Optional.empty();
            }
        }
        if (active.isEmpty()) {
            ClinicCa.Issued ca = authority();
            ClinicCa.Issued issued = ClinicCa.issue(ca, doctorName, clinic, doctorId, now);
            String id = UUID.randomUUID().toString();
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO report_signer (id, doctor_id, source, chain, key_sealed,"
                    + " subject, not_after, active, created_at) VALUES (:id, :d, 'clinic-ca', :chain, :k, :s, :na,"
                    + " TRUE, :t) ON CONFLICT (doctor_id) WHERE active DO NOTHING").bind("id", id).bind("d", doctorId)
                    .bind("chain", pem(List.of(issued.certificate(), ca.certificate())))
                    .bind("k", box.seal(encodeKey(issued.key()), "report_signer.key:" + id))
                    .bind("s", issued.certificate().getSubjectX500Principal().getName())
                    .bind("na", issued.certificate().getNotAfter().toInstant()).bind("t", now).execute());
            active = activeRow(doctorId);
        }
        Row r = active.orElseThrow();
        return new Active(r.id, new PadesSigner.Signer(decodeKey(box.open(r.keySealed, "report_signer.key:" + r.id)),
                certificates(r.chain)));
    }

    /** The doctor's active signer, if any, as people may see it. */
    public Optional<Info> active(String doctorId) {
        return activeRow(doctorId).map(r -> new Info(r.id, r.source, r.subject, r.notAfter));
    }

    /**
     * Makes the doctor's own PKCS#12 (a certificate from a real CA and its key) their signer; the previous one is
     * retired, kept for the signatures it made. The file must open with {@code password}, hold a private key whose
     * certificate is valid now and allowed to sign documents (key usage digitalSignature or nonRepudiation when it
     * says), EC or RSA of at least 2048 bits; the key must sign what the certificate verifies.
     */
    public Info importPkcs12(String doctorId, byte[] file, char[] password) {
        KeyStore ks;
        try {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(file), password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains(
                    "password")) {
                throw new InvalidException("password", "the PKCS#12 file does not open with this password");
            }
            throw new InvalidException("pkcs12", "not a PKCS#12 (.p12/.pfx) file");
        } catch (GeneralSecurityException e) {
            throw new InvalidException("pkcs12", "not a PKCS#12 (.p12/.pfx) file");
        }
        PrivateKey key = null;
        List<X509Certificate> chain = new ArrayList<>();
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias)) {
                    Key k = ks.getKey(alias, password);
                    Certificate[] certs = ks.getCertificateChain(alias);
                    if (k instanceof PrivateKey pk && certs != null && certs.length > 0) {
                        key = pk;
                        for (Certificate c : certs) {
                            chain.add((X509Certificate) c);
                        }
                        break;
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            throw new InvalidException("password", "the private key does not open with this password");
        }
        if (key == null || chain.isEmpty()) {
            throw new UnprocessableException("pkcs12", "the PKCS#12 file holds no private key with its certificate");
        }
        X509Certificate cert = chain.get(0);
        Instant now = clock.instant();
        if (now.isBefore(cert.getNotBefore().toInstant()) || now.isAfter(cert.getNotAfter().toInstant())) {
            throw new UnprocessableException("pkcs12", "the certificate is valid from " + cert.getNotBefore()
                    .toInstant() + " until " + cert.getNotAfter().toInstant() + ", not now");
        }
        boolean[] usage = cert.getKeyUsage();
        if (usage != null && !usage[0] && !usage[1]) {
            throw new UnprocessableException("pkcs12", "the certificate may not sign documents (its key usage has"
                    + " neither digitalSignature nor nonRepudiation)");
        }
        if (cert.getBasicConstraints() >= 0) {
            throw new UnprocessableException("pkcs12", "the certificate is a CA's, not a signer's");
        }
        List<String> purposes;
        try {
            purposes = cert.getExtendedKeyUsage();
        } catch (CertificateException e) {
            throw new UnprocessableException("pkcs12", "the certificate's extended key usage cannot be read");
        }
        if (purposes != null && purposes.stream().noneMatch(DOCUMENT_SIGNING::contains)) {
            throw new UnprocessableException("pkcs12", "the certificate's extended key usage " + purposes
                    + " does not include signing documents or e-mail (what PDF readers check)");
        }
        String algorithm = "ECDSA".equals(key.getAlgorithm()) ? "EC" : key.getAlgorithm();
        if (!"EC".equals(algorithm) && !"RSA".equals(algorithm)) {
            throw new UnprocessableException("pkcs12", "a " + algorithm + " key: EC or RSA keys sign reports");
        }
        if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() < 2048) {
            throw new UnprocessableException("pkcs12", "an RSA key of " + rsa.getModulus().bitLength()
                    + " bits: at least 2048");
        }
        try {
            String sigAlg = "EC".equals(algorithm) ? "SHA256withECDSA" : "SHA256withRSA";
            byte[] probe = "telehub signing key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(sigAlg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(sigAlg);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            if (!v.verify(sig)) {
                throw new UnprocessableException("pkcs12", "the private key is not the certificate's");
            }
        } catch (GeneralSecurityException e) {
            throw new UnprocessableException("pkcs12", "the private key is not the certificate's");
        }
        String id = UUID.randomUUID().toString();
        String chainPem;
        try {
            chainPem = pem(chain);
        } catch (GeneralSecurityException e) {
            throw new UnprocessableException("pkcs12", "a certificate in the file cannot be encoded");
        }
        String sealed = box.seal(encodeKey(key), "report_signer.key:" + id);
        try {
            jdbi.useTransaction(h -> {
                h.createUpdate("UPDATE report_signer SET active = FALSE, retired_at = :t WHERE doctor_id = :d AND"
                        + " active").bind("d", doctorId).bind("t", now).execute();
                h.createUpdate("INSERT INTO report_signer (id, doctor_id, source, chain, key_sealed, subject,"
                        + " not_after, active, created_at) VALUES (:id, :d, 'imported', :chain, :k, :s, :na, TRUE,"
                        + " :t)").bind("id", id).bind("d", doctorId).bind("chain", chainPem).bind("k", sealed)
                        .bind("s", cert.getSubjectX500Principal().getName())
                        .bind("na", cert.getNotAfter().toInstant()).bind("t", now).execute();
            });
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                throw new ConflictException("another import for this doctor finished first; look at the active"
                        + " signer");
            }
            throw e;
        }
        return new Info(id, "imported", cert.getSubjectX500Principal().getName(), cert.getNotAfter().toInstant());
    }

    private void retire(String id, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE report_signer SET active = FALSE, retired_at = :t WHERE id = :id"
                + " AND active").bind("id", id).bind("t", now).execute());
    }

    private record Row(String id, String source, String chain, String keySealed, String subject, Instant notAfter) {
    }

    private Optional<Row> activeRow(String doctorId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, source, chain, key_sealed, subject, not_after FROM"
                + " report_signer WHERE doctor_id = :d AND active").bind("d", doctorId).map((rs, c) -> new Row(
                        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getTimestamp(6).toInstant())).findOne());
    }

    /** The active CA: certificate, sealed key, id, not-after. */
    private Optional<String[]> caRow() {
        return jdbi.withHandle(h -> h.createQuery("SELECT certificate, key_sealed, id, not_after FROM"
                + " report_signing_ca WHERE slot = 'active'").map((rs, c) -> new String[] {rs.getString(1),
                        rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant().toString()}).findOne());
    }

    /** The key as {@code ALGORITHM:base64(PKCS#8)}, the form that is sealed. */
    static String encodeKey(PrivateKey key) {
        return key.getAlgorithm() + ":" + Base64.getEncoder().encodeToString(key.getEncoded());
    }

    static PrivateKey decodeKey(String encoded) throws GeneralSecurityException {
        int colon = encoded.indexOf(':');
        return KeyFactory.getInstance(encoded.substring(0, colon)).generatePrivate(new PKCS8EncodedKeySpec(
                Base64.getDecoder().decode(encoded.substring(colon + 1))));
    }

    static String pem(List<X509Certificate> chain) throws GeneralSecurityException {
        StringBuilder sb = new StringBuilder();
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        for (X509Certificate c : chain) {
            sb.append("-----BEGIN CERTIFICATE-----\n").append(b64.encodeToString(c.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        return sb.toString();
    }

    static List<X509Certificate> certificates(String pem) throws CertificateException {
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(
                pem.getBytes(StandardCharsets.US_ASCII)))) {
            out.add((X509Certificate) c);
        }
        return out;
    }
}
