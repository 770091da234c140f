package org.telehub.integration.spi;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.telehub.integration.api.AnalysisResult;
import org.telehub.integration.api.ConditionEntry;
import org.telehub.integration.api.MedicationOrder;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.api.ReportDocument;

/**
 * A validated result on its way to one system: any combination of a report (with the imaging study it belongs
 * to, if any), observations, an analysis, and (since 1.1) coded diagnoses and prescription lines. Absent parts are
 * null (lists: null or empty).
 */
public record Result(ReportDocument report, String studyInstanceUid, List<ObservationValue> observations,
        AnalysisResult analysis, List<ConditionEntry> conditions, List<MedicationOrder> medications) {

    public Result {
        observations = observations == null ? List.of() : List.copyOf(observations);
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        medications = medications == null ? List.of() : List.copyOf(medications);
    }

    /** A result without diagnoses or prescription (the 1.0 constructor). */
    public Result(ReportDocument report, String studyInstanceUid, List<ObservationValue> observations,
            AnalysisResult analysis) {
        this(report, studyInstanceUid, observations, analysis, null, null);
    }

    /** The parts present. */
    public Set<ResultPart> parts() {
        Set<ResultPart> parts = EnumSet.noneOf(ResultPart.class);
        if (report != null) {
            parts.add(ResultPart.REPORT);
        }
        if (!observations.isEmpty()) {
            parts.add(ResultPart.OBSERVATIONS);
        }
        if (analysis != null) {
            parts.add(ResultPart.ANALYSIS);
        }
        if (!conditions.isEmpty()) {
            parts.add(ResultPart.CONDITIONS);
        }
        if (!medications.isEmpty()) {
            parts.add(ResultPart.MEDICATIONS);
        }
        return parts;
    }
}
