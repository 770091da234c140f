package org.telehub.domain;

import java.util.Map;

/** An external system (PACS, EHR) answered with an error or something unusable (HTTP 502). */
public final class RemoteFailureException extends DomainException {
    private static final long serialVersionUID = 1L;

    public RemoteFailureException(String detail) {
        super(null, detail, null, null, null);
    }

    public RemoteFailureException(String title, String detail, String field, Map<String, ?> details) {
        super(title, detail, field, details, null);
    }

    public RemoteFailureException(String title, String detail, String field, Map<String, ?> details, Throwable cause) {
        super(title, detail, field, details, cause);
    }
}
