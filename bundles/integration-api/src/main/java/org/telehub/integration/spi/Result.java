package org.telehub.integration.spi;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.telehub.integration.api.AnalysisResult;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.api.ReportDocument;

/**
 * A validated result on its way to one system: any combination of a report (with the imaging study it belongs
 * to, if any), observations and an analysis. Absent parts are null (observations: null or empty).
 */
public record Result(ReportDocument report, String studyInstanceUid, List<ObservationValue> observations,
        AnalysisResult analysis) {

    public Result {
        observations = observations == null ? List.of() : List.copyOf(observations);
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
        return parts;
    }
}
