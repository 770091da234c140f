package org.telehub.integration.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.telehub.domain.UnprocessableException;
import org.telehub.integration.api.AnalysisResult;

/** What an analysis result must say before a delivery is made of it: each refusal names its field. */
class ResultPayloadTest {

    private static String refused(ResultPayload.Analysis a) {
        return assertThrows(UnprocessableException.class, () -> new ResultPayload(null, null, a).validate()).field();
    }

    private static ResultPayload.Analysis analysis(String code, String system, Double confidence, String name,
            String version) {
        return new ResultPayload.Analysis("SPS-1", "Polyp", null, code, system, null, confidence, name, version);
    }

    @Test
    void aCodedFindingWithItsConfidenceAndAlgorithmReachesTheSystemWhole() {
        ResultPayload p = new ResultPayload(null, null, new ResultPayload.Analysis("SPS-1", "Polyp", "6 mm",
                "68496003", "http://snomed.info/sct", "Polyp of colon", 0.93, "PolypNet", "2.1"));
        p.validate();
        assertEquals(new AnalysisResult("SPS-1", "Polyp", "6 mm", "68496003", "http://snomed.info/sct",
                "Polyp of colon", 0.93, "PolypNet", "2.1"), p.result().analysis());
        new ResultPayload(null, null, new ResultPayload.Analysis("SPS-1", "Polyp", null)).validate();
    }

    @Test
    void whatNoSystemCouldFileIsRefusedNamingTheField() {
        assertEquals("analysis.procedureId", refused(new ResultPayload.Analysis(null, "Polyp", null)));
        assertEquals("analysis.summary", refused(new ResultPayload.Analysis("SPS-1", " ", null)));
        assertEquals("analysis.findingCodeSystem", refused(analysis("68496003", null, null, null, null)));
        assertEquals("analysis.findingCode", refused(analysis(null, "SCT", null, null, null)));
        assertEquals("analysis.confidence", refused(analysis(null, null, 1.5, null, null)));
        assertEquals("analysis.confidence", refused(analysis(null, null, -0.1, null, null)));
        assertEquals("analysis.confidence", refused(analysis(null, null, Double.NaN, null, null)));
        assertEquals("analysis.algorithmName", refused(analysis(null, null, 0.5, null, "2.1")));
        assertEquals("analysis.algorithmName", refused(analysis(null, null, 0.5, "x".repeat(65), null)));
        assertEquals("analysis.findingCode", refused(analysis("A\\B", "SCT", null, null, null)));
        assertEquals("analysis.summary", refused(new ResultPayload.Analysis("SPS-1", "x".repeat(501), null)));
        assertEquals("analysis.summary", refused(new ResultPayload.Analysis("SPS-1", "polyp\nSEG|x", null)));
        assertEquals("analysis.details", refused(new ResultPayload.Analysis("SPS-1", "polyp", "x".repeat(4001))));
        new ResultPayload(null, null, new ResultPayload.Analysis("SPS-1", "polyp", "line 1\nline 2\ttab")).validate();
    }
}
