package org.telehub.domain;

/** It existed but is gone for good, e.g. an attachment removed when a scan found it infected (HTTP 410). @since 1.2 */
public final class GoneException extends DomainException {
    private static final long serialVersionUID = 1L;

    /** @param field the input at fault, or null */
    public GoneException(String field, String detail) {
        super(null, detail, field, null, null);
    }
}
