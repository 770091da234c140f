package org.telehub.domain;

import java.util.Map;

/** Input {@code field} is missing or malformed (HTTP 400). */
public final class InvalidException extends DomainException {
    private static final long serialVersionUID = 1L;

    /** @param field the input at fault (a JSON path such as {@code roles[1]}, or a parameter name), or null */
    public InvalidException(String field, String detail) {
        super(null, detail, field, null, null);
    }

    public InvalidException(String title, String detail, String field, Map<String, ?> details) {
        super(title, detail, field, details, null);
    }
}
