package org.telehub.reporting.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;

import org.junit.jupiter.api.Test;
import org.telehub.reporting.Reports;
import org.telehub.reporting.Reports.Content;
import org.telehub.reporting.internal.pdf.PdfRenderer;
import org.telehub.reporting.internal.pdf.ReportLayout;
import org.telehub.reporting.internal.pdf.TestPdfs;

/**
 * A report's content as its PDF prints it, in each language: every label translated (the three label files have
 * the same keys), Persian dates in the Solar Hijri calendar with Persian digits, and what the doctor wrote read back
 * by poppler's {@code pdftotext}.
 */
class ReportDocumentTest {
    private static final Instant VISIT = Instant.parse("2026-12-04T07:00:00Z");
    private static final Instant NOW = Instant.parse("2026-12-04T08:15:00Z");

    static Content content(String language) {
        return new Content(language, "Tired for three weeks.", "BP 138/86 mmHg", "Type 2 diabetes", "Start metformin",
                List.of(new Reports.Diagnosis("icd10", "E11.9", "Type 2 diabetes mellitus without complications",
                        true)),
                List.of(new Reports.Medication("m1", "Metformin 500 mg tablet", "1 tablet", "oral", "twice a day",
                        "90 days", 180, 2, "with meals")),
                List.of(new Reports.Order("lab", "4548-4", "HbA1c in 3 months")), new Reports.FollowUp(90, "new HbA1c"));
    }

    static ReportDocument.Parties parties() {
        return new ReportDocument.Parties(new ReportLayout.Letterhead("North Clinic", List.of("12 Harbour Road"), null),
                ZoneId.of("Asia/Tehran"), "Zhaleh Pakzad", LocalDate.of(1975, 3, 14), "p-1", "Dr Sara Karimi",
                "Endocrinology", "video", VISIT);
    }

    @Test
    void theLabelFilesHaveTheSameKeys() {
        ResourceBundle en = ReportDocument.labels("en");
        for (String lang : List.of("fa", "ru")) {
            ResourceBundle other = ReportDocument.labels(lang);
            assertEquals(java.util.Set.copyOf(java.util.Collections.list(en.getKeys())),
                    java.util.Set.copyOf(java.util.Collections.list(other.getKeys())), lang);
            assertEquals(lang, other.getLocale().getLanguage(), "no fallback to English: " + lang);
        }
    }

    @Test
    void persianDatesAreSolarHijriWithPersianDigits() {
        String when = ReportDocument.when(ReportDocument.labels("fa"), VISIT, ZoneId.of("Asia/Tehran"),
                Locale.forLanguageTag("fa"));
        // 4 December 2026, 10:30 in Tehran is 13 Azar 1405
        assertTrue(when.startsWith("۱۳ آذر ۱۴۰۵"), when);
        assertTrue(when.contains("۱۰:۳۰"), when);
        assertFalse(when.matches(".*[0-9].*"), "no Latin digits: " + when);
        String en = ReportDocument.when(ReportDocument.labels("en"), VISIT, ZoneId.of("Asia/Tehran"), Locale.ENGLISH);
        assertTrue(en.startsWith("4 December 2026, 10:30"), en);
    }

    @Test
    void eachLanguagePrintsTheReportAndReadsBack() throws Exception {
        for (String lang : Reports.LANGUAGES) {
            byte[] pdf = new PdfRenderer().render(ReportDocument.report(content(lang), parties(), false, NOW));
            Path file = TestPdfs.artefacts().resolve("report-document-" + lang + ".pdf");
            Files.write(file, pdf);
            String out = TestPdfs.run("pdftotext", "-enc", "UTF-8", file.toString(), "-");
            assertTrue(out.startsWith("exit 0"), out);
            String text = out.replaceAll("[\u200E\u200F\u202A-\u202E\u2066-\u2069]", "").replaceAll("[ \\t]+", " ");
            ResourceBundle l = ReportDocument.labels(lang);
            for (String key : List.of("title", "subjective", "objective", "assessment", "plan", "prescription",
                    "diagnoses", "orders", "followUp")) {
                // the zero-width non-joiner has no glyph, so it is not in the text read back
                assertTrue(text.contains(l.getString(key).replace("\u200C", "")), lang + " lacks " + key + ": " + text);
            }
            assertTrue(text.contains("Metformin 500 mg tablet") && text.contains("E11.9") && text.contains("Zhaleh"
                    + " Pakzad"), text);
            assertTrue(text.contains(lang.equals("fa") ? "۱۸۰" : "180"), "the quantity in the reader's digits: " + text);
        }
        byte[] draft = new PdfRenderer().render(ReportDocument.report(content("en"), parties(), true, NOW));
        Path file = TestPdfs.artefacts().resolve("report-document-draft.pdf");
        Files.write(file, draft);
        assertTrue(TestPdfs.run("pdftotext", file.toString(), "-").contains("draft, not signed"));
    }
}
