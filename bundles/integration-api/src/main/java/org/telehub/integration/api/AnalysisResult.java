package org.telehub.integration.api;

/** A result of analysis sent back to a procedure system, e.g. findings on an endoscopy video. */
public record AnalysisResult(String procedureId, String summary, String details) {
}
