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
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.Action;
import org.telehub.core.encounter.internal.Checks;
import org.telehub.core.encounter.internal.rest.Views.EncounterView;
import org.telehub.rest.RestApi;
import org.telehub.security.Roles;
import org.telehub.security.VisitScoped;

/**
 * {@code /encounters}: book, read, list, and move visits through their lifecycle, over {@link EncounterService}
 * (which decides who sees and does what; anything a caller may not see is 404).
 */
@Component(service = EncounterResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("encounters")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class EncounterResource {
    private final EncounterService encounters;

    @Activate
    public EncounterResource(@Reference EncounterService encounters) {
        this.encounters = encounters;
    }

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.NURSE, Roles.FRONT_DESK, Roles.PATIENT})
    public Response create(EncounterService.BookingRequest body, @Context SecurityContext s, @Context UriInfo uri) {
        EncounterView v = Views.view(encounters.book(Views.user(s), body), null);
        return Response.created(uri.getAbsolutePathBuilder().path(v.id()).build()).entity(v).build();
    }

    @GET
    public EncounterService.Page<EncounterView> list(@QueryParam("doctorId") String doctorId,
            @QueryParam("patientId") String patientId, @QueryParam("status") String status,
            @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("limit") @DefaultValue("50") int limit,
            @QueryParam("zone") String zone, @Context SecurityContext s) {
        Checks.zone(zone);
        EncounterService.Page<EncounterService.EncounterDetails> page = encounters.list(Views.user(s),
                new EncounterService.Query(doctorId, patientId, status, from, to, offset, limit));
        return new EncounterService.Page<>(page.items().stream().map(e -> Views.view(e, zone)).toList(),
                page.offset(), page.limit(), page.total());
    }

    @GET
    @Path("{id}")
    @VisitScoped
    public EncounterView get(@PathParam("id") String id, @QueryParam("zone") String zone,
            @Context SecurityContext s) {
        return Views.view(encounters.get(Views.user(s), id), zone);
    }

    @POST
    @Path("{id}/confirm")
    public EncounterView confirm(@PathParam("id") String id, @Context SecurityContext s) {
        return step(s, id, Action.CONFIRM, null);
    }

    @POST
    @Path("{id}/start")
    public EncounterView start(@PathParam("id") String id, @Context SecurityContext s) {
        return step(s, id, Action.START, null);
    }

    @POST
    @Path("{id}/end")
    public EncounterView end(@PathParam("id") String id, @Context SecurityContext s) {
        return step(s, id, Action.END, null);
    }

    @POST
    @Path("{id}/cancel")
    public EncounterView cancel(@PathParam("id") String id, Views.Reason body, @Context SecurityContext s) {
        return step(s, id, Action.CANCEL, body == null ? null : body.reason());
    }

    @POST
    @Path("{id}/no-show")
    public EncounterView noShow(@PathParam("id") String id, Views.Reason body, @Context SecurityContext s) {
        return step(s, id, Action.NO_SHOW, body == null ? null : body.reason());
    }

    private EncounterView step(SecurityContext s, String id, Action action, String reason) {
        return Views.view(encounters.transition(Views.user(s), id, action, reason), null);
    }

    @POST
    @Path("{id}/reschedule")
    public EncounterView reschedule(@PathParam("id") String id, EncounterService.Reschedule body,
            @Context SecurityContext s) {
        return Views.view(encounters.reschedule(Views.user(s), id, body), null);
    }

    @PUT
    @Path("{id}/notes")
    public EncounterView notes(@PathParam("id") String id, EncounterService.Notes body, @Context SecurityContext s) {
        return Views.view(encounters.notes(Views.user(s), id, body), null);
    }

    @POST
    @Path("{id}/recording-consent")
    @RolesAllowed(Roles.PATIENT)
    public EncounterView consent(@PathParam("id") String id, @Context SecurityContext s) {
        return Views.view(encounters.consentToRecording(Views.user(s), id), null);
    }

    @PUT
    @Path("{id}/paid")
    @RolesAllowed(Roles.ADMIN)
    public EncounterView paid(@PathParam("id") String id, Views.Paid body, @Context SecurityContext s) {
        return Views.view(encounters.setPaid(Views.user(s), id, body == null ? null : body.paid()), null);
    }

    @GET
    @Path("{id}/reminders")
    public List<EncounterService.ReminderInfo> reminders(@PathParam("id") String id, @Context SecurityContext s) {
        return encounters.reminders(Views.user(s), id);
    }
}
