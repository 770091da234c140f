package org.telehub.integration.manager.internal;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.RemoteFailureException;
import org.telehub.domain.UnavailableException;
import org.telehub.domain.UnprocessableException;
import org.telehub.integration.api.Adapter;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;

/**
 * What the per-system services share: finding the adapter a request names, turning a call's outcome into its
 * value or a domain failure, auditing failed attempts on a patient's data, and parameter parsing. Throws
 * {@link org.telehub.domain.DomainException}s only; the REST layer renders them.
 */
public final class RemoteCalls {
    private static final Pattern ADAPTER_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** Where the REST API lists adapters (named in errors, as clients use it). */
    private static final String STATUS_ROUTE = "/api/v1/integration/status";

    private final AdapterRegistry registry;
    private final AuditLog audit;
    private final String system;

    /** @param system how the remote system is named in errors, e.g. "PACS", "EHR" */
    public RemoteCalls(AdapterRegistry registry, AuditLog audit, String system) {
        this.registry = registry;
        this.audit = audit;
        this.system = system;
    }

    /**
     * The adapter {@code adapterId} as the capability the request needs: 400 without a valid id, 404 if no such
     * adapter is installed, 422 if it lacks the capability.
     */
    public <T> T adapter(String adapterId, Class<T> capability, String kind) {
        if (adapterId == null || !ADAPTER_ID.matcher(adapterId).matches()) {
            throw new InvalidException("adapterId", "required: the id of " + kind + " adapter (GET "
                    + STATUS_ROUTE + " lists them)");
        }
        Adapter a = registry.get(adapterId).orElseThrow(() -> new NotFoundException("No adapter '"
                + adapterId + "' is installed; GET " + STATUS_ROUTE + " lists them"));
        if (!capability.isInstance(a)) {
            throw new UnprocessableException("adapterId", "adapter '" + adapterId + "' is not " + kind + " "
                    + capability.getSimpleName());
        }
        return capability.cast(a);
    }

    /** Like {@link #value}, and a failed attempt is audited too: trying to reach a patient's data is access. */
    public <T> T checked(SystemCalls.Outcome<T> o, String operation, AuthenticatedUser who, String action,
            String patientId, String adapterId, String subject) {
        if (!o.ok()) {
            audit.record(who, action, patientId, List.of(adapterId), "failed (" + o.status() + "): " + subject);
        }
        return value(o, operation);
    }

    /**
     * The value of a call, or the problem: 503 when the system is unreachable, slow or busy (retry later), 502 when
     * it answered with a refusal.
     */
    public <T> T value(SystemCalls.Outcome<T> o, String operation) {
        if (o.ok()) {
            return o.value();
        }
        if (o.retryable()) {
            throw new UnavailableException("Service Unavailable", system + " " + operation + " failed: "
                    + o.error(), null, Map.of("outcome", o.status().name()));
        }
        throw new RemoteFailureException("Bad Gateway", system + " " + operation + " failed: " + o.error(), null,
                Map.of("outcome", o.status().name()));
    }

    public static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    public static LocalDate date(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidException(field, "a date as YYYY-MM-DD");
        }
    }
}
