package org.telehub.integration.manager.internal;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.ws.rs.core.SecurityContext;

import org.telehub.integration.api.Adapter;
import org.telehub.rest.RestApi;

import org.telehub.rest.ProblemException;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;

/**
 * What the per-system REST resources share: finding the adapter a request names, turning a call's outcome into
 * the REST answer, auditing failed attempts on a patient's data, and request parameter parsing.
 */
final class RemoteCalls {
    private static final Pattern ADAPTER_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final IntegrationService integration;
    private final AuditLog audit;
    private final String system;

    /** @param system how the remote system is named in errors, e.g. "PACS", "EHR" */
    RemoteCalls(IntegrationService integration, AuditLog audit, String system) {
        this.integration = integration;
        this.audit = audit;
        this.system = system;
    }

    /**
     * The adapter {@code adapterId} as the capability the request needs: 400 without a valid id, 404 if no such
     * adapter is installed, 422 if it lacks the capability.
     */
    <T> T adapter(String adapterId, Class<T> capability, String kind) {
        if (adapterId == null || !ADAPTER_ID.matcher(adapterId).matches()) {
            throw ProblemException.invalid("adapterId", "required: the id of " + kind + " adapter (GET "
                    + RestApi.BASE + "/integration/status lists them)");
        }
        Adapter a = integration.adapter(adapterId).orElseThrow(() -> ProblemException.notFound("No adapter '"
                + adapterId + "' is installed; GET " + RestApi.BASE + "/integration/status lists them"));
        if (!capability.isInstance(a)) {
            throw ProblemException.unprocessable("adapterId", "adapter '" + adapterId + "' is not " + kind + " "
                    + capability.getSimpleName());
        }
        return capability.cast(a);
    }

    /** Like {@link #value}, and a failed attempt is audited too: trying to reach a patient's data is access. */
    <T> T checked(IntegrationService.Outcome<T> o, String operation, AuthenticatedUser who, String action,
            String patientId, String adapterId, String subject) {
        if (!"OK".equals(o.status())) {
            audit.record(who, action, patientId, List.of(adapterId), "failed (" + o.status() + "): " + subject);
        }
        return value(o, operation);
    }

    /**
     * The value of a call, or the problem: 503 when the system is unreachable, slow or busy (retry later), 502 when
     * it answered with a refusal.
     */
    <T> T value(IntegrationService.Outcome<T> o, String operation) {
        if ("OK".equals(o.status())) {
            return o.value();
        }
        if (o.retryable()) {
            throw new ProblemException(503, "Service Unavailable", system + " " + operation + " failed: "
                    + o.error(), null, Map.of("outcome", o.status()));
        }
        throw new ProblemException(502, "Bad Gateway", system + " " + operation + " failed: " + o.error(), null,
                Map.of("outcome", o.status()));
    }

    static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    static LocalDate date(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(field, "a date as YYYY-MM-DD");
        }
    }

    static AuthenticatedUser user(SecurityContext security) {
        return (AuthenticatedUser) security.getUserPrincipal();
    }
}
