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
record ReportLayout(String language, boolean rightToLeft, Letterhead letterhead, String title, String subtitle,
        List<Block> blocks, Footer footer, Meta meta) {
    ReportLayout {
        Objects.requireNonNull(language, "language");
        blocks = List.copyOf(blocks);
    }

    /** The clinic at the top of the first page; {@code logo} PNG or JPEG bytes, or null. */
    record Letterhead(String clinicName, List<String> lines, byte[] logo) {
        Letterhead {
            lines = List.copyOf(lines);
        }
    }

    /** One block of the body, drawn in order. */
    sealed interface Block permits Facts, Section, Table {
    }

    /** Label and value pairs in two columns (the patient, the doctor, the visit). */
    record Facts(String heading, List<Fact> facts) implements Block {
        Facts {
            facts = List.copyOf(facts);
        }
    }

    record Fact(String label, String value) {
    }

    /** A heading and its text; blank lines in {@code text} separate paragraphs, line breaks are kept. */
    record Section(String heading, String text) implements Block {
    }

    /**
     * A table (the prescription): a header row, then rows of the same width; {@code weights} share the width among
     * the columns. A row that does not fit goes to the next page, under the header again.
     */
    record Table(String heading, List<String> header, List<Float> weights, List<List<String>> rows) implements Block {
        Table {
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
    record Footer(String pageLabel, String generated) {
    }

    /** The document's information and XMP metadata. */
    record Meta(String title, String author, String subject, Instant created) {
    }
}
