package org.telehub.adapter.endoscopy.internal;

import static org.telehub.dicom.net.DicomFiles.put;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.LineBreakMeasurer;
import java.awt.font.TextAttribute;
import java.awt.font.TextLayout;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Path;
import java.text.AttributedString;
import java.text.Bidi;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;

import org.telehub.dicom.net.DicomFiles;
import org.telehub.integration.api.AnalysisResult;

/**
 * An analysis result as a Secondary Capture image with the finding burned in, for endoscopy systems and viewers that
 * show images but not structured reports: a 1024 × 768 greyscale page (the finding, the confidence, the algorithm,
 * the words, the patient and procedure), drawn with Java2D in a font that has the text's script (Noto, as the
 * reports use), right-to-left lines set right-to-left. Its UIDs derive from the delivery's key like the SR's.
 */
final class AnalysisImage {
    static final String SOP_CLASS = SOPClass.SecondaryCaptureImageStorage;
    static final int WIDTH = 1024;
    static final int HEIGHT = 768;
    private static final int MARGIN = 48;
    /** The host's families tried after the bundle's own, in order. */
    private static final List<String> FAMILIES = List.of("Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans",
            "DejaVu Sans");

    private AnalysisImage() {
    }

    static String sopInstanceUid(String idempotencyKey) {
        return DicomFiles.nameUid("telehub:analysis:capture:" + idempotencyKey);
    }

    static String seriesInstanceUid(String idempotencyKey) {
        return DicomFiles.nameUid("telehub:analysis:capture-series:" + idempotencyKey);
    }

    static void write(Path file, AnalysisReport.Procedure p, AnalysisResult r, String idempotencyKey, Instant at,
            ZoneId zone, String sourceAe) throws IOException {
        ZonedDateTime when = at.atZone(zone);
        BufferedImage page = draw(p, r, when);
        try {
            AttributeList l = new AttributeList();
            AnalysisReport.header(l, p, SOP_CLASS, sopInstanceUid(idempotencyKey), seriesInstanceUid(idempotencyKey),
                    "9003", "Telehub analysis (image)", "OT", when);
            // SC equipment and image
            put(l, TagFromName.ConversionType, "WSD");
            put(l, TagFromName.BurnedInAnnotation, "YES");
            put(l, TagFromName.ImageType, "DERIVED\\SECONDARY");
            put(l, TagFromName.PatientOrientation, null);
            put(l, TagFromName.SamplesPerPixel, "1");
            put(l, TagFromName.PhotometricInterpretation, "MONOCHROME2");
            put(l, TagFromName.Rows, Integer.toString(HEIGHT));
            put(l, TagFromName.Columns, Integer.toString(WIDTH));
            put(l, TagFromName.BitsAllocated, "8");
            put(l, TagFromName.BitsStored, "8");
            put(l, TagFromName.HighBit, "7");
            put(l, TagFromName.PixelRepresentation, "0");
            OtherByteAttribute pixels = new OtherByteAttribute(TagFromName.PixelData);
            pixels.setValues(((DataBufferByte) page.getRaster().getDataBuffer()).getData());
            l.put(pixels);
            FileMetaInformation.addFileMetaInformation(l, TransferSyntax.ExplicitVRLittleEndian, sourceAe);
            l.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        } catch (DicomException e) {
            throw new IOException("cannot build the secondary capture: " + e.getMessage(), e);
        }
    }

