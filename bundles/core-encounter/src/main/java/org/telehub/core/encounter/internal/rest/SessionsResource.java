package org.telehub.core.encounter.internal.rest;

import java.util.ArrayList;
import java.util.List;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriBuilder;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.core.encounter.EncounterService;
import org.telehub.core.encounter.EncounterService.BookingRequest;
import org.telehub.core.encounter.EncounterService.EncounterDetails;
import org.telehub.core.encounter.PeopleService;
import org.telehub.core.encounter.internal.Checks;
import org.telehub.core.encounter.internal.encounter.Lifecycle;
import org.telehub.core.encounter.internal.rest.Views.SessionView;
import org.telehub.rest.RestApi;
import org.telehub.security.Roles;

/**
 * The sessions API a portal of the telemedicine consult service already speaks: a session is an encounter, its
 * status the portal's word for it (Upcoming, Current, Completed, Cancelled, NoShow), with the join links. A thin
 * mapping onto {@link EncounterService}: the same rules, checks and events as {@code /encounters}.
 */
@Component(service = SessionsResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("sessions")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class SessionsResource {
    private final EncounterService encounters;
    private final PeopleService people;

    @Activate
    public SessionsResource(@Reference EncounterService encounters, @Reference PeopleService people) {
        this.encounters = encounters;
        this.people = people;
    }

    /** The doctor's sessions in time order (at most 500; use /encounters for paging and filters). */
    @GET
    @Path("doctor/{doctorId}")
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.NURSE})
    public List<SessionView> byDoctor(@PathParam("doctorId") String doctorId, @Context SecurityContext s) {
        people.doctor(Views.user(s), doctorId); // 404 for an unknown doctor
        List<SessionView> out = new ArrayList<>();
        for (int offset = 0; offset < 500; offset += 200) {
            EncounterService.Page<EncounterDetails> page = encounters.list(Views.user(s),
                    new EncounterService.Query(doctorId, null, null, null, null, offset, 200));
            page.items().forEach(e -> out.add(session(e)));
            if (offset + 200 >= page.total()) {
                break;
            }
        }
        return out;
    }

    @POST
    @Path("create")
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.NURSE, Roles.FRONT_DESK})
    public Response create(Views.CreateSession body, @Context SecurityContext s) {
        Checks.body(body);
        return created(encounters.book(Views.user(s), new BookingRequest(body.type() == null ? "video" : body.type(),
                body.doctorId(), body.patientId(), body.startTime(), body.durationMinutes(), body.chiefComplaint(),
                null, body.participants(), body.recordingEnabled(), body.fee())));
    }

    /** Only doctor, patient and time; a video visit of the doctor's slot length. */
    @POST
    @Path("create/simple")
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.NURSE, Roles.FRONT_DESK})
    public Response createSimple(Views.CreateSimpleSession body, @Context SecurityContext s) {
        Checks.body(body);
        return created(encounters.book(Views.user(s), new BookingRequest("video", body.doctorId(), body.patientId(),
                body.startTime(), null, null, null, null, false, null)));
    }

    private static Response created(EncounterDetails e) {
        return Response.created(UriBuilder.fromPath(RestApi.BASE).path("encounters").path(e.id()).build())
                .entity(session(e)).build();
    }

    static SessionView session(EncounterDetails e) {
        return new SessionView(e.id(), Lifecycle.portalStatus(e.status()), e.status(), e.type(), e.doctorId(),
                e.patientId(), e.scheduledStart(), e.scheduledEnd(), e.durationMinutes(), e.roomId(),
                e.joinLinks().get("doctor"), e.joinLinks().get("patient"), e.accessCode());
    }
}
