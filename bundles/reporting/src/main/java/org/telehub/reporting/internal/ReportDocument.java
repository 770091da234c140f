package org.telehub.reporting.internal;

import java.text.MessageFormat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.stream.Collectors;

import org.telehub.reporting.Reports.Content;
import org.telehub.reporting.Reports.Diagnosis;
import org.telehub.reporting.Reports.Medication;
import org.telehub.reporting.Reports.Order;
import org.telehub.reporting.internal.pdf.ReportLayout;
import org.telehub.reporting.internal.pdf.ReportLayout.Block;
import org.telehub.reporting.internal.pdf.ReportLayout.Fact;
import org.telehub.reporting.internal.pdf.ReportLayout.Facts;
import org.telehub.reporting.internal.pdf.ReportLayout.Footer;
import org.telehub.reporting.internal.pdf.ReportLayout.Letterhead;
import org.telehub.reporting.internal.pdf.ReportLayout.Meta;
import org.telehub.reporting.internal.pdf.ReportLayout.Section;
import org.telehub.reporting.internal.pdf.ReportLayout.Table;

/**
 * A report as the PDF lays it out, in the report's language ({@code labels*.properties}): the letterhead, the
 * patient and the doctor, S/O/A/P, the diagnoses, the prescription as a table, the orders and the follow-up; times in
 * the clinic's zone. An addendum is a page of its own that names the report it adds to.
 */
final class ReportDocument {

    /** Who and where, as printed. */
    record Parties(Letterhead letterhead, ZoneId zone, String patientName, LocalDate birthDate, String patientId,
            String doctorName, String speciality, String visitType, Instant visitStart) {
    }

    private ReportDocument() {
    }

