package org.telehub.core.encounter.internal;

import java.util.List;

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

import javax.annotation.security.RolesAllowed;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.core.encounter.internal.Views.EncounterView;
import org.telehub.rest.RestApi;
import org.telehub.security.Roles;

/**
 * {@code /encounters}: book, read, list, and move visits through their lifecycle. Every caller sees only what they
 * take part in (a patient their own visits, a doctor theirs and those they are invited to, an administrator all);
 * anything else is 404.
 */
@Component(service = EncounterResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("encounters")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class EncounterResource {
    private final Encounters encounters;

    @Activate
    public EncounterResource(@Reference Encounters encounters) {
        this.encounters = encounters;
    }

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.NURSE, Roles.PATIENT})
    public Response create(Views.CreateEncounter body, @Context SecurityContext s, @Context UriInfo uri) {
        EncounterView v = encounters.create(encounters.caller(s), body);
        return Response.created(uri.getAbsolutePathBuilder().path(v.id()).build()).entity(v).build();
    }

    @GET
    public Views.Page<EncounterView> list(@QueryParam("doctorId") String doctorId,
            @QueryParam("patientId") String patientId, @QueryParam("status") String status,
            @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("limit") @DefaultValue("50") int limit,
            @QueryParam("zone") String zone, @Context SecurityContext s) {
        return encounters.list(encounters.caller(s), doctorId, patientId, status, from, to, offset, limit, zone);
    }

    @GET
    @Path("{id}")
    public EncounterView get(@PathParam("id") String id, @QueryParam("zone") String zone,
            @Context SecurityContext s) {
        return encounters.get(encounters.caller(s), id, zone);
    }

    @POST
    @Path("{id}/confirm")
    public EncounterView confirm(@PathParam("id") String id, @Context SecurityContext s) {
        return encounters.transition(encounters.caller(s), id, Model.CONFIRMED, null);
    }

    @POST
    @Path("{id}/start")
    public EncounterView start(@PathParam("id") String id, @Context SecurityContext s) {
        return encounters.transition(encounters.caller(s), id, Model.IN_PROGRESS, null);
    }

    @POST
    @Path("{id}/end")
    public EncounterView end(@PathParam("id") String id, @Context SecurityContext s) {
        return encounters.transition(encounters.caller(s), id, Model.COMPLETED, null);
    }

    @POST
    @Path("{id}/cancel")
    public EncounterView cancel(@PathParam("id") String id, Views.Reason body, @Context SecurityContext s) {
        return encounters.transition(encounters.caller(s), id, Model.CANCELLED, body == null ? null : body.reason());
    }

    @POST
    @Path("{id}/no-show")
    public EncounterView noShow(@PathParam("id") String id, Views.Reason body, @Context SecurityContext s) {
        return encounters.transition(encounters.caller(s), id, Model.NO_SHOW, body == null ? null : body.reason());
    }

    @POST
    @Path("{id}/reschedule")
    public EncounterView reschedule(@PathParam("id") String id, Views.Reschedule body, @Context SecurityContext s) {
        return encounters.reschedule(encounters.caller(s), id, body);
    }

    @PUT
    @Path("{id}/notes")
    public EncounterView notes(@PathParam("id") String id, Views.Notes body, @Context SecurityContext s) {
        return encounters.notes(encounters.caller(s), id, body);
    }

    @POST
    @Path("{id}/recording-consent")
    @RolesAllowed(Roles.PATIENT)
    public EncounterView consent(@PathParam("id") String id, @Context SecurityContext s) {
        return encounters.consent(encounters.caller(s), id);
    }

    @PUT
    @Path("{id}/paid")
    @RolesAllowed(Roles.ADMIN)
    public EncounterView paid(@PathParam("id") String id, Views.Paid body, @Context SecurityContext s) {
        return encounters.paid(encounters.caller(s), id, body);
    }

    @GET
    @Path("{id}/reminders")
    public List<Views.ReminderView> reminders(@PathParam("id") String id, @Context SecurityContext s) {
        return encounters.reminders(encounters.caller(s), id);
    }
}
