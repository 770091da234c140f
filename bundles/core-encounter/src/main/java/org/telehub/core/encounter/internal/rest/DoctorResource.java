package org.telehub.core.encounter.internal.rest;

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
import org.telehub.core.encounter.PeopleService;
import org.telehub.core.encounter.ScheduleService;
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
    private final PeopleService people;
    private final ScheduleService schedule;

    @Activate
    public DoctorResource(@Reference PeopleService people, @Reference ScheduleService schedule) {
        this.people = people;
        this.schedule = schedule;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    public Response createDoctor(PeopleService.NewDoctor body, @Context SecurityContext s, @Context UriInfo uri) {
        Views.DoctorView d = Views.view(people.createDoctor(Views.user(s), body));
        return Response.created(uri.getAbsolutePathBuilder().path(d.id()).build()).entity(d).build();
    }

    @GET
    public List<Views.DoctorView> doctors(@QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") @DefaultValue("100") int limit, @Context SecurityContext s) {
        return people.doctors(Views.user(s), offset, limit).stream().map(Views::view).toList();
    }

    @GET
    @Path("{id}")
    public Views.DoctorView doctor(@PathParam("id") String id, @Context SecurityContext s) {
        return Views.view(people.doctor(Views.user(s), id));
    }

    @GET
    @Path("{id}/availability")
    public ScheduleService.Availability availability(@PathParam("id") String id, @Context SecurityContext s) {
        return schedule.availability(Views.user(s), id);
    }

    @PUT
    @Path("{id}/availability")
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR})
    public ScheduleService.Availability putAvailability(@PathParam("id") String id,
            ScheduleService.Availability body, @Context SecurityContext s) {
        return schedule.setAvailability(Views.user(s), id, body);
    }

    @GET
    @Path("{id}/slots")
    public Views.Slots slots(@PathParam("id") String id, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("clinicId") String clinicId, @Context SecurityContext s) {
        return Views.view(schedule.freeSlots(Views.user(s), id, clinicId, from, to));
    }
}