    static ResourceBundle labels(String language) {
        return ResourceBundle.getBundle(ReportDocument.class.getPackageName() + ".labels", Locale.forLanguageTag(
                language), ReportDocument.class.getClassLoader(), ResourceBundle.Control.getNoFallbackControl(
                        ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    static ReportLayout report(Content c, Parties p, boolean draft, Instant now) {
        String lang = c.language();
        ResourceBundle l = labels(lang);
        Locale locale = Locale.forLanguageTag(lang);
        List<Block> blocks = new ArrayList<>(parties(l, p, locale));
        section(blocks, l.getString("subjective"), c.subjective());
        section(blocks, l.getString("objective"), c.objective());
        section(blocks, l.getString("assessment"), c.assessment());
        if (!c.diagnoses().isEmpty()) {
            blocks.add(new Section(l.getString("diagnoses"), c.diagnoses().stream().map(d -> diagnosis(l, d))
                    .collect(Collectors.joining("\n"))));
        }
        section(blocks, l.getString("plan"), c.plan());
        if (!c.medications().isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            java.text.NumberFormat number = java.text.NumberFormat.getIntegerInstance(locale);
            for (Medication m : c.medications()) {
                String what = m.name() + (m.instructions() == null ? "" : " · " + m.instructions());
                rows.add(List.of(what, m.dose(), blank(m.route()), m.frequency(), blank(m.duration()),
                        m.quantity() == null ? "" : number.format(m.quantity()),
                        m.refills() == null ? "" : number.format(m.refills())));
            }
            blocks.add(new Table(l.getString("prescription"), List.of(l.getString("medicine"), l.getString("dose"),
                    l.getString("route"), l.getString("frequency"), l.getString("duration"), l.getString("quantity"),
                    l.getString("refills")), List.of(3f, 1.3f, 1f, 2f, 1.2f, 1.1f, 1f), rows));
        }
        if (!c.orders().isEmpty()) {
            blocks.add(new Section(l.getString("orders"), c.orders().stream().map(o -> order(l, o))
                    .collect(Collectors.joining("\n"))));
        }
        if (c.followUp() != null) {
            String f = c.followUp().days() == null ? "" : new MessageFormat(l.getString("followUpIn"), locale)
                    .format(new Object[] {c.followUp().days()});
            String note = c.followUp().note() == null ? "" : c.followUp().note();
            blocks.add(new Section(l.getString("followUp"), (f + (f.isEmpty() || note.isEmpty() ? "" : ". ")
                    + note).strip()));
        }
        String title = l.getString(draft ? "draftTitle" : "title");
        return new ReportLayout(lang, "fa".equals(lang), p.letterhead(), title, subtitle(l, p, locale), blocks,
                footer(l, p.zone(), locale, now), new Meta(title + " — " + p.patientName(), p.doctorName(),
                        l.getString("subject"), now));
    }

    static ReportLayout addendum(String language, String text, Instant reportSigned, Parties p, Instant now) {
        ResourceBundle l = labels(language);
        Locale locale = Locale.forLanguageTag(language);
        List<Block> blocks = new ArrayList<>(parties(l, p, locale));
        blocks.add(new Section(l.getString("addendum"), MessageFormat.format(l.getString("addendumOf"),
                when(l, reportSigned, p.zone(), locale)) + "\n\n" + text));
        String title = l.getString("addendumTitle");
        return new ReportLayout(language, "fa".equals(language), p.letterhead(), title, subtitle(l, p, locale),
                blocks, footer(l, p.zone(), locale, now), new Meta(title + " — " + p.patientName(), p.doctorName(),
                        l.getString("subject"), now));
    }

    private static List<Block> parties(ResourceBundle l, Parties p, Locale locale) {
        List<Fact> patient = new ArrayList<>(List.of(new Fact(l.getString("name"), p.patientName())));
        if (p.birthDate() != null) {
            patient.add(new Fact(l.getString("birthDate"), persian(locale)
                    ? persian("d MMMM y", p.birthDate().atStartOfDay(ZoneId.of("UTC")).toInstant(), ZoneId.of("UTC"))
                    : DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale).format(p.birthDate())));
        }
        patient.add(new Fact(l.getString("recordNumber"), p.patientId()));
        List<Fact> doctor = new ArrayList<>(List.of(new Fact(l.getString("name"), p.doctorName())));
        if (p.speciality() != null) {
            doctor.add(new Fact(l.getString("speciality"), p.speciality()));
        }
        return List.of(new Facts(l.getString("patient"), patient), new Facts(l.getString("doctor"), doctor));
    }

    private static String subtitle(ResourceBundle l, Parties p, Locale locale) {
        String type = l.containsKey("type." + p.visitType()) ? l.getString("type." + p.visitType()) : p.visitType();
        return MessageFormat.format(l.getString("subtitle"), type, when(l, p.visitStart(), p.zone(), locale));
    }

    private static Footer footer(ResourceBundle l, ZoneId zone, Locale locale, Instant now) {
        return new Footer(l.getString("page"), MessageFormat.format(l.getString("generated"), when(l, now, zone,
                locale)));
    }

    /** A moment in the report's language and the clinic's zone; in Persian, in the Solar Hijri calendar. */
    static String when(ResourceBundle l, Instant t, ZoneId zone, Locale locale) {
        return persian(locale) ? persian(l.getString("when"), t, zone)
                : DateTimeFormatter.ofPattern(l.getString("when"), locale).format(t.atZone(zone));
    }

    private static boolean persian(Locale locale) {
        return "fa".equals(locale.getLanguage());
    }

    /**
     * Persian readers date things in the Solar Hijri calendar (the web app shows it too), which java.time does not
     * have: ICU's, with Persian digits and month names.
     */
    private static String persian(String pattern, Instant t, ZoneId zone) {
        com.ibm.icu.text.SimpleDateFormat f = new com.ibm.icu.text.SimpleDateFormat(pattern,
                new com.ibm.icu.util.ULocale("fa_IR@calendar=persian"));
        f.setTimeZone(com.ibm.icu.util.TimeZone.getTimeZone(zone.getId()));
        return f.format(java.util.Date.from(t));
    }

    private static String diagnosis(ResourceBundle l, Diagnosis d) {
        return (d.system().equals("icd10") ? d.code() : "SNOMED CT " + d.code()) + " " + (d.display() == null ? ""
                : d.display()) + " (" + l.getString(d.primary() ? "primary" : "secondary") + ")";
    }

    private static String order(ResourceBundle l, Order o) {
        return l.getString("order." + o.kind()) + ": " + o.text() + (o.code() == null ? "" : " (" + o.code() + ")");
    }

    private static void section(List<Block> blocks, String heading, String text) {
        if (text != null && !text.isBlank()) {
            blocks.add(new Section(heading, text));
        }
    }

    private static String blank(String s) {
        return s == null ? "" : s;
    }
}
