package org.telehub.reporting.internal.pdf;

import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.geom.Point2D;
import java.text.Bidi;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lays a line of text out as positioned glyphs, the way a reader sees it: the Unicode bidirectional algorithm
 * ({@link Bidi}) orders the runs, each run is cut where the typeface changes (Persian in Noto Naskh Arabic, the rest
 * in Noto Sans: Naskh has no Latin dash, Sans no Persian), and the JDK's OpenType layout engine shapes each piece —
 * Persian letters joined in their initial, medial and final forms, marks placed. ICU4J's {@code ArabicShaping} was
 * tried first and rejected: it leaves the Persian letters ی ک گ پ چ ژ unjoined (it knows only the Arabic
 * presentation forms), which the JDK's engine (HarfBuzz, with the font's own GSUB/GPOS tables) gets right.
 *
 * <p>Units are the fonts' 1/1000 em; multiply by size/1000 for points. Not thread-safe (it caches word widths); one
 * per document.
 */
final class Shaper {
    /**
     * Glyphs of one face, positioned from the piece's own origin; {@code width} is its advance; {@code text} is what
     * each glyph stands for (its cluster: one letter, or two for a ligature), for the PDF's ToUnicode map.
     */
    record Piece(Fonts.Face face, int[] glyphs, float[] x, float[] y, String[] text, float width) {
    }

    /** A piece placed on the line at {@code x} from the line's left end. */
    record Placed(Piece piece, float x) {
    }

    /** A laid-out line, pieces from left to right. */
    record Line(List<Placed> pieces, float width) {
    }

    private static final FontRenderContext FRC = new FontRenderContext(null, false, true);

    private final Fonts fonts;
    private final Map<String, Float> widths = new HashMap<>();

    Shaper(Fonts fonts) {
        this.fonts = fonts;
    }

    /** {@code text} (one line, logical order) laid out for a paragraph whose base direction is {@code rtl}. */
    Line line(String text, boolean rtl, boolean bold) {
        if (text.isEmpty()) {
            return new Line(List.of(), 0);
        }
        text = printable(text, bold);
        char[] chars = text.toCharArray();
        // a line with no right-to-left letter at all (a phone number, an address in Latin) reads left to right
        // even on a Persian page: "+49 30 1234 5678" stays in its order
        boolean base = rtl && hasRtl(text);
        Bidi bidi = new Bidi(text, base ? Bidi.DIRECTION_RIGHT_TO_LEFT : Bidi.DIRECTION_LEFT_TO_RIGHT);
        int runs = bidi.getRunCount();
        byte[] levels = new byte[runs];
        Object[] byRun = new Object[runs];
        for (int r = 0; r < runs; r++) {
            int level = bidi.getRunLevel(r);
            levels[r] = (byte) level;
            boolean runRtl = (level & 1) == 1;
            List<Piece> pieces = new ArrayList<>();
            int start = bidi.getRunStart(r);
            int limit = bidi.getRunLimit(r);
            int i = start;
            Fonts.Face current = null;
            int pieceStart = start;
            while (i < limit) {
                int cp = Character.codePointAt(chars, i, limit);
                Fonts.Face face = pick(cp, current, bold);
                if (current != null && face != current) {
                    pieces.add(shape(current, chars, pieceStart, i, runRtl));
                    pieceStart = i;
                }
                current = face;
                i += Character.charCount(cp);
            }
            pieces.add(shape(current, chars, pieceStart, limit, runRtl));
            if (runRtl) {
                Collections.reverse(pieces);
            }
            byRun[r] = pieces;
        }
        Bidi.reorderVisually(levels, 0, byRun, 0, runs);
        List<Placed> placed = new ArrayList<>();
        float x = 0;
        for (Object run : byRun) {
            @SuppressWarnings("unchecked")
            List<Piece> pieces = (List<Piece>) run;
            for (Piece p : pieces) {
                placed.add(new Placed(p, x));
                x += p.width();
            }
        }
        return new Line(placed, x);
    }

