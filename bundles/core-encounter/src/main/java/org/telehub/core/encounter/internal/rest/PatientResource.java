package org.telehub.core.encounter.internal.rest;

import java.util.List;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
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
import org.telehub.core.encounter.PeopleService;
import org.telehub.rest.RestApi;
import org.telehub.security.Roles;

/** {@code /patients}: the people visits are for; staff see them all, a patient their own record. */
@Component(service = PatientResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("patients")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class PatientResource {
    private final PeopleService people;

    @Activate
    public PatientResource(@Reference PeopleService people) {
        this.people = people;
    }

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.NURSE})
    public Response createPatient(PeopleService.NewPatient body, @Context SecurityContext s, @Context UriInfo uri) {
        Views.PatientView p = Views.view(people.createPatient(Views.user(s), body));
        return Response.created(uri.getAbsolutePathBuilder().path(p.id()).build()).entity(p).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.NURSE})
    public List<Views.PatientView> patients(@QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") @DefaultValue("100") int limit, @Context SecurityContext s) {
        return people.patients(Views.user(s), offset, limit).stream().map(Views::view).toList();
    }

    @GET
    @Path("{id}")
    public Views.PatientView patient(@PathParam("id") String id, @Context SecurityContext s) {
        return Views.view(people.patient(Views.user(s), id));
    }
}
