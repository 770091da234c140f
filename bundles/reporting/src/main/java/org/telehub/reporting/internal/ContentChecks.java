package org.telehub.reporting.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.telehub.directory.Diseases;
import org.telehub.domain.InvalidException;
import org.telehub.domain.UnprocessableException;
import org.telehub.reporting.Reports;
import org.telehub.reporting.Reports.Content;
import org.telehub.reporting.Reports.Diagnosis;
import org.telehub.reporting.Reports.FollowUp;
import org.telehub.reporting.Reports.Medication;
import org.telehub.reporting.Reports.Order;
import org.telehub.security.AuthenticatedUser;

/**
 * What a report's content must be before it is saved: each field's size and form (named as the editor shows it, e.g.
 * {@code medications[2].dose}), ICD-10 codes that exist in the clinic's edition (the directory's), medicines of the
 * clinic's formulary (or written in by name, refused or warned about as configured). Returns the content as it is
 * stored (texts stripped, names of coded things as the catalogue writes them) and the warnings.
 */
final class ContentChecks {
    static final int TEXT = 20_000;
    static final int LINES = 50;
    /** SNOMED CT identifiers: 6 to 18 digits (SCTID); this hub has no SNOMED release to check them against. */
    private static final Pattern SNOMED = Pattern.compile("[1-9][0-9]{5,17}");
    private static final Pattern ICD10 = Pattern.compile("[A-Z][0-9][0-9A-Z](\\.[0-9A-Z]{1,4})?");

    record Checked(Content content, List<String> warnings) {
    }

    private final Diseases diseases;
    /** A formulary medicine's printed name (name, strength, form) by its id; null when the formulary has none. */
    private final java.util.function.Function<String, String> formulary;

    ContentChecks(Diseases diseases, java.util.function.Function<String, String> formulary) {
        this.diseases = diseases;
        this.formulary = formulary;
    }

