package org.telehub.security.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.rest.ProblemException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/** The audit trail for administrators: is the chain intact, and who touched what, when (also as FHIR). */
@Component(service = AuditResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
    private final AuditTrail trail;
    private final AuditLog audit;

    @Activate
    public AuditResource(@Reference AuditTrail trail, @Reference AuditLog audit) {
        this.trail = trail;
        this.audit = audit;
    }

    /**
     * The verification's outcome: {@code ok}, how much was checked, and otherwise the first broken link (seal id,
     * sequence number, what is wrong); {@code warning} where the check is weaker than it should be.
     */
    public record VerifyView(boolean ok, long seals, long rows, Long sealId, Long seq, String problem,
            String warning) {
    }

    /** Always 200: a broken chain is the answer to the question, not an error of the request. */
    @GET
    @Path("verify")
    @RolesAllowed(Roles.ADMIN)
    public VerifyView verify(@Context SecurityContext security) {
        AuditChain.Verdict v = trail.verify();
        audit.record((AuthenticatedUser) security.getUserPrincipal(), "audit.verify", null, List.of(),
                v.ok() ? "ok" : "broken: " + v);
        return new VerifyView(v.ok(), v.seals(), v.rows(), v.sealId(), v.seq(), v.problem(), v.warning());
    }

    /** A page of audit entries, newest first. */
    public record EntryPage(List<AuditQuery.Entry> items, int offset, int limit) {
    }

    /**
     * The audit trail by patient, user and time (ISO-8601 instants, {@code from} inclusive, {@code to} exclusive),
     * newest first; reading it is audited too.
     */
    @GET
    @RolesAllowed(Roles.ADMIN)
    public EntryPage find(@QueryParam("patientId") String patientId, @QueryParam("actor") String actor,
            @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("limit") @DefaultValue("100") int limit,
            @Context SecurityContext security) {
        List<AuditQuery.Entry> items = query(patientId, actor, from, to, offset, limit, security);
        return new EntryPage(items, offset, limit);
    }

    /** The same entries as a FHIR R4 Bundle of {@code AuditEvent}s. */
    @GET
    @Path("fhir")
    @Produces({FhirAuditEvents.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @RolesAllowed(Roles.ADMIN)
    public Response fhir(@QueryParam("patientId") String patientId, @QueryParam("actor") String actor,
            @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("limit") @DefaultValue("100") int limit,
            @Context SecurityContext security) {
        List<AuditQuery.Entry> items = query(patientId, actor, from, to, offset, limit, security);
        return Response.ok(FhirAuditEvents.bundle(items), FhirAuditEvents.MEDIA_TYPE).build();
    }

    private List<AuditQuery.Entry> query(String patientId, String actor, String from, String to, int offset,
            int limit, SecurityContext security) {
        if (patientId != null && (patientId.isBlank() || patientId.length() > 100)) {
            throw ProblemException.invalid("patientId", "1 to 100 characters");
        }
        if (actor != null && (actor.isBlank() || actor.length() > 64)) {
            throw ProblemException.invalid("actor", "A username: 1 to 64 characters");
        }
        if (offset < 0) {
            throw ProblemException.invalid("offset", "Must be 0 or more");
        }
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalid("limit", "Must be between 1 and 500");
        }
        AuditQuery.Filter f = new AuditQuery.Filter(patientId, actor, instant("from", from), instant("to", to));
        List<AuditQuery.Entry> items = trail.find(f, offset, limit);
        audit.record((AuthenticatedUser) security.getUserPrincipal(), "audit.read", patientId, List.of(),
                items.size() + " entries" + (actor == null ? "" : " of " + actor));
        return items;
    }

    private static Instant instant(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(field, "An ISO-8601 instant such as 2025-03-01T08:00:00Z");
        }
    }
}
