package org.telehub.reporting.internal.pdf;

import java.io.IOException;

/** Rendered sample reports for the other packages' tests. */
public final class TestPdfs {
    private TestPdfs() {
    }

    public static byte[] englishReport() throws IOException {
        return new PdfRenderer(Fonts.get()).render(Samples.english(3));
    }

    public static byte[] persianReport() throws IOException {
        return new PdfRenderer(Fonts.get()).render(Samples.persian(3));
    }
}
