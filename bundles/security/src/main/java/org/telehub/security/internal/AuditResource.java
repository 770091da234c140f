package org.telehub.security.internal;

import java.util.List;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.rest.RestApi;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/** The audit trail for administrators: is the chain intact? */
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
}
