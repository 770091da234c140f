package org.telehub.domain;

/** The input is of a kind not accepted here, e.g. an upload whose content is not on the clinic's allow-list (HTTP 415). @since 1.2 */
public final class UnsupportedTypeException extends DomainException {
    private static final long serialVersionUID = 1L;

    /** @param field the input at fault, or null */
    public UnsupportedTypeException(String field, String detail) {
        super(null, detail, field, null, null);
    }
}
