package org.telehub.reporting.internal.pdf;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;

import javax.xml.transform.TransformerException;

import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDMetadata;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.common.PDStream;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.graphics.color.PDOutputIntent;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.xmpbox.XMPMetadata;
import org.apache.xmpbox.schema.AdobePDFSchema;
import org.apache.xmpbox.schema.DublinCoreSchema;
import org.apache.xmpbox.schema.PDFAIdentificationSchema;
import org.apache.xmpbox.schema.XMPBasicSchema;
import org.apache.xmpbox.type.BadFieldValueException;
import org.apache.xmpbox.xml.XmpSerializer;
import org.telehub.reporting.internal.pdf.ReportLayout.Block;
import org.telehub.reporting.internal.pdf.ReportLayout.Fact;
import org.telehub.reporting.internal.pdf.ReportLayout.Facts;
import org.telehub.reporting.internal.pdf.ReportLayout.Section;
import org.telehub.reporting.internal.pdf.ReportLayout.Table;

/**
 * A report's PDF: A4 pages with the clinic's letterhead, the blocks in order, and each page's foot (page n of N, the
 * generation time). Every glyph is drawn from an embedded subset of a Noto font as the {@link Shaper} placed it;
 * the renderer writes the fonts' ToUnicode maps itself from what each glyph stands for, so text extraction gives
 * the characters back (Persian letters themselves, in logical order; ligatures and digit forms included; only the
 * zero-width non-joiner, which has no glyph, is not in it). The file is PDF/A-3b: XMP identification, an sRGB
 * output intent, every font embedded (veraPDF agrees, in the tests).
 */
public final class PdfRenderer {
    private static final float MARGIN = 48;
    private static final float FOOT = 28;
    private static final float BODY = 10.5f;
    private static final float LEADING = 1.45f;
    private static final float HEADING = 12;
    private static final float GRAY = 0.45f;

    private final Fonts fonts;

    /** A renderer over the bundle's embedded fonts (loaded once). */
    public PdfRenderer() {
        this(Fonts.get());
    }

    PdfRenderer(Fonts fonts) {
        this.fonts = fonts;
    }