    /** The page: white text on black, as endoscopy monitors show overlays. */
    static BufferedImage draw(AnalysisReport.Procedure p, AnalysisResult r, ZonedDateTime when) {
        BufferedImage page = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = page.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.WHITE);
            float y = MARGIN;
            String finding = r.findingDisplay() != null ? r.findingDisplay() : r.summary();
            y = paragraph(g, finding, 40f, Font.BOLD, y);
            if (r.confidence() != null) {
                y = paragraph(g, "Confidence " + AnalysisReport.percent(r.confidence()) + " %", 30f,
                        Font.PLAIN, y);
            }
            if (r.algorithmName() != null) {
                y = paragraph(g, "Algorithm " + r.algorithmName() + (r.algorithmVersion() == null ? ""
                        : " " + r.algorithmVersion()), 26f, Font.PLAIN, y);
            }
            y += 12;
            if (r.findingDisplay() != null) {
                y = paragraph(g, r.summary(), 28f, Font.PLAIN, y);
            }
            if (r.details() != null && !r.details().isBlank()) {
                y = paragraph(g, r.details(), 24f, Font.PLAIN, y);
            }
            g.setColor(new Color(190, 190, 190));
            float foot = HEIGHT - MARGIN - 3 * 30;
            paragraph(g, (p.patientName() == null ? "" : p.patientName().replace('^', ' ') + " · ")
                    + p.patientId(), 22f, Font.PLAIN, Math.max(y + 12, foot));
            paragraph(g, (p.description() == null ? "" : p.description() + " · ")
                    + (p.accessionNumber() == null ? "" : p.accessionNumber() + " · ")
                    + local(when), 22f, Font.PLAIN, Math.max(y + 42, foot + 30));
            paragraph(g, "Analysis result sent by Telehub, not an image of the patient", 20f, Font.ITALIC,
                    Math.max(y + 72, foot + 60));
        } finally {
            g.dispose();
        }
        return page;
    }

    /**
     * Draws a text wrapped to the page's width from {@code y} (its top) and returns the top of what follows; each
     * run of one script in a font that has it, a right-to-left paragraph from the right margin.
     */
    private static float paragraph(Graphics2D g, String whole, float size, int style, float y) {
        if (whole == null || whole.isBlank()) {
            return y;
        }
        // more than a page holds is never drawn: fonts are looked up for what can be
        String text = whole.length() > 1500 ? whole.substring(0, 1500) + "…" : whole;
        AttributedString s = new AttributedString(text);
        int start = 0;
        while (start < text.length()) {
            Font f = font(text.substring(start, start + 1), style, size);
            int end = start + 1;
            while (end < text.length() && font(text.substring(end, end + 1), style, size).equals(f)) {
                end++;
            }
            s.addAttribute(TextAttribute.FONT, f, start, end);
            start = end;
        }
        boolean rtl = !new Bidi(text, Bidi.DIRECTION_DEFAULT_LEFT_TO_RIGHT).baseIsLeftToRight();
        FontRenderContext frc = g.getFontRenderContext();
        LineBreakMeasurer lines = new LineBreakMeasurer(s.getIterator(), frc);
        float width = WIDTH - 2f * MARGIN;
        while (lines.getPosition() < text.length() && y < HEIGHT - MARGIN) {
            TextLayout line = lines.nextLayout(width);
            y += line.getAscent();
            float x = rtl ? WIDTH - MARGIN - line.getAdvance() : MARGIN;
            line.draw(g, x, y);
            y += line.getDescent() + line.getLeading() + 6;
        }
        return y;
    }

    /**
     * The first font that has every character of {@code text}: the bundle's Noto Sans, then its Noto Naskh Arabic
     * (in the style asked for where it has it), then {@link #FAMILIES} installed here; else SansSerif.
     */
    static Font font(String text, int style, float size) {
        for (Font bundled : Bundled.FONTS) {
            if (matches(bundled, style) && bundled.canDisplayUpTo(text) == -1) {
                return bundled.deriveFont(size);
            }
        }
        Set<String> installed = Installed.FAMILIES;
        for (String family : FAMILIES) {
            if (installed.contains(family)) {
                Font f = new Font(family, style, 1).deriveFont(size);
                if (f.canDisplayUpTo(text) == -1) {
                    return f;
                }
            }
        }
        return new Font(Font.SANS_SERIF, style, 1).deriveFont(size);
    }

    /** Whether a bundled face is the one for a style (Naskh has no italic: its regular stands for it). */
    private static boolean matches(Font face, int style) {
        String name = face.getFontName();
        boolean bold = name.contains("Bold");
        boolean italic = name.contains("Italic");
        if (face.getFamily().startsWith("Noto Naskh")) {
            return bold == (style == Font.BOLD);
        }
        return bold == (style == Font.BOLD) && italic == (style == Font.ITALIC);
    }

    /** The faces this bundle carries, read at first use (about 1.9 MB). */
    private static final class Bundled {
        static final List<Font> FONTS = load("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf",
                "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf");

        private static List<Font> load(String... files) {
            List<Font> out = new java.util.ArrayList<>();
            for (String file : files) {
                try (java.io.InputStream in = AnalysisImage.class.getResourceAsStream("fonts/" + file)) {
                    if (in == null) {
                        throw new IllegalStateException("the bundle lacks its font " + file);
                    }
                    out.add(Font.createFont(Font.TRUETYPE_FONT, in));
                } catch (IOException | java.awt.FontFormatException e) {
                    throw new IllegalStateException("cannot read the bundle's font " + file + ": " + e.getMessage(), e);
                }
            }
            return List.copyOf(out);
        }
    }

    /** The font families of this machine, read once. */
    private static final class Installed {
        static final Set<String> FAMILIES = Set.of(GraphicsEnvironment.getLocalGraphicsEnvironment()
                .getAvailableFontFamilyNames());
    }

    /** The footer's date and time as a clinic reads it (ISO date, hours and minutes). */
    private static String local(ZonedDateTime when) {
        return when.toLocalDate() + " " + String.format("%02d:%02d", when.getHour(), when.getMinute());
    }
}