    Checked check(AuthenticatedUser caller, Content c, boolean refuseOffFormulary) {
        if (c == null) {
            throw new InvalidException("content", "Required: the report's content");
        }
        String language = c.language() == null ? "en" : c.language().strip();
        if (!Reports.LANGUAGES.contains(language)) {
            throw new InvalidException("language", "One of " + Reports.LANGUAGES);
        }
        List<String> warnings = new ArrayList<>();
        List<Diagnosis> dx = new ArrayList<>();
        List<Diagnosis> given = list(c.diagnoses(), "diagnoses");
        int primaries = 0;
        for (int i = 0; i < given.size(); i++) {
            Diagnosis d = given.get(i);
            String f = "diagnoses[" + i + "]";
            if (d == null) {
                throw new InvalidException(f, "Required: a diagnosis, not null");
            }
            String system = required(d.system(), f + ".system", 16).toLowerCase(Locale.ROOT);
            String code = required(d.code(), f + ".code", 32).toUpperCase(Locale.ROOT);
            String display = text(d.display(), f + ".display", 500);
            switch (system) {
                case "icd10" -> {
                    if (!ICD10.matcher(code).matches()) {
                        throw new InvalidException(f + ".code", "An ICD-10 code such as E11.9");
                    }
                    Diseases.Disease found = diseases.search(caller, code, null, 0, 1).stream()
                            .filter(x -> x.code().equalsIgnoreCase(code)).findFirst().orElse(null);
                    if (found == null) {
                        throw new UnprocessableException(f + ".code", "No ICD-10 code " + code + " in the clinic's"
                                + " edition (an administrator imports it under Directory, ICD-10)");
                    }
                    display = display == null ? found.name() : display;
                }
                case "snomed" -> {
                    if (!SNOMED.matcher(code).matches()) {
                        throw new InvalidException(f + ".code", "A SNOMED CT identifier: 6 to 18 digits");
                    }
                    if (display == null) {
                        throw new InvalidException(f + ".display", "Required for a SNOMED CT code: its term");
                    }
                }
                default -> throw new InvalidException(f + ".system", "icd10 or snomed");
            }
            if (d.primary() && ++primaries > 1) {
                throw new InvalidException(f + ".primary", "Only one diagnosis is the primary one");
            }
            dx.add(new Diagnosis(system, code, display, d.primary()));
        }
        List<Medication> rx = new ArrayList<>();
        List<Medication> lines = list(c.medications(), "medications");
        for (int i = 0; i < lines.size(); i++) {
            Medication m = lines.get(i);
            String f = "medications[" + i + "]";
            if (m == null) {
                throw new InvalidException(f, "Required: a prescription line, not null");
            }
            String name = text(m.name(), f + ".name", 300);
            String id = text(m.medicineId(), f + ".medicineId", 36);
            if (id != null) {
                String listed = formulary.apply(id);
                if (listed == null) {
                    throw new UnprocessableException(f + ".medicineId", "No medicine " + id + " in the clinic's"
                            + " formulary");
                }
                name = listed;
            } else if (name == null) {
                throw new InvalidException(f + ".name", "Required: the medicine (from the formulary, or by name)");
            } else if (refuseOffFormulary) {
                throw new UnprocessableException(f + ".medicineId", "'" + name + "' is not chosen from the clinic's"
                        + " formulary, and this clinic prescribes from its formulary only");
            } else {
                warnings.add(f + ": '" + name + "' is not in the clinic's formulary");
            }
            Integer quantity = m.quantity();
            if (quantity != null && (quantity < 1 || quantity > 10_000)) {
                throw new InvalidException(f + ".quantity", "Between 1 and 10000");
            }
            Integer refills = m.refills();
            if (refills != null && (refills < 0 || refills > 12)) {
                throw new InvalidException(f + ".refills", "Between 0 and 12");
            }
            rx.add(new Medication(id, name, required(m.dose(), f + ".dose", 200), text(m.route(), f + ".route", 100),
                    required(m.frequency(), f + ".frequency", 200), text(m.duration(), f + ".duration", 100),
                    quantity, refills, text(m.instructions(), f + ".instructions", 1000)));
        }
        List<Order> orders = new ArrayList<>();
        List<Order> os = list(c.orders(), "orders");
        for (int i = 0; i < os.size(); i++) {
            Order o = os.get(i);
            String f = "orders[" + i + "]";
            if (o == null) {
                throw new InvalidException(f, "Required: an order, not null");
            }
            String kind = required(o.kind(), f + ".kind", 16).toLowerCase(Locale.ROOT);
            if (!kind.equals("lab") && !kind.equals("imaging")) {
                throw new InvalidException(f + ".kind", "lab or imaging");
            }
            orders.add(new Order(kind, text(o.code(), f + ".code", 64), required(o.text(), f + ".text", 1000)));
        }
        FollowUp follow = null;
        if (c.followUp() != null) {
            Integer days = c.followUp().days();
            if (days != null && (days < 1 || days > 730)) {
                throw new InvalidException("followUp.days", "Between 1 and 730");
            }
            String note = text(c.followUp().note(), "followUp.note", 1000);
            follow = days == null && note == null ? null : new FollowUp(days, note);
        }
        return new Checked(new Content(language, text(c.subjective(), "subjective", TEXT),
                text(c.objective(), "objective", TEXT), text(c.assessment(), "assessment", TEXT),
                text(c.plan(), "plan", TEXT), dx, rx, orders, follow), warnings);
    }

    private static <T> List<T> list(List<T> l, String field) {
        if (l == null) {
            return List.of();
        }
        if (l.size() > LINES) {
            throw new InvalidException(field, "At most " + LINES);
        }
        return l;
    }

    static String text(String v, String field, int max) {
        if (v == null || v.isBlank()) {
            return null;
        }
        String s = v.strip();
        if (s.length() > max) {
            throw new InvalidException(field, "At most " + max + " characters");
        }
        if (s.chars().anyMatch(ch -> ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r')) {
            throw new InvalidException(field, "Contains control characters");
        }
        return s;
    }

    private static String required(String v, String field, int max) {
        String s = text(v, field, max);
        if (s == null) {
            throw new InvalidException(field, "Required");
        }
        return s;
    }
}
