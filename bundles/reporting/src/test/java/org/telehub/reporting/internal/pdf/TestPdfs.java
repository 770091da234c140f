package org.telehub.reporting.internal.pdf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Rendered sample reports for the tests and the benchmark, and the command-line tools (poppler, NSS certutil, keytool)
 * that check them.
 */
public final class TestPdfs {
    /** Prescription lines that make the sample reports two pages long (the benchmark checks it). */
    public static final int TWO_PAGES = 14;

    private TestPdfs() {
    }

    public static byte[] englishReport() throws IOException {
        return englishReport(3);
    }

    public static byte[] persianReport() throws IOException {
        return persianReport(3);
    }

    public static byte[] englishReport(int rows) throws IOException {
        return new PdfRenderer(Fonts.get()).render(Samples.english(rows));
    }

    public static byte[] persianReport(int rows) throws IOException {
        return new PdfRenderer(Fonts.get()).render(Samples.persian(rows));
    }

    /** A short note with signs from the fallback faces, characters no face has, brackets both ways. */
    public static byte[] symbolsReport(boolean persian) throws IOException {
        return new PdfRenderer(Fonts.get()).render(Samples.symbols(persian));
    }

    /** The English sample's text as plain lines (facts as "label: value", table rows joined), for a reference. */
    public static List<String> englishLines(int rows) {
        ReportLayout l = Samples.english(rows);
        List<String> lines = new ArrayList<>();
        lines.add(l.letterhead().clinicName());
        lines.addAll(l.letterhead().lines());
        lines.add(l.title());
        lines.add(l.subtitle());
        for (ReportLayout.Block b : l.blocks()) {
            if (b instanceof ReportLayout.Facts f) {
                lines.add(f.heading());
                f.facts().forEach(x -> lines.add(x.label() + ": " + x.value()));
            } else if (b instanceof ReportLayout.Section s) {
                lines.add(s.heading());
                for (String p : s.text().split("\n")) {
                    for (int i = 0; i < p.length(); i += 90) {
                        lines.add(p.substring(i, Math.min(p.length(), i + 90)));
                    }
                }
            } else if (b instanceof ReportLayout.Table t) {
                lines.add(t.heading());
                lines.add(String.join(" | ", t.header()));
                t.rows().forEach(r -> lines.add(String.join(" | ", r)));
            }
        }
        return lines;
    }

    public static byte[] latinFont() {
        return Fonts.get().sans.file();
    }

    /** "exit N", a line break, then the tool's standard output and error (callers check the exit). */
    public static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(List.of(cmd) + " did not finish");
        }
        return "exit " + p.exitValue() + "\n" + out;
    }

    /** Where the tests keep their PDFs and page images for a person to look at. */
    public static Path artefacts() throws IOException {
        return Files.createDirectories(Path.of("target", "pdf-artefacts"));
    }
}
