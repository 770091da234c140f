package org.telehub.integration.api;

import java.time.Instant;

/**
 * One line of a prescription to file in a patient's record (a FHIR {@code MedicationRequest}, an HL7 v2
 * {@code RXO}). The dosing is the prescriber's own words: Telehub keeps no structured dosing model.
 *
 * @param code the medicine's code where the formulary has one (null: known by name only)
 * @param codeSystem the code's system URI, e.g. {@code http://www.whocc.no/atc}
 * @param name the medicine as the formulary names it (name, strength, form)
 * @param quantity the amount dispensed (null: not given)
 * @param refills how many times more it may be dispensed (null: not given)
 * @param authoredAt when it was prescribed
 * @param prescriber who prescribed it, as people read it
 * @since 1.4
 */
public record MedicationOrder(String code, String codeSystem, String name, String dose, String route,
        String frequency, String duration, Integer quantity, Integer refills, String instructions, Instant authoredAt,
        String prescriber) {
}
