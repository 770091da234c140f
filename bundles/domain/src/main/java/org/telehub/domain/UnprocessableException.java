package org.telehub.domain;

import java.util.Map;

/** The input is well-formed but cannot be accepted, e.g. a visit outside the doctor's working hours (HTTP 422). */
public final class UnprocessableException extends DomainException {
    private static final long serialVersionUID = 1L;

    /** @param field the input at fault (a JSON path such as {@code roles[1]}, or a parameter name), or null */
    public UnprocessableException(String field, String detail) {
        super(null, detail, field, null, null);
    }

    public UnprocessableException(String title, String detail, String field, Map<String, ?> details) {
        super(title, detail, field, details, null);
    }
}
