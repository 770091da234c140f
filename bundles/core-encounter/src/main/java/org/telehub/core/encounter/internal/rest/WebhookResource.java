package org.telehub.core.encounter.internal.rest;

import java.util.List;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
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
import org.telehub.core.encounter.internal.Checks;
import org.telehub.core.encounter.internal.portal.Webhooks;
import org.telehub.domain.ConflictException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.rest.RestApi;
import org.telehub.security.Roles;

/** {@code /webhooks}: portal subscriptions to encounter status changes, and their delivery log. Administrators only. */
@Component(service = WebhookResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("webhooks")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class WebhookResource {
    private static final List<String> STATES = List.of("pending", "in_flight", "retrying", "delivered", "dead");
    private final Webhooks webhooks;

    @Activate
    public WebhookResource(@Reference Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    @POST
    public Response create(Views.CreateWebhook body, @Context SecurityContext s, @Context UriInfo uri) {
        Checks.body(body);
        Webhooks.Subscription w = webhooks.create(body.url(), body.secret(), body.description(),
                s.getUserPrincipal().getName());
        return Response.created(uri.getAbsolutePathBuilder().path(w.id()).build()).entity(w).build();
    }

    @GET
    public List<Webhooks.Subscription> list() {
        return webhooks.list();
    }

    @GET
    @Path("{id}")
    public Webhooks.Subscription get(@PathParam("id") String id) {
        return webhooks.get(id).orElseThrow(() -> new NotFoundException("No webhook " + id));
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        if (!webhooks.delete(id)) {
            throw new NotFoundException("No webhook " + id);
        }
        return Response.noContent().build();
    }

    @GET
    @Path("{id}/deliveries")
    public List<Webhooks.Delivery> deliveries(@PathParam("id") String id, @QueryParam("state") String state,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        get(id);
        if (state != null && !STATES.contains(state)) {
            throw new InvalidException("state", "One of " + STATES);
        }
        if (limit < 1 || limit > 1000) {
            throw new InvalidException("limit", "Must be between 1 and 1000");
        }
        return webhooks.deliveries(id, state, limit);
    }

    @POST
    @Path("deliveries/{deliveryId}/replay")
    public Webhooks.Delivery replay(@PathParam("deliveryId") String id) {
        Webhooks.Delivery d = webhooks.delivery(id).orElseThrow(() -> new NotFoundException("No delivery " + id));
        if (!webhooks.replay(id)) {
            throw new ConflictException("Only a dead delivery can be replayed; this one is " + d.state());
        }
        return webhooks.delivery(id).orElseThrow();
    }
}
