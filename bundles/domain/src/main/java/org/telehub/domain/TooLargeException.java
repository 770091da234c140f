package org.telehub.domain;

/** The input is larger than the configured limit, e.g. an upload over the clinic's file size limit (HTTP 413). @since 1.2 */
public final class TooLargeException extends DomainException {
    private static final long serialVersionUID = 1L;

    /** @param field the input at fault, or null */
    public TooLargeException(String field, String detail) {
        super(null, detail, field, null, null);
    }
}
