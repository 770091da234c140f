package org.telehub.domain;

import java.util.Map;

/** The caller is known but may not do this, e.g. no care relationship with the patient (HTTP 403). */
public final class ForbiddenException extends DomainException {
    private static final long serialVersionUID = 1L;

    public ForbiddenException(String detail) {
        super(null, detail, null, null, null);
    }

    public ForbiddenException(String title, String detail, String field, Map<String, ?> details) {
        super(title, detail, field, details, null);
    }

    public ForbiddenException(String title, String detail, String field, Map<String, ?> details, Throwable cause) {
        super(title, detail, field, details, cause);
    }
}