    public byte[] render(ReportLayout layout) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            Writer writer = new Writer(doc, layout);
            writer.write();
            metadata(doc, layout);
            // the first save subsets the fonts and writes PDFBox's ToUnicode maps, which know only the glyphs the
            // font's cmap reaches; ours replace them with what every drawn glyph stands for (ligatures and Persian
            // digit forms included), and the second save writes the file
            doc.save(OutputStream.nullOutputStream());
            writer.toUnicode();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }

    /** One document being written: the current page and the cursor's baseline. */
    private final class Writer {
        private final PDDocument doc;
        private final ReportLayout layout;
        private final boolean rtl;
        private final Shaper shaper = new Shaper(fonts);
        private final Map<Fonts.Face, PDType0Font> pdfFonts = new IdentityHashMap<>();
        private final Map<PDType0Font, Set<Integer>> used = new HashMap<>();
        /** Per font, each drawn code (the glyph's CID, two bytes) and the text it stands for. */
        private final Map<PDType0Font, Map<Integer, String>> unicode = new HashMap<>();
        private final List<PDPage> pages = new ArrayList<>();
        private PDPageContentStream cs;
        private float y;
        private final float left = MARGIN;
        private final float right;

        Writer(PDDocument doc, ReportLayout layout) {
            this.doc = doc;
            this.layout = layout;
            this.rtl = layout.rightToLeft();
            this.right = PDRectangle.A4.getWidth() - MARGIN;
        }

        void write() throws IOException {
            newPage();
            letterhead();
            text(layout.title(), 16, true, width(), GRAY_NONE);
            if (layout.subtitle() != null && !layout.subtitle().isBlank()) {
                text(layout.subtitle(), 9.5f, false, width(), GRAY);
            }
            y -= 6;
            for (Block b : layout.blocks()) {
                if (b instanceof Facts f) {
                    facts(f);
                } else if (b instanceof Section s) {
                    section(s);
                } else if (b instanceof Table t) {
                    table(t);
                }
            }
            cs.close();
            feet();
            for (Map.Entry<PDType0Font, Set<Integer>> e : used.entrySet()) {
                e.getKey().addGlyphsToSubset(e.getValue());
            }
        }

        private float width() {
            return right - left;
        }

        private void newPage() throws IOException {
            if (cs != null) {
                cs.close();
            }
            PDPage page = new PDPage(PDRectangle.A4);
            doc.addPage(page);
            pages.add(page);
            cs = new PDPageContentStream(doc, page);
            y = PDRectangle.A4.getHeight() - MARGIN;
        }

        /** Moves to a new page unless {@code height} points still fit above the foot. */
        private void need(float height) throws IOException {
            if (y - height < MARGIN + FOOT) {
                newPage();
            }
        }

        private void letterhead() throws IOException {
            ReportLayout.Letterhead h = layout.letterhead();
            float top = y;
            float textLeft = left;
            float textRight = right;
            if (h.logo() != null && h.logo().length > 0) {
                PDImageXObject img = PDImageXObject.createFromByteArray(doc, h.logo(), "logo");
                float height = 44;
                float w = img.getWidth() * height / img.getHeight();
                float x = rtl ? right - w : left;
                cs.drawImage(img, x, top - height, w, height);
                if (rtl) {
                    textRight = x - 12;
                } else {
                    textLeft = x + w + 12;
                }
            }
            float saveLeft = textLeft;
            float saveRight = textRight;
            y = top;
            block(h.clinicName(), 14, true, saveLeft, saveRight, GRAY_NONE);
            for (String line : h.lines()) {
                block(line, 9, false, saveLeft, saveRight, GRAY);
            }
            y = Math.min(y, top - 48);
            y -= 8;
            cs.setStrokingColor(GRAY);
            cs.setLineWidth(0.6f);
            cs.moveTo(left, y);
            cs.lineTo(right, y);
            cs.stroke();
            y -= 14;
        }

        private void facts(Facts f) throws IOException {
            heading(f.heading());
            float labelWidth = width() * 0.3f;
            for (Fact fact : f.facts()) {
                float size = BODY;
                List<String> labels = shaper.wrap(fact.label(), units(labelWidth - 8, size), rtl, true);
                List<String> values = shaper.wrap(fact.value() == null ? "" : fact.value(),
                        units(width() - labelWidth, size), rtl, false);
                int lines = Math.max(labels.size(), values.size());
                float lh = size * LEADING;
                need(lines * lh);
                float top = y;
                float labelLeft = rtl ? right - labelWidth : left;
                float valueLeft = rtl ? left : left + labelWidth;
                lines(labels, size, true, labelLeft, labelLeft + labelWidth - (rtl ? 0 : 8), GRAY);
                float afterLabels = y;
                y = top;
                lines(values, size, false, valueLeft, valueLeft + width() - labelWidth - (rtl ? 8 : 0), GRAY_NONE);
                y = Math.min(y, afterLabels);
            }
            y -= 8;
        }

        private void section(Section s) throws IOException {
            heading(s.heading());
            String text = s.text() == null ? "" : s.text().strip();
            for (String paragraph : text.split("\\n\\s*\\n")) {
                for (String line : paragraph.split("\\n")) {
                    block(line, BODY, false, left, right, GRAY_NONE);
                }
                y -= BODY * 0.5f;
            }
            y -= 4;
        }

        private void heading(String heading) throws IOException {
            if (heading == null || heading.isBlank()) {
                return;
            }
            // a heading never ends a page: it keeps two body lines under it
            need(HEADING * LEADING + 2 * BODY * LEADING);
            text(heading, HEADING, true, width(), GRAY_NONE);
            y -= 2;
        }

        private void table(Table t) throws IOException {
            float total = 0;
            for (float w : t.weights()) {
                total += w;
            }
            float[] widths = new float[t.weights().size()];
            for (int i = 0; i < widths.length; i++) {
                widths[i] = width() * t.weights().get(i) / total;
            }
            float size = 9;
            // the heading, the header row and the first row stay together
            float keep = rowHeight(t.header(), widths, size, true) + (t.rows().isEmpty() ? 0
                    : rowHeight(t.rows().get(0), widths, size, false));
            if (t.heading() != null && !t.heading().isBlank()) {
                need(HEADING * LEADING + 2 + keep);
            }
            heading(t.heading());
            need(keep);
            row(t.header(), widths, size, true, true);
            for (List<String> r : t.rows()) {
                if (!row(r, widths, size, false, false)) {
                    newPage();
                    row(t.header(), widths, size, true, true);
                    row(r, widths, size, false, true);
                }
            }
            y -= 10;
        }

        private float rowHeight(List<String> cells, float[] widths, float size, boolean header) {
            int lines = 1;
            for (int i = 0; i < cells.size(); i++) {
                lines = Math.max(lines, shaper.wrap(cells.get(i) == null ? "" : cells.get(i),
                        units(widths[i] - 8, size), rtl, header).size());
            }
            return lines * size * LEADING + 8;
        }

        /**
         * One table row; false (nothing drawn) when it does not fit on this page and {@code force} is off. A row
         * taller than a whole page is not split: it runs past the foot (a limit; prescriptions never come near).
         */
        private boolean row(List<String> cells, float[] widths, float size, boolean header, boolean force)
                throws IOException {
            float pad = 4;
            List<List<String>> wrapped = new ArrayList<>();
            int lines = 1;
            for (int i = 0; i < cells.size(); i++) {
                List<String> w = shaper.wrap(cells.get(i) == null ? "" : cells.get(i),
                        units(widths[i] - 2 * pad, size), rtl, header);
                wrapped.add(w);
                lines = Math.max(lines, w.size());
            }
            float lh = size * LEADING;
            float height = lines * lh + 2 * pad;
            if (y - height < MARGIN + FOOT) {
                if (!force) {
                    return false;
                }
            }
            float top = y;
            if (header) {
                cs.setNonStrokingColor(0.92f);
                cs.addRect(left, top - height, width(), height);
                cs.fill();
            }
            cs.setStrokingColor(GRAY);
            cs.setLineWidth(0.4f);
            float x = rtl ? right : left;
            for (int i = 0; i < cells.size(); i++) {
                float cellLeft = rtl ? x - widths[i] : x;
                cs.addRect(cellLeft, top - height, widths[i], height);
                cs.stroke();
                y = top - pad;
                lines(wrapped.get(i), size, header, cellLeft + pad, cellLeft + widths[i] - pad, GRAY_NONE);
                x = rtl ? x - widths[i] : x + widths[i];
            }
            y = top - height;
            return true;
        }

        /** {@code text} wrapped between {@code from} and {@code to}, pages turned as needed. */
        private void block(String text, float size, boolean bold, float from, float to, float gray)
                throws IOException {
            List<String> lines = shaper.wrap(text, units(to - from, size), rtl, bold);
            for (String line : lines) {
                need(size * LEADING);
                lines(List.of(line), size, bold, from, to, gray);
            }
        }

        private void text(String text, float size, boolean bold, float width, float gray) throws IOException {
            block(text, size, bold, left, left + width, gray);
        }

        /** Lines one under the other from the cursor, aligned to the start side of the page's direction. */
        private void lines(List<String> lines, float size, boolean bold, float from, float to, float gray)
                throws IOException {
            for (String s : lines) {
                y -= size * LEADING;
                Shaper.Line line = shaper.line(s, rtl, bold);
                float w = line.width() * size / 1000;
                float x = rtl ? to - w : from;
                draw(line, x, y + size * (LEADING - 1) / 2, size, gray);
            }
        }

        private void draw(Shaper.Line line, float x, float baseline, float size, float gray) throws IOException {
            if (line.pieces().isEmpty()) {
                return;
            }
            float scale = size / 1000;
            cs.beginText();
            cs.setNonStrokingColor(gray == GRAY_NONE ? 0f : gray);
            for (Shaper.Placed placed : line.pieces()) {
                Shaper.Piece p = placed.piece();
                if (p.glyphs().length == 0) {
                    continue;
                }
                PDType0Font font = pdfFont(p.face());
                cs.setFont(font, size);
                Set<Integer> glyphs = used.computeIfAbsent(font, f -> new HashSet<>());
                Map<Integer, String> texts = unicode.computeIfAbsent(font, f -> new HashMap<>());
                StringBuilder ops = new StringBuilder(p.glyphs().length * 40);
                for (int g = 0; g < p.glyphs().length; g++) {
                    int gid = p.glyphs()[g];
                    glyphs.add(gid);
                    byte[] code = font.encodeGlyphId(gid);
                    String text = p.text()[g];
                    String mapped = texts.putIfAbsent(((code[0] & 0xff) << 8) | (code[1] & 0xff), text);
                    float gx = x + (placed.x() + p.x()[g]) * scale;
                    float gy = baseline - p.y()[g] * scale;
                    // one glyph, two texts (the JDK mirrors "(" in right-to-left text to the ")" glyph): the map
                    // keeps the first, this occurrence says its own in an /ActualText span
                    boolean own = mapped != null && !mapped.equals(text);
                    if (own) {
                        ops.append("/Span <</ActualText <FEFF");
                        for (char c : text.toCharArray()) {
                            ops.append(String.format(Locale.ROOT, "%04X", (int) c));
                        }
                        ops.append(">>> BDC\n");
                    }
                    ops.append(String.format(Locale.ROOT, "1 0 0 1 %.2f %.2f Tm <%02X%02X> Tj\n", gx, gy,
                            code[0] & 0xff, code[1] & 0xff));
                    if (own) {
                        ops.append("EMC\n");
                    }
                }
                cs.appendRawCommands(ops.toString());
            }
            cs.endText();
        }

        private PDType0Font pdfFont(Fonts.Face face) throws IOException {
            PDType0Font f = pdfFonts.get(face);
            if (f == null) {
                f = PDType0Font.load(doc, new ByteArrayInputStream(face.file()), true);
                pdfFonts.put(face, f);
            }
            return f;
        }

        /** Each font's ToUnicode CMap replaced by one with every drawn code (after the fonts were subset). */
        void toUnicode() throws IOException {
            for (Map.Entry<PDType0Font, Map<Integer, String>> e : unicode.entrySet()) {
                PDStream stream = new PDStream(doc, new ByteArrayInputStream(cmap(e.getValue())),
                        COSName.FLATE_DECODE);
                e.getKey().getCOSObject().setItem(COSName.TO_UNICODE, stream);
            }
        }

        /** Points at {@code size} as the shaper's 1/1000 em units. */
        private float units(float points, float size) {
            return points * 1000 / size;
        }

        /** Page n of N and the generation time at the foot of every page, now that N is known. */
        private void feet() throws IOException {
            NumberFormat digits = NumberFormat.getIntegerInstance(Locale.forLanguageTag(layout.language()));
            digits.setGroupingUsed(false);
            int n = pages.size();
            for (int i = 0; i < n; i++) {
                cs = new PDPageContentStream(doc, pages.get(i), PDPageContentStream.AppendMode.APPEND, true, true);
                String page = layout.footer().pageLabel().replace("{page}", digits.format(i + 1L))
                        .replace("{pages}", digits.format(n));
                float size = 8;
                y = MARGIN;
                Shaper.Line pageLine = shaper.line(page, rtl, false);
                Shaper.Line generated = shaper.line(layout.footer().generated(), rtl, false);
                float pw = pageLine.width() * size / 1000;
                float gw = generated.width() * size / 1000;
                // the page number at the end side, the generation time at the start side
                draw(pageLine, rtl ? left : right - pw, y, size, GRAY);
                draw(generated, rtl ? right - gw : left, y, size, GRAY);
                cs.close();
            }
        }
    }

    /** A ToUnicode CMap (PDF 32000-1 9.10.3) of two-byte codes to their text, 100 entries per block. */
    static byte[] cmap(Map<Integer, String> codes) {
        StringBuilder sb = new StringBuilder(codes.size() * 24 + 512);
        sb.append("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n")
                .append("/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n")
                .append("/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n")
                .append("1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
        List<Map.Entry<Integer, String>> entries = new ArrayList<>(new java.util.TreeMap<>(codes).entrySet());
        for (int i = 0; i < entries.size(); i += 100) {
            List<Map.Entry<Integer, String>> block = entries.subList(i, Math.min(entries.size(), i + 100));
            sb.append(block.size()).append(" beginbfchar\n");
            for (Map.Entry<Integer, String> e : block) {
                sb.append(String.format(Locale.ROOT, "<%04X> <", e.getKey()));
                for (char c : e.getValue().toCharArray()) {
                    sb.append(String.format(Locale.ROOT, "%04X", (int) c));
                }
                sb.append(">\n");
            }
            sb.append("endbfchar\n");
        }
        sb.append("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Black text (a gray level of 0); a distinct value so callers say "none" and not a colour. */
    private static final float GRAY_NONE = -1;

    /** The Info dictionary, XMP with PDF/A-3b identification, and an sRGB output intent. */
    private static void metadata(PDDocument doc, ReportLayout layout) throws IOException {
        ReportLayout.Meta meta = layout.meta();
        Calendar created = GregorianCalendar.getInstance(TimeZone.getTimeZone("UTC"), Locale.ROOT);
        created.setTimeInMillis(meta.created().toEpochMilli());
        created.set(Calendar.MILLISECOND, 0);
        PDDocumentInformation info = doc.getDocumentInformation();
        info.setTitle(meta.title());
        info.setAuthor(meta.author());
        info.setSubject(meta.subject());
        info.setProducer("Telehub");
        info.setCreator("Telehub");
        info.setCreationDate(created);
        info.setModificationDate(created);
        doc.getDocumentCatalog().setLanguage(layout.language());
        try {
            XMPMetadata xmp = XMPMetadata.createXMPMetadata();
            PDFAIdentificationSchema id = xmp.createAndAddPDFAIdentificationSchema();
            id.setPart(3);
            id.setConformance("B");
            DublinCoreSchema dc = xmp.createAndAddDublinCoreSchema();
            dc.setTitle(meta.title());
            dc.addCreator(meta.author());
            dc.setDescription(meta.subject());
            dc.setFormat("application/pdf");
            XMPBasicSchema basic = xmp.createAndAddXMPBasicSchema();
            basic.setCreateDate(created);
            basic.setModifyDate(created);
            basic.setCreatorTool("Telehub");
            AdobePDFSchema pdf = xmp.createAndAddAdobePDFSchema();
            pdf.setProducer("Telehub");
            ByteArrayOutputStream xml = new ByteArrayOutputStream();
            new XmpSerializer().serialize(xmp, xml, true);
            PDMetadata md = new PDMetadata(doc);
            md.importXMPMetadata(xml.toByteArray());
            doc.getDocumentCatalog().setMetadata(md);
        } catch (BadFieldValueException | TransformerException e) {
            throw new IOException("XMP metadata: " + e.getMessage(), e);
        }
        byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
        PDOutputIntent intent = new PDOutputIntent(doc, new ByteArrayInputStream(icc));
        intent.setInfo("sRGB IEC61966-2.1");
        intent.setOutputCondition("sRGB IEC61966-2.1");
        intent.setOutputConditionIdentifier("sRGB IEC61966-2.1");
        intent.setRegistryName("http://www.color.org");
        doc.getDocumentCatalog().addOutputIntent(intent);
    }
}
