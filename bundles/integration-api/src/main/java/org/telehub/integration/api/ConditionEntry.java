package org.telehub.integration.api;

import java.time.Instant;

/**
 * A coded diagnosis to file in a patient's record (a FHIR {@code Condition}, an HL7 v2 {@code DG1}).
 *
 * @param code e.g. ICD-10 {@code E11.9}
 * @param codeSystem the code's system URI, e.g. {@code http://hl7.org/fhir/sid/icd-10} or
 *            {@code http://snomed.info/sct}
 * @param primary the visit's main diagnosis (at most one per result)
 * @param recordedAt when the clinician made it
 * @param recorder who made it, as people read it
 * @since 1.4
 */
public record ConditionEntry(String code, String codeSystem, String display, boolean primary, Instant recordedAt,
        String recorder) {
}
