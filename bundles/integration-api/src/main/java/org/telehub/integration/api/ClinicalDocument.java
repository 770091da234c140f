package org.telehub.integration.api;

import java.time.Instant;

/**
 * One document a system keeps about a patient. Since 1.11.
 *
 * @param id the system's unique document number (HL7 TXA-12), which {@link DocumentSource#content} takes
 * @param type the kind of document as the system names it, e.g. {@code ENDO} or {@code CN} (HL7 table 0270)
 * @param title what it is about, e.g. the procedure's name; null when the system gives none
 * @param status its completion status, e.g. {@code AU} (authenticated), {@code PA}, {@code DI} (HL7 table 0271)
 * @param authored when it was written (else when the system reported it)
 * @param author who wrote it, as the system names them; null when unknown
 * @param orderNumber the order it reports on (for a procedure, its accession number); null when none
 * @param parentId the document this one adds to (an addendum) or replaces; null for an original
 * @param text its text, when it has any (a report's words); null otherwise
 * @param contentType the media type of its content, e.g. {@code application/pdf}; null when it has only text
 * @param contentBytes the content's size in bytes; 0 when it has none
 */
public record ClinicalDocument(String id, String type, String title, String status, Instant authored, String author,
        String orderNumber, String parentId, String text, String contentType, long contentBytes) {
}
