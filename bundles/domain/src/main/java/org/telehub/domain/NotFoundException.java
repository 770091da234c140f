package org.telehub.domain;

import java.util.Map;

/** The thing asked for does not exist, or the caller may not know that it exists (HTTP 404). */
public final class NotFoundException extends DomainException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String detail) {
        super(null, detail, null, null, null);
    }

    public NotFoundException(String title, String detail, String field, Map<String, ?> details) {
        super(title, detail, field, details, null);
    }

    public NotFoundException(String title, String detail, String field, Map<String, ?> details, Throwable cause) {
        super(title, detail, field, details, cause);
    }
}
