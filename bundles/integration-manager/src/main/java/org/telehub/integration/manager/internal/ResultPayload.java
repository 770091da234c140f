package org.telehub.integration.manager.internal;

import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.telehub.domain.UnprocessableException;
import org.telehub.integration.api.AnalysisResult;
import org.telehub.integration.api.ConditionEntry;
import org.telehub.integration.api.MedicationOrder;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.api.ReportDocument;
import org.telehub.integration.spi.Result;

/**
 * What a clinician sends to the patient's systems: a report, observations, an analysis result, in any
 * combination; from other bundles ({@code ResultDeliveries}) also the report's document id (or the one it amends),
 * its coded diagnoses and its prescription. Each target gets the parts its capability handlers take
 * ({@link CapabilityHandlers#plan}). Stored as JSON with the delivery (payloads stored before a member existed read
 * it as null).
 */
public record ResultPayload(Report report, List<Observation> observations, Analysis analysis, String documentId,
        String amends, List<ConditionEntry> conditions, List<MedicationOrder> medications) {

    /** What {@code send-results} takes. */
    public ResultPayload(Report report, List<Observation> observations, Analysis analysis) {
        this(report, observations, analysis, null, null, null, null);
    }

    /** A report; {@code contentBase64} is the rendered document (PDF). */
    public record Report(String code, String codeSystem, String title, String conclusion, String contentBase64,
            String contentType, Instant authoredAt, String author, String studyInstanceUid) {
    }

    /** {@code category}: where the EHR lists it, a code of HL7's observation categories (vital-signs, laboratory). */
    public record Observation(String code, String codeSystem, String display, Double value, String unit, String text,
            Instant effective, String performer, String category) {
    }

    /** What an observation category looks like (HL7's codes are lower case with hyphens). */
    public static final java.util.regex.Pattern CATEGORY = java.util.regex.Pattern.compile("[a-z][a-z0-9-]{0,63}");
    public static final String CATEGORY_RULE = "An observation category code such as vital-signs or laboratory";

    /**
     * An analysis of a procedure, for the procedure system that recorded it: in words, and (for systems that file it
     * structured: a DICOM SR) the finding coded, with the confidence and the algorithm behind it.
     */
    public record Analysis(String procedureId, String summary, String details, String findingCode,
            String findingCodeSystem, String findingDisplay, Double confidence, String algorithmName,
            String algorithmVersion) {

        /** An analysis in words only. */
        public Analysis(String procedureId, String summary, String details) {
            this(procedureId, summary, details, null, null, null, null, null, null);
        }

        void validate() {
            required("analysis.procedureId", procedureId);
            required("analysis.summary", summary);
            text("analysis.summary", summary, 500, false);
            text("analysis.details", details, 4000, true);
            bounded("analysis.findingCode", findingCode);
            bounded("analysis.findingCodeSystem", findingCodeSystem);
            bounded("analysis.findingDisplay", findingDisplay);
            bounded("analysis.algorithmName", algorithmName);
            bounded("analysis.algorithmVersion", algorithmVersion);
            if (findingCode != null && findingCodeSystem == null) {
                throw new UnprocessableException("analysis.findingCodeSystem", "A coded finding needs its code system "
                        + "(a URI such as http://snomed.info/sct, or a DICOM designator such as SCT)");
            }
            if (findingCode == null && (findingCodeSystem != null || findingDisplay != null)) {
                throw new UnprocessableException("analysis.findingCode", "Required with a code system or display");
            }
            if (confidence != null && !(confidence >= 0 && confidence <= 1)) {
                throw new UnprocessableException("analysis.confidence", "A number from 0 to 1");
            }
            if (algorithmVersion != null && algorithmName == null) {
                throw new UnprocessableException("analysis.algorithmName", "Required with an algorithm version");
            }
        }

        /** At most {@code max} characters; no control characters but (in a multi-line text) line breaks and tabs. */
        private static void text(String field, String value, int max, boolean lines) {
            if (value != null && (value.length() > max || value.chars().anyMatch(c -> Character.isISOControl(c)
                    && !(lines && (c == '\n' || c == '\r' || c == '\t'))))) {
                throw new UnprocessableException(field, "At most " + max + " characters" + (lines
                        ? ", no control characters but line breaks and tabs" : " on one line"));
            }
        }

        /** Absent, or 1-64 characters with something to read and nothing a coded value cannot carry. */
        private static void bounded(String field, String value) {
            if (value != null && (value.isBlank() || value.length() > 64 || value.contains("\\")
                    || value.chars().anyMatch(Character::isISOControl))) {
                throw new UnprocessableException(field, "1 to 64 characters, without \\ or control characters");
            }
        }
    }

    /** 422 naming the field for anything a target could not file. */
    void validate() {
        if (report == null && (observations == null || observations.isEmpty()) && analysis == null
                && (conditions == null || conditions.isEmpty()) && (medications == null || medications.isEmpty())) {
            throw new UnprocessableException("report", "Nothing to send: give a report, observations or an analysis");
        }
        if (report != null) {
            required("report.code", report.code());
            required("report.title", report.title());
            if (report.contentBase64() != null) {
                try {
                    Base64.getDecoder().decode(report.contentBase64());
                } catch (IllegalArgumentException e) {
                    throw new UnprocessableException("report.contentBase64", "Not valid base64");
                }
                required("report.contentType", report.contentType());
            } else if (report.conclusion() == null || report.conclusion().isBlank()) {
                throw new UnprocessableException("report.conclusion", "A report needs a conclusion or content");
            }
        }
        if (observations != null) {
            for (int i = 0; i < observations.size(); i++) {
                Observation o = observations.get(i);
                if (o == null) {
                    throw new UnprocessableException("observations[" + i + "]", "Must not be null");
                }
                required("observations[" + i + "].code", o.code());
                if (o.value() == null && (o.text() == null || o.text().isBlank())) {
                    throw new UnprocessableException("observations[" + i + "].value", "A value or a text is required");
                }
                if (o.value() != null && (o.value().isNaN() || o.value().isInfinite())) {
                    throw new UnprocessableException("observations[" + i + "].value", "Must be a finite number");
                }
                if (o.category() != null && !CATEGORY.matcher(o.category()).matches()) {
                    throw new UnprocessableException("observations[" + i + "].category", CATEGORY_RULE);
                }
            }
        }
        if (analysis != null) {
            analysis.validate();
        }
        if ((documentId != null || amends != null) && report == null) {
            throw new UnprocessableException("report", "A document id or the report amended needs a report");
        }
        if (conditions != null) {
            for (int i = 0; i < conditions.size(); i++) {
                ConditionEntry c = conditions.get(i);
                if (c == null) {
                    throw new UnprocessableException("conditions[" + i + "]", "Must not be null");
                }
                required("conditions[" + i + "].code", c.code());
                required("conditions[" + i + "].codeSystem", c.codeSystem());
            }
        }
        if (medications != null) {
            for (int i = 0; i < medications.size(); i++) {
                if (medications.get(i) == null) {
                    throw new UnprocessableException("medications[" + i + "]", "Must not be null");
                }
                required("medications[" + i + "].name", medications.get(i).name());
            }
        }
    }

    private static void required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new UnprocessableException(field, "Required");
        }
    }

    /** The result as capability handlers see it. */
    Result result() {
        List<ObservationValue> values = observations == null ? List.of()
                : observations.stream().map(o -> new ObservationValue(o.code(), o.codeSystem(), o.display(), o.value(),
                        o.unit(), o.text(), o.effective(), o.performer(), o.category())).toList();
        ReportDocument document = report == null ? null : new ReportDocument(report.code(), report.codeSystem(),
                report.title(), report.conclusion(),
                report.contentBase64() == null ? null : Base64.getDecoder().decode(report.contentBase64()),
                report.contentType(), report.authoredAt(), report.author(), documentId, amends);
        return new Result(document, report == null ? null : report.studyInstanceUid(), values,
                analysis == null ? null : new AnalysisResult(analysis.procedureId(), analysis.summary(),
                        analysis.details(), analysis.findingCode(), analysis.findingCodeSystem(),
                        analysis.findingDisplay(), analysis.confidence(), analysis.algorithmName(),
                        analysis.algorithmVersion()), conditions, medications);
    }
}
