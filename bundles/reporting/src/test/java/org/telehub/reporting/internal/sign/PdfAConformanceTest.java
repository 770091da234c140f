package org.telehub.reporting.internal.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telehub.reporting.internal.pdf.TestPdfs;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;

/**
 * The PDF/A-3b claim checked by veraPDF 1.28 (the PDF Association's validator, with its own parser, not PDFBox's):
 * the English and the Persian report, a signed one (the signature's incremental update must keep it PDF/A), and
 * notes with signs from the fallback faces and characters no face has.
 */
class PdfAConformanceTest {
    @BeforeAll
    static void init() {
        VeraGreenfieldFoundryProvider.initialise();
    }

    @Test
    void englishPersianAndSignedReportsArePdfA3b() throws Exception {
        ClinicCa.Issued ca = ClinicCa.newAuthority("North Clinic", Instant.now());
        ClinicCa.Issued doctor = ClinicCa.issue(ca, "Dr. Sara Karimi", "North Clinic", "u-1", Instant.now());
        byte[] signed = PadesSigner.sign(TestPdfs.persianReport(), new PadesSigner.Signer(doctor.key(),
                List.of(doctor.certificate(), ca.certificate())), "Dr. Sara Karimi", "Approved", "North Clinic",
                Instant.now());
        // the notes with fallback faces and unprintable characters too: no .notdef glyph (clause 6.2.11.8)
        for (byte[] pdf : List.of(TestPdfs.englishReport(), TestPdfs.persianReport(), signed,
                TestPdfs.symbolsReport(false), TestPdfs.symbolsReport(true))) {
            ValidationResult r = validate(pdf);
            assertEquals(PDFAFlavour.PDFA_3_B, r.getPDFAFlavour());
            assertTrue(r.isCompliant(), failures(r));
        }
    }

    /** The validator is not a formality: the same report without its output intent fails. */
    @Test
    void withoutTheOutputIntentItIsNot() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PDDocument doc = Loader.loadPDF(TestPdfs.englishReport())) {
            doc.getDocumentCatalog().getCOSObject().removeItem(org.apache.pdfbox.cos.COSName.OUTPUT_INTENTS);
            doc.save(out);
        }
        ValidationResult r = validate(out.toByteArray());
        assertFalse(r.isCompliant());
        assertTrue(failures(r).contains("6.2.4"), failures(r));
    }

    private static ValidationResult validate(byte[] pdf) throws Exception {
        try (PDFAParser parser = Foundries.defaultInstance().createParser(new ByteArrayInputStream(pdf))) {
            PDFAValidator validator = Foundries.defaultInstance().createValidator(parser.getFlavour(), false);
            return validator.validate(parser);
        }
    }

    private static String failures(ValidationResult r) {
        return r.getTestAssertions().stream().filter(t -> t.getStatus() != TestAssertion.Status.PASSED)
                .map(t -> t.getRuleId().getClause() + " " + t.getMessage()).distinct().collect(Collectors.joining(
                        "\n"));
    }
}
