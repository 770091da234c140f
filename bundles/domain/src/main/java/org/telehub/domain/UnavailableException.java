package org.telehub.domain;

import java.util.Map;

/** Something the service depends on (a database, a broker, an external system) is unavailable now; retrying later may succeed (HTTP 503). */
public final class UnavailableException extends DomainException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String detail) {
        super(null, detail, null, null, null);
    }

    public UnavailableException(String title, String detail, String field, Map<String, ?> details) {
        super(title, detail, field, details, null);
    }

    public UnavailableException(String title, String detail, String field, Map<String, ?> details, Throwable cause) {
        super(title, detail, field, details, cause);
    }
}
