package org.telehub.reporting.internal.pdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.Test;

/**
 * The PDF read back by poppler (Debian's {@code pdftotext}, {@code pdfinfo}, {@code pdffonts}, {@code pdftoppm}), not
 * by the library that wrote it. Persian comes out as its letters in logical order (the renderer's own ToUnicode
 * maps), compared with bidi controls removed and without the zero-width non-joiner, which has no glyph.
 * Page images go to {@code target/pdf-artefacts} to be looked at.
 */
class PdfRendererTest {
    private final PdfRenderer renderer = new PdfRenderer(Fonts.get());

    @Test
    void englishReadsBackWithItsTableAndFootOnEveryPage() throws Exception {
        byte[] pdf = renderer.render(Samples.english(14));
        Path file = save("en.pdf", pdf);
        String info = TestPdfs.run("pdfinfo", file.toString());
        assertTrue(info.startsWith("exit 0"), info);
        assertTrue(info.matches("(?s).*Pages: +2\n.*"), info);
        assertTrue(info.matches("(?s).*Title: +Visit report — Jane Q\\. Doe\n.*"), info);
        String text = text(file);
        for (String expected : new String[] {"North Clinic", "Visit report", "Jane Q. Doe", "Subjective",
            "Tired for three weeks", "HbA1c 7.2 %", "E11.9 Type 2 diabetes mellitus", "Prescription",
            "Metformin 500 mg", "twice a day", "Page 1 of 2", "Page 2 of 2",
            "Generated 4 December 2026, 10:30 (Europe/Berlin)"}) {
            assertTrue(text.contains(expected), expected + " not in:\n" + text);
        }
        // the table's header again on its second page
        String page2 = text(file, 2);
        assertTrue(page2.contains("Medicine") && page2.contains("Refills"), page2);
        assertFontsEmbedded(file, "NotoSans-Regular", "NotoSans-Bold");
        image(file, "en");
    }

    @Test
    void persianIsShapedAndReadsBackAsPersian() throws Exception {
        byte[] pdf = renderer.render(Samples.persian(3));
        Path file = save("fa.pdf", pdf);
        // the text as drawn, not normalised: every glyph maps back to its letters (ligatures and the Persian digit
        // forms too), so no presentation form comes out; only the zero-width non-joiner, which has no glyph, is lost
        String raw = TestPdfs.run("pdftotext", "-enc", "UTF-8", file.toString(), "-");
        assertFalse(raw.codePoints().anyMatch(cp -> cp >= 0xFB50 && cp <= 0xFDFF || cp >= 0xFE70 && cp <= 0xFEFF),
                "presentation forms in: " + raw);
        String text = text(file);
        for (String expected : new String[] {"درمانگاه شمال", "گزارش ویزیت", "ژاله پاکزاد", "دکتر سارا کریمی",
            "شرح حال", "سه هفته است که خسته است", "ادرار دارد", "دیابت نوع ۲ بدون عارضه", "نسخه",
            "متفورمین ۵۰۰", "دو بار در روز با غذا", "صفحه ۱ از ۱", "HbA1c", "7.2%", "MRN-000123"}) {
            // poppler moves a space around a number inside right-to-left text: letters compared without spaces
            assertTrue(text.replaceAll("\\s+", "").contains(expected.replace("\u200C", "").replaceAll("\\s+", "")),
                    expected + " not in:\n" + text);
        }
        assertEquals("fa", lang(pdf));
        assertFontsEmbedded(file, "NotoNaskhArabic-Regular", "NotoNaskhArabic-Bold", "NotoSans-Regular");
        image(file, "fa");
    }

    @Test
    void russianReadsBack() throws Exception {
        Path file = save("ru.pdf", renderer.render(Samples.russian()));
        String text = text(file);
        for (String expected : new String[] {"Северная клиника", "Отчёт о визите", "Юлия Щербакова",
            "Слабость в течение трёх недель", "Страница 1 из 1"}) {
            assertTrue(text.contains(expected), expected + " not in:\n" + text);
        }
        image(file, "ru");
    }

