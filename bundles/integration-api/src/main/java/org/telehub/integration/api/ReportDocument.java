package org.telehub.integration.api;

import java.time.Instant;

/**
 * A clinical report (e.g. the signed SOAP note of a visit) to file with an external system.
 *
 * @param code report type code, e.g. LOINC {@code 11488-4} (consult note)
 * @param content the rendered document (PDF), may be null for a text-only conclusion
 * @param documentId (since 1.4) the document's own id, the same in every system it is sent to (null: none); a
 *            system that files it keeps it so that a later {@code amends} finds it
 * @param amends (since 1.4) the {@code documentId} of the filed report this document is an addendum to (null: a
 *            report of its own). A system that can amend marks that report amended and adds this document to it;
 *            one that cannot (a PACS) files it as a new document
 */
public record ReportDocument(String code, String codeSystem, String title, String conclusion, byte[] content,
        String contentType, Instant authoredAt, String author, String documentId, String amends) {

    /** A report without a document id, amending nothing (the 1.3 constructor). */
    public ReportDocument(String code, String codeSystem, String title, String conclusion, byte[] content,
            String contentType, Instant authoredAt, String author) {
        this(code, codeSystem, title, conclusion, content, contentType, authoredAt, author, null, null);
    }
}
