package org.telehub.adapter.hl7v2.internal;

import java.util.List;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.rest.RestApi;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/** {@code /api/v1/integration/hl7/messages}: the HL7 v2 message store for administrators ({@link Messages}). */
@Component(service = Hl7Resource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("integration/hl7/messages")
@Produces(MediaType.APPLICATION_JSON)
public class Hl7Resource {
    private final Messages messages;

    @Activate
    public Hl7Resource(@Reference Messages messages) {
        this.messages = messages;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    public List<Messages.MessageSummary> search(@QueryParam("adapterId") String adapterId,
            @QueryParam("patient") String patient, @QueryParam("type") String type,
            @QueryParam("controlId") String controlId, @QueryParam("state") String state,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("limit") Integer limit,
            @Context SecurityContext security) {
        return messages.search(user(security), new Messages.Search(adapterId, patient, type, controlId, state, from,
                to, limit));
    }

    @GET
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    public Messages.MessageDetail get(@PathParam("id") String id, @Context SecurityContext security) {
        return messages.get(user(security), id);
    }

    @POST
    @Path("{id}/replay")
    @RolesAllowed(Roles.ADMIN)
    public Messages.MessageSummary replay(@PathParam("id") String id, @Context SecurityContext security) {
        return messages.replay(user(security), id);
    }

    private static AuthenticatedUser user(SecurityContext security) {
        return (AuthenticatedUser) security.getUserPrincipal();
    }
}