    /**
     * {@code text} with each character no face has (an emoji, Hebrew) replaced by U+FFFD, which Noto Sans draws: a
     * visible mark where something could not be printed, never the font's .notdef glyph (which PDF/A forbids and
     * which would read back as nothing).
     */
    private String printable(String text, boolean bold) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length();) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            String instead = null;
            if (pick(cp, null, bold) == null) {
                // whitespace no face draws (a tab) is a space; an invisible format character is dropped
                instead = Character.isWhitespace(cp) || Character.isSpaceChar(cp) ? " "
                        : Character.getType(cp) == Character.FORMAT ? "" : "\uFFFD";
            }
            if (instead != null && sb == null) {
                sb = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (instead != null) {
                sb.append(instead);
            } else if (sb != null) {
                sb.appendCodePoint(cp);
            }
            i += n;
        }
        return sb == null ? text : sb.toString();
    }

    private static boolean hasRtl(String text) {
        return text.codePoints().anyMatch(cp -> {
            byte d = Character.getDirectionality(cp);
            return d == Character.DIRECTIONALITY_RIGHT_TO_LEFT || d == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
        });
    }

    /** The advance of {@code text} on one line. */
    float width(String text, boolean rtl, boolean bold) {
        String key = (bold ? "b" : "r") + (rtl ? "<" : ">") + text;
        Float w = widths.get(key);
        if (w == null) {
            w = line(text, rtl, bold).width();
            widths.put(key, w);
        }
        return w;
    }

    /**
     * {@code paragraph} broken into lines no wider than {@code max} at spaces (a word longer than a line is cut
     * where it must be).
     */
    List<String> wrap(String paragraph, float max, boolean rtl, boolean bold) {
        List<String> lines = new ArrayList<>();
        String[] words = paragraph.trim().split("[ \\t]+");
        float space = width(" ", rtl, bold);
        StringBuilder line = new StringBuilder();
        float lineWidth = 0;
        for (String word : words) {
            if (word.isEmpty()) {
                continue;
            }
            float w = width(word, rtl, bold);
            if (line.length() > 0 && lineWidth + space + w <= max) {
                line.append(' ').append(word);
                lineWidth += space + w;
                continue;
            }
            if (line.length() > 0) {
                lines.add(line.toString());
                line.setLength(0);
            }
            while (w > max && word.length() > 1) {
                int cut = longestFitting(word, max, rtl, bold);
                lines.add(word.substring(0, cut));
                word = word.substring(cut);
                w = width(word, rtl, bold);
            }
            line.append(word);
            lineWidth = w;
        }
        if (line.length() > 0 || lines.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    private int longestFitting(String word, float max, boolean rtl, boolean bold) {
        int cut = 1;
        for (int i = 2; i < word.length(); i++) {
            if (Character.isLowSurrogate(word.charAt(i))) {
                continue;
            }
            if (line(word.substring(0, i), rtl, bold).width() > max) {
                break;
            }
            cut = i;
        }
        return cut;
    }

    /**
     * The face for {@code cp}: Persian script in Naskh; neutrals stay in the face around them; the rest in Sans, else
     * the first fallback face that has it; null when no face has it (the caller draws U+FFFD instead).
     */
    private Fonts.Face pick(int cp, Fonts.Face current, boolean bold) {
        Fonts.Face arabic = fonts.arabic(bold);
        Fonts.Face latin = fonts.latin(bold);
        if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.ARABIC && arabic.canDisplay(cp)) {
            return arabic;
        }
        if (current != null && (neutral(cp) || cp == 0x200C || cp == 0x200D) && current.canDisplay(cp)) {
            return current;
        }
        if (latin.canDisplay(cp)) {
            return latin;
        }
        if (arabic.canDisplay(cp)) {
            return arabic;
        }
        for (Fonts.Face f : fonts.fallbacks()) {
            if (f.canDisplay(cp)) {
                return f;
            }
        }
        return null;
    }

    private static boolean neutral(int cp) {
        switch (Character.getDirectionality(cp)) {
            case Character.DIRECTIONALITY_WHITESPACE:
            case Character.DIRECTIONALITY_OTHER_NEUTRALS:
            case Character.DIRECTIONALITY_COMMON_NUMBER_SEPARATOR:
            case Character.DIRECTIONALITY_EUROPEAN_NUMBER_SEPARATOR:
            case Character.DIRECTIONALITY_EUROPEAN_NUMBER_TERMINATOR:
            case Character.DIRECTIONALITY_BOUNDARY_NEUTRAL:
            case Character.DIRECTIONALITY_NONSPACING_MARK:
                return true;
            default:
                return false;
        }
    }

    private static Piece shape(Fonts.Face face, char[] chars, int start, int limit, boolean rtl) {
        GlyphVector gv = face.awt().layoutGlyphVector(FRC, chars, start, limit,
                rtl ? Font.LAYOUT_RIGHT_TO_LEFT : Font.LAYOUT_LEFT_TO_RIGHT);
        int n = gv.getNumGlyphs();
        // each glyph's cluster: from its first character to the next cluster's (indices are from start)
        int[] first = new int[n];
        java.util.TreeSet<Integer> starts = new java.util.TreeSet<>();
        for (int g = 0; g < n; g++) {
            first[g] = gv.getGlyphCharIndex(g);
            starts.add(first[g]);
        }
        int[] glyphs = new int[n];
        float[] xs = new float[n];
        float[] ys = new float[n];
        String[] text = new String[n];
        int kept = 0;
        for (int g = 0; g < n; g++) {
            int code = gv.getGlyphCode(g);
            Integer next = starts.higher(first[g]);
            int from = start + first[g];
            int to = next == null ? limit : start + next;
            String cluster = new String(chars, from, Math.max(0, to - from));
            if (code >= 0xFFFE || invisible(cluster)) {
                continue; // a joiner, non-joiner or direction mark: it shaped its neighbours, nothing to draw
            }
            if (code == 0) {
                throw new IllegalStateException("no glyph in " + face.name() + " for " + cluster); // pick() prevents it
            }
            Point2D p = gv.getGlyphPosition(g);
            glyphs[kept] = code;
            xs[kept] = (float) p.getX();
            ys[kept] = (float) p.getY();
            text[kept] = cluster;
            kept++;
        }
        float width = (float) gv.getGlyphPosition(n).getX();
        return new Piece(face, java.util.Arrays.copyOf(glyphs, kept), java.util.Arrays.copyOf(xs, kept),
                java.util.Arrays.copyOf(ys, kept), java.util.Arrays.copyOf(text, kept), width);
    }

    /** Only format characters (ZWNJ, ZWJ, direction marks): drawn as nothing. */
    private static boolean invisible(String cluster) {
        return !cluster.isEmpty() && cluster.codePoints().allMatch(cp -> Character.getType(cp) == Character.FORMAT);
    }
}
