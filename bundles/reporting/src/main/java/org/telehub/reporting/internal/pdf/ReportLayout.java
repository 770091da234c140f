package org.telehub.reporting.internal.pdf;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What goes on a report's pages, already in the reader's language: the renderer knows blocks, not medicine. The
 * report service (next part of issue 20) fills it from a report, its clinic and its labels.
 *
 * @param language BCP 47 tag of the text ({@code en}, {@code fa}, {@code ru}): the PDF's {@code /Lang}
 * @param rightToLeft the pages' direction (Persian): text aligned right, columns and the letterhead mirrored
 */
public record ReportLayout(String language, boolean rightToLeft, Letterhead letterhead, String title, String subtitle,
        List<Block> blocks, Footer footer, Meta meta) {
    public ReportLayout {
        Objects.requireNonNull(language, "language");
        blocks = List.copyOf(blocks);
    }

    /** The clinic at the top of the first page; {@code logo} PNG or JPEG bytes, or null. */
    public record Letterhead(String clinicName, List<String> lines, byte[] logo) {
        public Letterhead {
            lines = List.copyOf(lines);
        }
    }

    /** One block of the body, drawn in order. */
    public sealed interface Block permits Facts, Section, Table {
    }

    /** Label and value pairs in two columns (the patient, the doctor, the visit). */
    public record Facts(String heading, List<Fact> facts) implements Block {
        public Facts {
            facts = List.copyOf(facts);
        }
    }

    public record Fact(String label, String value) {
    }

    /** A heading and its text; blank lines in {@code text} separate paragraphs, line breaks are kept. */
    public record Section(String heading, String text) implements Block {
    }

    /**
     * A table (the prescription): a header row, then rows of the same width; {@code weights} share the width among
     * the columns. A row that does not fit goes to the next page, under the header again.
     */
    public record Table(String heading, List<String> header, List<Float> weights, List<List<String>> rows) implements Block {
        public Table {
            header = List.copyOf(header);
            weights = List.copyOf(weights);
            rows = rows.stream().map(List::copyOf).toList();
            int columns = header.size();
            if (weights.size() != columns || rows.stream().anyMatch(r -> r.size() != columns)) {
                throw new IllegalArgumentException("every row and the weights need " + columns + " columns");
            }
        }
    }

    /**
     * Each page's foot: {@code pageLabel} with {@code {page}} and {@code {pages}} replaced, and {@code generated}
     * (the generation time already written in the clinic's zone and the reader's language).
     */
    public record Footer(String pageLabel, String generated) {
    }

    /** The document's information and XMP metadata. */
    public record Meta(String title, String author, String subject, Instant created) {
    }
}