    /**
     * Signs in no text font come from the fallback faces; what no face has is a visible U+FFFD, never the .notdef
     * glyph; a bracket the layout mirrors in right-to-left text (drawn with the other bracket's glyph) still reads
     * back as itself.
     */
    @Test
    void symbolsAndBracketsBothWaysReadBack() throws Exception {
        Path en = save("en-symbols.pdf", renderer.render(Samples.symbols(false)));
        String text = text(en);
        assertTrue(text.contains("HbA1c ≥ 7.0 % → start metformin ✓ (primary)"), text);
        assertTrue(text.contains("\uFFFD"), "emoji and Hebrew marked as not printable: " + text);
        assertFontsEmbedded(en, "NotoSans-Regular", "NotoSansMath-Regular", "NotoSansSymbols2-Regular");
        Path fa = save("fa-symbols.pdf", renderer.render(Samples.symbols(true)));
        String persian = text(fa).replaceAll("\\s+", "");
        // poppler places the brackets around a left-to-right word inside right-to-left text by its own guess; the
        // Persian pair and the left-to-right line's pair read back as drawn
        for (String expected : new String[] {"≥", "→", "✓", "(اصلی)", "Asia/Tehran", "(MRN-000123)[ref]"}) {
            assertTrue(persian.contains(expected), expected + " not in: " + persian);
        }
        image(fa, "fa-symbols");
    }

    @Test
    void carriesPdfA3Identification() throws Exception {
        byte[] pdf = renderer.render(Samples.english(2));
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            String xmp = new String(doc.getDocumentCatalog().getMetadata().toByteArray(), "UTF-8");
            assertTrue(xmp.contains("<pdfaid:part>3</pdfaid:part>"), xmp);
            assertTrue(xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"), xmp);
            assertEquals(1, doc.getDocumentCatalog().getOutputIntents().size());
        }
    }

    /** Each named font in {@code pdffonts}' list, and every font there embedded, subset and with ToUnicode. */
    private static void assertFontsEmbedded(Path file, String... names) throws Exception {
        String fonts = TestPdfs.run("pdffonts", file.toString());
        assertTrue(fonts.startsWith("exit 0"), fonts);
        int listed = 0;
        for (String line : fonts.split("\n")) {
            if (line.contains("CID TrueType")) {
                listed++;
                assertTrue(line.matches(".*Identity-H\\s+yes\\s+yes\\s+yes.*"), "embedded, subset, ToUnicode: " + line);
            }
        }
        for (String name : names) {
            assertTrue(fonts.contains(name), name + " not in:\n" + fonts);
        }
        assertTrue(listed >= names.length, fonts);
    }

    private static String lang(byte[] pdf) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return doc.getDocumentCatalog().getLanguage();
        }
    }

    private static Path save(String name, byte[] pdf) throws Exception {
        Path file = TestPdfs.artefacts().resolve(name);
        Files.write(file, pdf);
        return file;
    }

    /** pdftotext's text, its bidi controls dropped, spaces collapsed; nothing normalised. */
    static String text(Path file, int... page) throws Exception {
        String out = page.length == 0 ? TestPdfs.run("pdftotext", "-enc", "UTF-8", file.toString(), "-")
                : TestPdfs.run("pdftotext", "-enc", "UTF-8", "-f", String.valueOf(page[0]), "-l",
                        String.valueOf(page[0]), file.toString(), "-");
        assertTrue(out.startsWith("exit 0"), out);
        return out.replaceAll("[\u200E\u200F\u202A-\u202E\u2066-\u2069]", "").replaceAll("[ \\t]+", " ");
    }

    private static void image(Path pdf, String name) throws Exception {
        String out = TestPdfs.run("pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", pdf.toString(),
                TestPdfs.artefacts().resolve(name).toString());
        assertTrue(out.startsWith("exit 0"), out);
    }
}
