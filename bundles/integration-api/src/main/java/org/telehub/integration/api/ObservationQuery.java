package org.telehub.integration.api;

import java.time.LocalDate;

/**
 * A search of one patient's observations. Null fields do not constrain.
 *
 * @param category e.g. {@code vital-signs}, {@code laboratory}
 * @param code e.g. LOINC {@code 8867-4}
 * @param codeSystem the code's system, e.g. {@code http://loinc.org}; null for any
 * @param from first day included; {@code to} last day included
 * @param limit the most observations to return, 1..1000
 * @since 1.2
 */
public record ObservationQuery(String category, String code, String codeSystem, LocalDate from, LocalDate to,
        int limit) {

    public ObservationQuery {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1..1000");
        }
        if (from != null && to != null && to.isBefore(from)) {
            throw new IllegalArgumentException("to is before from");
        }
    }
}
