package org.telehub.domain;

import java.util.Map;

/** The request conflicts with the current state: a slot taken, a transition not allowed from this state, a duplicate (HTTP 409). */
public final class ConflictException extends DomainException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String detail) {
        super(null, detail, null, null, null);
    }

    public ConflictException(String title, String detail, String field, Map<String, ?> details) {
        super(title, detail, field, details, null);
    }

    public ConflictException(String title, String detail, String field, Map<String, ?> details, Throwable cause) {
        super(title, detail, field, details, cause);
    }
}
