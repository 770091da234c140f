package org.telehub.reporting.internal.sign;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Signs a PDF as PAdES baseline B-B (ETSI EN 319 142-1): an incremental update adds a signature field whose
 * {@code /Contents} is a detached CMS SignedData ({@code /SubFilter /ETSI.CAdES.detached}) over the file's byte
 * ranges, with the signer's certificate chain and the ESS signing-certificate-v2 attribute that binds the signer's
 * certificate to the signature; the claimed signing time is the dictionary's {@code /M}, never a CMS signing-time
 * attribute, which B-B forbids. PDFBox writes the PDF side, Bouncy Castle the CMS; the JDK signs (ECDSA or RSA,
 * SHA-256). B-T and later levels need a time-stamping authority, which the hub does not have: not done.
 */
public final class PadesSigner {
    /** The signer's key and certificate chain, the signer's own certificate first. */
    public record Signer(PrivateKey key, List<X509Certificate> chain) {
        public Signer {
            chain = List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("a signer needs its certificate");
            }
        }
    }

    /**
     * Room kept in the file for the CMS beyond its certificates (the signed attributes, the signature, the
     * structure): a chain of two EC certificates needs about 1.5 KB in all, a real CA's RSA 4096 chain with
     * intermediates several times that, so the room grows with the chain.
     */
    static final int RESERVED = 8_192;

    private PadesSigner() {
    }

    /**
     * {@code pdf} signed by {@code signer} at {@code time}, with the reason and location readers show; the original
     * bytes stay the file's first bytes (an incremental update).
     */
    public static byte[] sign(byte[] pdf, Signer signer, String name, String reason, String location, Instant time)
            throws IOException, GeneralSecurityException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDSignature sig = new PDSignature();
            sig.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            sig.setSubFilter(PDSignature.SUBFILTER_ETSI_CADES_DETACHED);
            sig.setName(name);
            sig.setReason(reason);
            sig.setLocation(location);
            Calendar when = GregorianCalendar.getInstance(TimeZone.getTimeZone("UTC"), Locale.ROOT);
            when.setTimeInMillis(time.toEpochMilli());
            sig.setSignDate(when);
            int chainBytes = 0;
            for (X509Certificate c : signer.chain()) {
                chainBytes += c.getEncoded().length;
            }
            int room = RESERVED + chainBytes;
            try (SignatureOptions options = new SignatureOptions()) {
                options.setPreferredSignatureSize(room);
                doc.addSignature(sig, content -> {
                    try {
                        return cms(content, signer);
                    } catch (GeneralSecurityException e) {
                        throw new IOException("signing failed: " + e.getMessage(), e);
                    }
                }, options);
                ByteArrayOutputStream out = new ByteArrayOutputStream(pdf.length + room * 2 + 4096);
                doc.saveIncremental(out);
                return out.toByteArray();
            }
        }
    }

    /** The detached CMS SignedData over {@code content}. */
    static byte[] cms(InputStream content, Signer signer) throws IOException, GeneralSecurityException {
        X509Certificate cert = signer.chain().get(0);
        String keyAlgorithm = signer.key().getAlgorithm();
        String algorithm = "EC".equals(keyAlgorithm) || "ECDSA".equals(keyAlgorithm) ? "SHA256withECDSA"
                : "SHA256withRSA";
        try {
            // ESS signing-certificate-v2 (RFC 5035): the signer's certificate by its SHA-256 hash, issuer and serial
            ESSCertIDv2 certId = new ESSCertIDv2(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256),
                    MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()), new IssuerSerial(
                            new GeneralNames(new GeneralName(X500Name.getInstance(cert.getIssuerX500Principal()
                                    .getEncoded()))), cert.getSerialNumber()));
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            attributes.add(new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificateV2, new DERSet(
                    new SigningCertificateV2(new ESSCertIDv2[] {certId}))));
            DefaultSignedAttributeTableGenerator signedAttributes = new DefaultSignedAttributeTableGenerator(
                    new AttributeTable(attributes)) {
                @Override
                @SuppressWarnings({"rawtypes", "unchecked"})
                protected Hashtable createStandardAttributeTable(Map parameters) {
                    Hashtable table = super.createStandardAttributeTable(parameters);
                    table.remove(CMSAttributes.signingTime);
                    return table;
                }
            };
            SignerInfoGenerator info = new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder()
                    .build()).setSignedAttributeGenerator(signedAttributes).build(new JcaContentSignerBuilder(
                            algorithm).build(signer.key()), cert);
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(info);
            generator.addCertificates(new JcaCertStore(signer.chain()));
            return generator.generate(new CMSProcessableByteArray(content.readAllBytes()), false).getEncoded("DER");
        } catch (OperatorCreationException | CMSException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }
}
