package org.telehub.reporting.internal.pdf;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The report's typefaces, read once from the bundle: Noto Sans (Latin and Cyrillic) and Noto Naskh Arabic (Persian),
 * regular and bold, and for what neither has, Noto Sans Math (≥ ≤ → −) and Noto Sans Symbols 2 (✓ □), from Debian's
 * {@code fonts-noto-core} (SIL Open Font License 1.1), copied in at build time. Each
 * is held as its file's bytes (PDFBox embeds a subset per document) and as a JDK font at 1000 units, whose OpenType
 * layout shapes Persian.
 */
final class Fonts {
    /** One typeface: its file and the JDK's view of it at size 1000 (one unit = 1/1000 em, PDF's glyph space). */
    record Face(String name, byte[] file, Font awt) {
        boolean canDisplay(int codePoint) {
            return awt.canDisplay(codePoint);
        }
    }

    final Face sans;
    final Face sansBold;
    final Face naskh;
    final Face naskhBold;
    final Face math;
    final Face symbols;

    private static volatile Fonts shared;

    private Fonts() {
        sans = load("NotoSans-Regular.ttf");
        sansBold = load("NotoSans-Bold.ttf");
        naskh = load("NotoNaskhArabic-Regular.ttf");
        naskhBold = load("NotoNaskhArabic-Bold.ttf");
        math = load("NotoSansMath-Regular.ttf");
        symbols = load("NotoSansSymbols2-Regular.ttf");
    }

    /** The faces, read at first use (about 2.7 MB) and kept. */
    static Fonts get() {
        Fonts f = shared;
        if (f == null) {
            synchronized (Fonts.class) {
                f = shared;
                if (f == null) {
                    f = new Fonts();
                    shared = f;
                }
            }
        }
        return f;
    }

    Face latin(boolean bold) {
        return bold ? sansBold : sans;
    }

    Face arabic(boolean bold) {
        return bold ? naskhBold : naskh;
    }

    /** The faces tried, in order, for a character neither text face has (regular only). */
    java.util.List<Face> fallbacks() {
        return java.util.List.of(math, symbols);
    }

    private static Face load(String file) {
        try (InputStream in = Fonts.class.getResourceAsStream("fonts/" + file)) {
            if (in == null) {
                throw new IllegalStateException("font " + file + " is not in the bundle: the build copies it from"
                        + " Debian's fonts-noto-core (/usr/share/fonts/truetype/noto); install that package and"
                        + " build again");
            }
            byte[] bytes = in.readAllBytes();
            Font awt = Font.createFont(Font.TRUETYPE_FONT, new ByteArrayInputStream(bytes)).deriveFont(1000f);
            return new Face(file, bytes, awt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (FontFormatException e) {
            throw new IllegalStateException("font " + file + ": " + e.getMessage(), e);
        }
    }
}
