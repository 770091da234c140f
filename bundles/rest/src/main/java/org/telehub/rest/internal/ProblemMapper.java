package org.telehub.rest.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.Request;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;
import javax.ws.rs.ext.ExceptionMapper;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.domain.DomainException;
import org.telehub.rest.ProblemException;
import org.telehub.rest.RestApi;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Every failure of the Telehub application leaves as RFC 9457 problem+json. Client errors say what to fix; server
 * errors say nothing about internals and carry an incident id that is logged with the stack trace.
 */
@Component(service = ExceptionMapper.class)
@JaxrsExtension
@JaxrsName(RestApi.PROBLEM_EXTENSION)
@JaxrsApplicationSelect(RestApi.APP_SELECT)
public class ProblemMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemMapper.class);

    @Context
    UriInfo uriInfo;
    @Context
    Request request;
    @Context
    HttpHeaders headers;

    @Override
    public Response toResponse(Throwable t) {
        if (t instanceof ProblemException p) {
            return problem(p.status(), p.title(), p.detail(), p.field(), p.extensions(), p.getResponse());
        }
        if (t instanceof DomainException d) {
            int status = d.status();
            return problem(status, d.title() != null ? d.title() : defaultTitle(status), d.detail(), d.field(),
                    d.details(), status == 503 ? Response.status(503).header(HttpHeaders.RETRY_AFTER, "5").build() : null);
        }
        if (t instanceof JsonProcessingException j) {
            ProblemException p = JsonProblems.of(j);
            return problem(p.status(), p.title(), p.detail(), p.field(), p.extensions(), null);
        }
        if (t instanceof WebApplicationException w) {
            Response r = w.getResponse();
            int status = r.getStatus();
            if (status >= 500) {
                return serverError(t);
            }
            return problem(status, Response.Status.Family.familyOf(status) == Response.Status.Family.CLIENT_ERROR
                    ? reason(status) : "Error", detail(w), null, Map.of(), r);
        }
        String outage = outage(t);
        if (outage != null) {
            LOG.warn("503: the {} is unavailable ({})", outage, rootCause(t));
            return problem(503, "Service Unavailable", "The " + outage + " is unavailable; the request was not"
                    + " completed (a connection cut while committing may still have applied it: retry with the same"
                    + " request key, or check before writing again). Retry later (GET " + RestApi.BASE + "/health says when it is back)", null,
                    Map.of("cause", outage), Response.status(503).header(HttpHeaders.RETRY_AFTER, "5").build());
        }
        return serverError(t);
    }

    /** Titles as ProblemException's factories give them, so a moved check answers exactly as before. */
    private static String defaultTitle(int status) {
        return switch (status) {
            case 400 -> "Invalid request";
            case 422 -> "Unprocessable request";
            default -> reason(status);
        };
    }

    /**
     * "database" or "broker" when the failure is that dependency being unreachable (a connection refused, cut or
     * not accepted, the pool unable to open one), else null. Found by the cause chain, by class name and SQLState,
     * so this bundle depends on neither Jdbi nor JMS: a JDBC connection error is SQLState class 08, an operator
     * shutdown 57P0x, "no connections accepted" 55000 from the pool's connect, too many connections 53300.
     */
    static String outage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String name = c.getClass().getName();
            if (name.equals("org.jdbi.v3.core.ConnectionException") || c instanceof java.sql.SQLTransientConnectionException
                    || c instanceof java.sql.SQLNonTransientConnectionException) {
                return "database";
            }
            if (c instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P0") || state.equals("53300")
                        || (state.equals("55000") && String.valueOf(sql.getMessage()).contains("accepting connections"))) {
                    return "database";
                }
            }
            if (isJms(c.getClass())) {
                return "broker";
            }
        }
        return null;
    }

    private static boolean isJms(Class<?> type) {
        for (Class<?> k = type; k != null; k = k.getSuperclass()) {
            if (k.getName().equals("javax.jms.JMSException") || k.getName().equals("javax.jms.JMSRuntimeException")) {
                return true;
            }
        }
        return false;
    }

    private static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + (c instanceof java.sql.SQLException s ? " SQLState " + s.getSQLState() : "");
    }

    private String detail(WebApplicationException w) {
        String route = request == null ? "" : request.getMethod() + " " + (uriInfo == null ? "" : uriInfo.getRequestUri().getPath());
        // by status, not by exception class: the runtime raises plain WebApplicationExceptions for these
        int status = w.getResponse().getStatus();
        if (status == 404) {
            return "No resource at " + route;
        }
        if (status == 405) {
            return "Method not allowed at " + route + "; allowed: " + w.getResponse().getAllowedMethods();
        }
        if (status == 406) {
            return "No representation of " + route + " matches the Accept header; this API speaks application/json";
        }
        if (status == 415) {
            Object ct = headers == null ? null : headers.getMediaType();
            return "Content-Type " + (ct == null ? "(none)" : "'" + ct + "'")
                    + " is not accepted at " + route + "; the OpenAPI document at " + RestApi.BASE
                    + "/openapi.json lists what each operation takes";
        }
        return w.getMessage();
    }

    private Response serverError(Throwable t) {
        String incident = UUID.randomUUID().toString();
        LOG.error("Incident {}: unhandled error in the Telehub API", incident, t);
        return problem(500, "Internal server error",
                "The server failed to handle the request; quote incident " + incident + " to the operator", null,
                Map.of("incident", incident), null);
    }

    private Response problem(int status, String title, String detail, String field, Map<String, Object> ext,
            Response original) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        if (detail != null) {
            body.put("detail", detail);
        }
        if (uriInfo != null) {
            body.put("instance", uriInfo.getRequestUri().getPath());
        }
        if (field != null) {
            body.put("field", field);
        }
        // extensions add to the standard members, never replace them (a detail named "status" would turn the HTTP
        // status into a word, and clients read the status from the body)
        ext.forEach(body::putIfAbsent);
        Response.ResponseBuilder rb = Response.status(status).type(RestApi.PROBLEM_JSON).entity(body);
        if (status == 401) {
            // RFC 6750: name the scheme, and say when a presented token was the problem
            rb.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"telehub\""
                    + ("invalid_token".equals(ext.get("error")) ? ", error=\"invalid_token\"" : ""));
        }
        if (original != null && status != 401) {
            // keep what tells the client how to proceed (WWW-Authenticate, Allow, Retry-After)
            for (String h : new String[] {HttpHeaders.WWW_AUTHENTICATE, "Allow", HttpHeaders.RETRY_AFTER}) {
                Object v = original.getHeaders().getFirst(h);
                if (v != null) {
                    rb.header(h, v);
                }
            }
        }
        return rb.build();
    }

    private static String reason(int status) {
        Response.StatusType s = Response.Status.fromStatusCode(status);
        if (s != null) {
            return s.getReasonPhrase();
        }
        return switch (status) {
            case 413 -> "Payload Too Large";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            default -> "Client error";
        };
    }
}
