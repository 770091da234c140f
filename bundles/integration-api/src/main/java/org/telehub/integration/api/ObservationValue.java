package org.telehub.integration.api;

import java.time.Instant;

/**
 * One observation (a vital sign, a lab value).
 *
 * @param code e.g. LOINC {@code 8867-4}
 * @param codeSystem e.g. {@code http://loinc.org}
 * @param value numeric value, or null when {@code text} carries it
 * @param unit UCUM unit, e.g. {@code /min}
 */
public record ObservationValue(String code, String codeSystem, String display, Double value, String unit, String text,
        Instant effective, String performer) {
}
