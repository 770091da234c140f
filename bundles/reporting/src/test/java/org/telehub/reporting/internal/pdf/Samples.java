package org.telehub.reporting.internal.pdf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.telehub.reporting.internal.pdf.ReportLayout.Fact;
import org.telehub.reporting.internal.pdf.ReportLayout.Facts;
import org.telehub.reporting.internal.pdf.ReportLayout.Footer;
import org.telehub.reporting.internal.pdf.ReportLayout.Letterhead;
import org.telehub.reporting.internal.pdf.ReportLayout.Meta;
import org.telehub.reporting.internal.pdf.ReportLayout.Section;
import org.telehub.reporting.internal.pdf.ReportLayout.Table;

/** Reports as a clinic would write them, in English, Persian and Russian. */
final class Samples {
    static final Instant CREATED = Instant.parse("2026-12-04T09:30:00Z");

    private Samples() {
    }

    /** A two-page report in English ({@code rows} prescription lines make it longer). */
    static ReportLayout english(int rows) {
        List<List<String>> rx = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            rx.add(List.of(i % 2 == 0 ? "Metformin 500 mg tablet" : "Atorvastatin 20 mg tablet", "1 tablet", "oral",
                    "twice a day with meals", "90 days", "180", "2"));
        }
        return new ReportLayout("en", false, letterhead("North Clinic", "12 Harbour Road, Springfield"),
                "Visit report", "Video visit on 4 December 2026, 10:30 (Europe/Berlin)",
                List.of(new Facts("Patient", List.of(new Fact("Name", "Jane Q. Doe"), new Fact("Date of birth",
                        "1975-03-14"), new Fact("Record number", "MRN-000123"))),
                        new Facts("Doctor", List.of(new Fact("Name", "Dr. Sara Karimi"), new Fact("Speciality",
                                "Endocrinology"), new Fact("Licence", "EN-4471"))),
                        new Section("Subjective", "Tired for three weeks, thirst and frequent urination at night."
                                + " No chest pain.\n\nTakes no medicines at present."),
                        new Section("Objective", "BP 138/86 mmHg, pulse 78/min, weight 84 kg. HbA1c 7.2 % (lab of"
                                + " 28 November)."),
                        new Section("Assessment", "E11.9 Type 2 diabetes mellitus without complications (primary)."
                                + "\nE78.5 Hyperlipidaemia, unspecified (secondary)."),
                        new Section("Plan", "Start metformin and atorvastatin as prescribed; diet advice given."
                                + " Follow-up visit in 3 months with a new HbA1c."),
                        new Table("Prescription", List.of("Medicine", "Dose", "Route", "Frequency", "Duration",
                                "Quantity", "Refills"), List.of(3f, 1.3f, 1f, 2f, 1.2f, 1.1f, 1f), rx)),
                new Footer("Page {page} of {pages}", "Generated 4 December 2026, 10:30 (Europe/Berlin)"),
                new Meta("Visit report — Jane Q. Doe", "Dr. Sara Karimi", "SOAP report", CREATED));
    }

    /** The same in Persian, right to left; every Persian-only letter (پ چ ژ گ ک ی) and a zero-width non-joiner. */
    static ReportLayout persian(int rows) {
        List<List<String>> rx = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            rx.add(List.of("متفورمین ۵۰۰ میلی‌گرم", "یک قرص", "خوراکی", "دو بار در روز با غذا", "۹۰ روز", "۱۸۰",
                    "۲"));
        }
        return new ReportLayout("fa", true, letterhead("درمانگاه شمال", "تهران، خیابان ولیعصر، پلاک ۱۲"),
                "گزارش ویزیت", "ویزیت تصویری، ۱۳ آذر ۱۴۰۵، ساعت ۱۰:۳۰ (Asia/Tehran)",
                List.of(new Facts("بیمار", List.of(new Fact("نام", "ژاله پاکزاد"), new Fact("تاریخ تولد",
                        "۱۳۵۴/۰۱/۲۴"), new Fact("شماره پرونده", "MRN-000123"))),
                        new Facts("پزشک", List.of(new Fact("نام", "دکتر سارا کریمی"), new Fact("تخصص",
                                "غدد درون‌ریز"))),
                        new Section("شرح حال", "سه هفته است که خسته است و شب‌ها تشنگی و تکرر ادرار دارد."
                                + " درد قفسه سینه ندارد."),
                        new Section("معاینه", "فشار خون 138/86 میلی‌متر جیوه، نبض ۷۸، وزن ۸۴ کیلوگرم."
                                + " HbA1c 7.2% — آزمایش ۷ آذر."),
                        new Section("ارزیابی", "E11.9 دیابت نوع ۲ بدون عارضه (اصلی)"),
                        new Section("برنامه", "شروع متفورمین طبق نسخه؛ توصیه‌های غذایی داده شد. پیگیری سه ماه"
                                + " بعد با آزمایش گچ و چربی."),
                        new Table("نسخه", List.of("دارو", "مقدار", "راه مصرف", "دفعات", "مدت", "تعداد",
                                "تکرار"), List.of(3f, 1.3f, 1f, 2f, 1.2f, 1.1f, 1f), rx)),
                new Footer("صفحه {page} از {pages}", "تهیه شده در ۱۳ آذر ۱۴۰۵، ساعت ۱۰:۳۰ (Asia/Tehran)"),
                new Meta("گزارش ویزیت — ژاله پاکزاد", "دکتر سارا کریمی", "گزارش SOAP", CREATED));
    }

    static ReportLayout russian() {
        return new ReportLayout("ru", false, letterhead("Северная клиника", "Москва, ул. Тверская, 12"),
                "Отчёт о визите", "Видеовизит 4 декабря 2026 г., 10:30 (Europe/Moscow)",
                List.of(new Facts("Пациент", List.of(new Fact("Имя", "Юлия Щербакова"))),
                        new Section("Жалобы", "Слабость в течение трёх недель, жажда."),
                        new Section("План", "Метформин 500 мг два раза в день; контроль через 3 месяца.")),
                new Footer("Страница {page} из {pages}", "Создано 4 декабря 2026 г., 10:30"),
                new Meta("Отчёт о визите", "Д-р Сара Каримова", "SOAP", CREATED));
    }

    private static Letterhead letterhead(String name, String address) {
        return new Letterhead(name, List.of(address, "+49 30 1234 5678 · clinic.example"), logo());
    }

    /** A small PNG logo (drawn by the JDK, so no binary file in the repository). */
    static byte[] logo() {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(120, 120,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 120, 120);
        g.setColor(new java.awt.Color(0x0b, 0x6e, 0x99));
        g.fillRect(45, 10, 30, 100);
        g.fillRect(10, 45, 100, 30);
        g.dispose();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Notes with what the fonts do not all have: mathematical signs, a tick, an emoji, Hebrew; brackets both ways. */
    static ReportLayout symbols(boolean persian) {
        String text = persian ? "قند خون ≥ ۱۲۶ → درمان ✓ (اصلی) و (Asia/Tehran) 🙂 שלום"
                : "HbA1c ≥ 7.0 % → start metformin ✓ (primary) 🙂 שלום";
        return new ReportLayout(persian ? "fa" : "en", persian, letterhead("North Clinic", "12 Harbour Road"),
                persian ? "یادداشت" : "Note", null, List.of(new Section(persian ? "ارزیابی" : "Assessment", text),
                        // a line with no Persian letter reads left to right: its brackets are not mirrored, the same
                        // glyphs as the mirrored ones above stand for the other bracket here
                        new Section("", "(MRN-000123) [ref]")),
                new Footer("{page}/{pages}", "4 December 2026"), new Meta("Note", "Dr. Sara Karimi", "note",
                        CREATED));
    }
}
