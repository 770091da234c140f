package org.telehub.core.encounter.internal;

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
    private final People people;
    private final Encounters encounters;

    @Activate
    public PatientResource(@Reference People people, @Reference Encounters encounters) {
        this.people = people;
        this.encounters = encounters;
    }

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.NURSE})
    public Response createPatient(Views.CreatePatient body, @Context SecurityContext s, @Context UriInfo uri) {
        Views.PatientView p = people.createPatient(encounters.caller(s), body);
        return Response.created(uri.getAbsolutePathBuilder().path(p.id()).build()).entity(p).build();
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.NURSE})
    public List<Views.PatientView> patients(@QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") @DefaultValue("100") int limit, @Context SecurityContext s) {
        return people.patients(encounters.caller(s), offset, limit);
    }

    @GET
    @Path("{id}")
    public Views.PatientView patient(@PathParam("id") String id, @Context SecurityContext s) {
        return people.patient(encounters.caller(s), id);
    }
}
