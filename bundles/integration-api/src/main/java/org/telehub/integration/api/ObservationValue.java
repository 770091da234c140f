package org.telehub.integration.api;

import java.time.Instant;

/**
 * One observation (a vital sign, a lab value).
 *
 * @param code e.g. LOINC {@code 8867-4}
 * @param codeSystem e.g. {@code http://loinc.org}
 * @param value numeric value, or null when {@code text} carries it
 * @param unit UCUM unit, e.g. {@code /min}
 * @param category (since 1.4) where an EHR lists it: a code of HL7's observation-category code system, e.g.
 *            {@code vital-signs} or {@code laboratory} (null: none given; EHRs that list by category, such as Epic,
 *            then do not show it)
 */
public record ObservationValue(String code, String codeSystem, String display, Double value, String unit, String text,
        Instant effective, String performer, String category) {

    /** An observation without a category (the 1.3 constructor). */
    public ObservationValue(String code, String codeSystem, String display, Double value, String unit, String text,
            Instant effective, String performer) {
        this(code, codeSystem, display, value, unit, text, effective, performer, null);
    }
}
