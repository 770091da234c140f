package org.telehub.core.encounter.internal.rest;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.core.encounter.internal.invite.Invitations;
import org.telehub.rest.RestApi;
import org.telehub.security.Roles;

/**
 * Invitations to a visit ({@code /encounters/{id}/invitations}), over {@link Invitations}, which decides who may
 * (who runs the visit and front desk; others 403 or 404). Redeeming them is public: {@link JoinResource}.
 */
@Component(service = InvitationResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("encounters/{id}/invitations")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class InvitationResource {
    private final Invitations invitations;

    @Activate
    public InvitationResource(@Reference Invitations invitations) {
        this.invitations = invitations;
    }

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.FRONT_DESK})
    public Response invite(@PathParam("id") String id, Invitations.InviteRequest body, @Context SecurityContext s,
            @Context UriInfo uri) {
        Invitations.InvitationView v = invitations.invite(Views.user(s), id, body);
        return Response.created(uri.getAbsolutePathBuilder().path(v.id()).build()).entity(v).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.FRONT_DESK})
    public Invitations.Listing list(@PathParam("id") String id, @Context SecurityContext s) {
        return invitations.list(Views.user(s), id);
    }

    @DELETE
    @Path("{invitationId}")
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.FRONT_DESK})
    public Invitations.InvitationView revoke(@PathParam("id") String id,
            @PathParam("invitationId") String invitationId, @Context SecurityContext s) {
        return invitations.revoke(Views.user(s), id, invitationId);
    }
}
