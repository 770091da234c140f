package org.telehub.core.encounter.internal;

import java.util.List;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
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
import org.telehub.rest.RestApi;
import org.telehub.security.Roles;

/** {@code /doctors}: doctors, their working hours and free slots. */
@Component(service = DoctorResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("doctors")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class DoctorResource {
    private final People people;
    private final Encounters encounters;

    @Activate
    public DoctorResource(@Reference People people, @Reference Encounters encounters) {
        this.people = people;
        this.encounters = encounters;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    public Response createDoctor(Views.CreateDoctor body, @Context UriInfo uri) {
        Views.DoctorView d = people.createDoctor(body);
        return Response.created(uri.getAbsolutePathBuilder().path(d.id()).build()).entity(d).build();
    }

    @GET
    public List<Views.DoctorView> doctors(@QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        return people.doctors(offset, limit);
    }

    @GET
    @Path("{id}")
    public Views.DoctorView doctor(@PathParam("id") String id) {
        return people.doctor(id);
    }

    @GET
    @Path("{id}/availability")
    public Views.Availability availability(@PathParam("id") String id) {
        return people.availability(id);
    }

    @PUT
    @Path("{id}/availability")
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR})
    public Views.Availability putAvailability(@PathParam("id") String id, Views.Availability body,
            @Context SecurityContext s) {
        return people.putAvailability(encounters.caller(s), id, body);
    }

    @GET
    @Path("{id}/slots")
    public Views.Slots slots(@PathParam("id") String id, @QueryParam("from") String from,
            @QueryParam("to") String to) {
        return people.slots(id, from, to);
    }
}
