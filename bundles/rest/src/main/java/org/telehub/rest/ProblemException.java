package org.telehub.rest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.Response;

/**
 * A request failed for a reason the caller can act on. Rendered as RFC 9457 problem+json with {@code status},
 * {@code title}, {@code detail} and, where one input is to blame, {@code field} naming it (a JSON path such as
 * {@code roles[1]} or a parameter name).
 */
public class ProblemException extends WebApplicationException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String title;
    private final String detail;
    private final String field;
    private final transient Map<String, Object> extensions;

    public ProblemException(int status, String title, String detail, String field, Map<String, Object> extensions) {
        super(detail, status);
        this.status = status;
        this.title = title;
        this.detail = detail;
        this.field = field;
        this.extensions = extensions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    public ProblemException(Response.Status status, String detail) {
        this(status.getStatusCode(), status.getReasonPhrase(), detail, null, null);
    }

    /** 400: {@code field} is missing or malformed. */
    public static ProblemException invalid(String field, String detail) {
        return new ProblemException(400, "Invalid request", detail, field, null);
    }

    /** 404: the thing asked for does not exist (or the caller may not know it exists). */
    public static ProblemException notFound(String detail) {
        return new ProblemException(Response.Status.NOT_FOUND, detail);
    }

    /** 409: the request conflicts with the current state. */
    public static ProblemException conflict(String detail) {
        return new ProblemException(Response.Status.CONFLICT, detail);
    }

    /** 422: well-formed but semantically unacceptable. */
    public static ProblemException unprocessable(String field, String detail) {
        return new ProblemException(422, "Unprocessable request", detail, field, null);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }

    /** The input at fault, or null. */
    public String field() {
        return field;
    }

    /** Extra members of the problem object. */
    public Map<String, Object> extensions() {
        return extensions;
    }
}
