package org.telehub.integration.manager.internal;

import java.util.List;
import java.util.Map;

import org.telehub.rest.ProblemException;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;

/** Turns a call's outcome into the REST answer, and audits failed attempts on a patient's data. */
final class RemoteCalls {
    private final AuditLog audit;
    private final String system;

    /** @param system how the remote system is named in errors, e.g. "PACS", "EHR" */
    RemoteCalls(AuditLog audit, String system) {
        this.audit = audit;
        this.system = system;
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
}
