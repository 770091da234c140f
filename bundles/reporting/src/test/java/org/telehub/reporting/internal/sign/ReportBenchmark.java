package org.telehub.reporting.internal.sign;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.telehub.reporting.internal.pdf.TestPdfs;

/**
 * Issue 20's benchmark (run by {@code bench/reports.sh}, skipped otherwise): render and render + sign a two-page
 * report in English and in Persian, one at a time (median, p95), then reports rendered and signed a second with one
 * thread per core for a bounded time. Reference in the same run: PDFBox's own {@code showText} drawing the same
 * English text lines with the same fonts (no bidi, no shaping, PDFBox's ToUnicode) — what the shaping path costs.
 */
class ReportBenchmark {
    @Test
    void measure() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("bench.reports"), "bench/reports.sh runs this");
        int n = Integer.getInteger("bench.reports.count", 200);
        ClinicCa.Issued ca = ClinicCa.newAuthority("North Clinic", Instant.now());
        ClinicCa.Issued doctor = ClinicCa.issue(ca, "Dr. Sara Karimi", "North Clinic", "u-1", Instant.now());
        PadesSigner.Signer signer = new PadesSigner.Signer(doctor.key(), List.of(doctor.certificate(),
                ca.certificate()));
        List<String> lines = TestPdfs.englishLines(TestPdfs.TWO_PAGES);
        byte[] fontFile = TestPdfs.latinFont();
        for (byte[] pdf : List.of(TestPdfs.englishReport(TestPdfs.TWO_PAGES), TestPdfs.persianReport(
                TestPdfs.TWO_PAGES))) {
            try (PDDocument doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
                org.junit.jupiter.api.Assertions.assertEquals(2, doc.getNumberOfPages(), "two-page samples");
            }
        }
        // warm-up: JIT, the fonts' first load
        for (int i = 0; i < 30; i++) {
            TestPdfs.englishReport(TestPdfs.TWO_PAGES);
            TestPdfs.persianReport(TestPdfs.TWO_PAGES);
            reference(lines, fontFile);
        }
        StringBuilder md = new StringBuilder();
        md.append("| what (2-page report, one at a time, ").append(n).append(" each) | median | p95 |\n|---|---|---|\n");
        double[] ref = time(n, () -> reference(lines, fontFile));
        double[] en = time(n, () -> TestPdfs.englishReport(TestPdfs.TWO_PAGES));
        double[] fa = time(n, () -> TestPdfs.persianReport(TestPdfs.TWO_PAGES));
        double[] enSigned = time(n, () -> PadesSigner.sign(TestPdfs.englishReport(TestPdfs.TWO_PAGES), signer,
                "Dr. Sara Karimi", "Approved", "North Clinic", Instant.now()));
        double[] faSigned = time(n, () -> PadesSigner.sign(TestPdfs.persianReport(TestPdfs.TWO_PAGES), signer,
                "Dr. Sara Karimi", "Approved", "North Clinic", Instant.now()));
        row(md, "reference: PDFBox showText, the same English lines and fonts", ref);
        row(md, "English: render", en);
        row(md, "Persian: render", fa);
        row(md, "English: render + sign", enSigned);
        row(md, "Persian: render + sign", faSigned);
        md.append(String.format(Locale.ROOT, "\nratios (median): English render / reference %.2f; Persian / English"
                + " render %.2f; signing adds %.1f ms (English)\n", en[0] / ref[0], fa[0] / en[0],
                enSigned[0] - en[0]));
        int threads = Runtime.getRuntime().availableProcessors();
        long seconds = Long.getLong("bench.reports.seconds", 20);
        for (boolean persian : new boolean[] {false, true}) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    int count = 0;
                    while (System.nanoTime() < end) {
                        byte[] pdf = persian ? TestPdfs.persianReport(TestPdfs.TWO_PAGES)
                                : TestPdfs.englishReport(TestPdfs.TWO_PAGES);
                        PadesSigner.sign(pdf, signer, "Dr. Sara Karimi", "Approved", "North Clinic", Instant.now());
                        count++;
                    }
                    return count;
                }));
            }
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get();
            }
            pool.shutdown();
            md.append(String.format(Locale.ROOT, "\n%s, rendered and signed with %d threads for %d s: %d reports,"
                    + " %.1f reports/s", persian ? "Persian" : "English", threads, seconds, total,
                    total / (double) seconds));
        }
        md.append("\n");
        Files.writeString(Path.of("target", "report-benchmark.md"), md.toString());
        System.out.println(md);
    }

    interface Work {
        Object run() throws Exception;
    }

    /** Median and p95 in milliseconds of {@code n} runs. */
    private static double[] time(int n, Work work) throws Exception {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            work.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return new double[] {ms[n / 2], ms[(int) Math.ceil(n * 0.95) - 1]};
    }

    private static void row(StringBuilder md, String what, double[] t) {
        md.append(String.format(Locale.ROOT, "| %s | %.1f ms | %.1f ms |%n", what, t[0], t[1]));
    }

    /** The reference: each line with PDFBox's showText, 14 pt apart, new pages as they fill. */
    private static byte[] reference(List<String> lines, byte[] fontFile) throws Exception {
        try (PDDocument doc = new PDDocument()) {
            PDType0Font font = PDType0Font.load(doc, new ByteArrayInputStream(fontFile), true);
            PDPageContentStream cs = null;
            float y = 0;
            for (String line : lines) {
                if (cs == null || y < 60) {
                    if (cs != null) {
                        cs.close();
                    }
                    PDPage page = new PDPage(PDRectangle.A4);
                    doc.addPage(page);
                    cs = new PDPageContentStream(doc, page);
                    y = 790;
                }
                cs.beginText();
                cs.setFont(font, 10.5f);
                cs.newLineAtOffset(48, y);
                cs.showText(line);
                cs.endText();
                y -= 15;
            }
            if (cs != null) {
                cs.close();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }
}
