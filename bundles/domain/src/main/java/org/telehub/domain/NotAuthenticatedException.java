package org.telehub.domain;

import java.util.Map;

/** The credential presented (password, token, join link) is missing, wrong, expired or revoked (HTTP 401). */
public final class NotAuthenticatedException extends DomainException {
    private static final long serialVersionUID = 1L;

    public NotAuthenticatedException(String detail) {
        super(null, detail, null, null, null);
    }

    public NotAuthenticatedException(String title, String detail, String field, Map<String, ?> details) {
        super(title, detail, field, details, null);
    }

    public NotAuthenticatedException(String title, String detail, String field, Map<String, ?> details, Throwable cause) {
        super(title, detail, field, details, cause);
    }
}
