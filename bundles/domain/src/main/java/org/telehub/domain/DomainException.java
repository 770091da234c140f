package org.telehub.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A domain service refused or could not complete a request, for a reason the caller can act on. The subclass says
 * which kind (and so, over HTTP, the status): {@link InvalidException} 400, {@link NotAuthenticatedException} 401,
 * {@link ForbiddenException} 403, {@link NotFoundException} 404, {@link ConflictException} 409,
 * {@link GoneException} 410, {@link TooLargeException} 413, {@link UnsupportedTypeException} 415,
 * {@link UnprocessableException} 422, {@link RemoteFailureException} 502, {@link UnavailableException} 503.
 *
 * <p>{@link #getMessage()} is the detail shown to the caller: never put secrets or another patient's data in it.
 */
public abstract class DomainException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String title;
    private final String field;
    private final transient Map<String, Object> details;

    protected DomainException(String title, String detail, String field, Map<String, ?> details, Throwable cause) {
        super(detail, cause);
        this.title = title;
        this.field = field;
        this.details = details == null || details.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** A short, fixed summary of the kind of failure ("Slot taken"), or null for the kind's default. */
    public String title() {
        return title;
    }

    /** The detail: what happened and, where it helps, what to do. */
    public String detail() {
        return getMessage();
    }

    /** The input at fault, or null. */
    public String field() {
        return field;
    }

    /**
     * The status of this kind of failure, the one place it is decided for every channel (REST's problem+json, the
     * realtime channel's error frames): see the class comment; 500 for a kind not listed, a bug of ours.
     *
     * @since 1.1
     */
    public int status() {
        if (this instanceof InvalidException) {
            return 400;
        } else if (this instanceof NotAuthenticatedException) {
            return 401;
        } else if (this instanceof ForbiddenException) {
            return 403;
        } else if (this instanceof NotFoundException) {
            return 404;
        } else if (this instanceof ConflictException) {
            return 409;
        } else if (this instanceof GoneException) {
            return 410;
        } else if (this instanceof TooLargeException) {
            return 413;
        } else if (this instanceof UnsupportedTypeException) {
            return 415;
        } else if (this instanceof UnprocessableException) {
            return 422;
        } else if (this instanceof RemoteFailureException) {
            return 502;
        } else if (this instanceof UnavailableException) {
            return 503;
        }
        return 500;
    }

    /** Machine-readable facts about the failure (e.g. {@code conflict: doctor}), rendered as extra members. */
    public Map<String, Object> details() {
        return details;
    }
}
