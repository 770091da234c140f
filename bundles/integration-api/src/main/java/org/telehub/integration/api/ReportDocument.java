package org.telehub.integration.api;

import java.time.Instant;

/**
 * A clinical report (e.g. the signed SOAP note of a visit) to file with an external system.
 *
 * @param code report type code, e.g. LOINC {@code 11488-4} (consult note)
 * @param content the rendered document (PDF), may be null for a text-only conclusion
 */
public record ReportDocument(String code, String codeSystem, String title, String conclusion, byte[] content,
        String contentType, Instant authoredAt, String author) {
}
