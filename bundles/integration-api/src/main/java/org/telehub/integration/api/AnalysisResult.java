package org.telehub.integration.api;

/**
 * A result of analysis sent back to a procedure system, e.g. an AI's finding on an endoscopy video.
 *
 * @param procedureId the system's id of the procedure it is about ({@link ProcedureSummary#procedureId()})
 * @param summary the finding as people read it
 * @param details more, as free text, or null
 * @param findingCode (since 1.8) the finding coded, e.g. SNOMED CT {@code 68496003} (polyp of colon), or null
 * @param findingCodeSystem (since 1.8) its system: a URI such as {@code http://snomed.info/sct}, or a DICOM coding
 *            scheme designator such as {@code SCT}; null when there is no code
 * @param findingDisplay (since 1.8) the code's meaning, or null (then the summary stands for it)
 * @param confidence (since 1.8) how sure the analysis is of the finding, from 0 to 1, or null
 * @param algorithmName (since 1.8) the algorithm that found it (DICOM TID 4019), or null when a person did
 * @param algorithmVersion (since 1.8) its version, or null
 */
public record AnalysisResult(String procedureId, String summary, String details, String findingCode,
        String findingCodeSystem, String findingDisplay, Double confidence, String algorithmName,
        String algorithmVersion) {

    /** A result in words only (the 1.0 constructor). */
    public AnalysisResult(String procedureId, String summary, String details) {
        this(procedureId, summary, details, null, null, null, null, null, null);
    }
}
