package org.telehub.video.internal.rest;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
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
import org.telehub.rest.ProblemException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;
import org.telehub.video.Rooms;

/**
 * {@code /api/v1/integration/endoscopy/video-stream} (issue 22): an endoscopy system's live picture in a visit.
 * {@code GET} answers which systems the visit may show and, for those shown, how to watch them: the peer in the
 * visit's video room that the clinicians' pages offer to once in the room ({@code video.join}), and its signal.
 * {@code POST} shows or hides one (who leads the room). Served by the video bundle, which owns the rooms; thin over
 * {@link Rooms}, which decides who may and audits.
 */
@Component(service = EndoscopyVideoResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("integration/endoscopy/video-stream")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EndoscopyVideoResource {
    private static final Pattern ENCOUNTER_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern ADAPTER_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final Rooms rooms;

    @Activate
    public EndoscopyVideoResource(@Reference Rooms rooms) {
        this.rooms = rooms;
    }

    /** What {@code POST} takes: the visit, the system, and whether to show ({@code true}) or hide it. */
    public record ShowLivePicture(String encounterId, String adapterId, Boolean on) {
    }

    /**
     * One system the visit may show; while shown, its peer in the visit's room (what to offer to), its signal
     * ({@code connecting}, {@code live}, {@code lost}) and since when, else nulls.
     */
    public record LivePicture(String adapterId, String name, String peerId, String signal, Instant since) {
    }

    public record LivePictures(String encounterId, List<LivePicture> sources) {
    }

    @GET
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public LivePictures sources(@QueryParam("encounterId") String encounterId, @Context SecurityContext security) {
        return view(user(security), encounter(encounterId));
    }

    @POST
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public LivePictures show(ShowLivePicture body, @Context SecurityContext security) {
        if (body == null) {
            throw ProblemException.invalid("body", "Required: {encounterId, adapterId, on}");
        }
        String encounterId = encounter(body.encounterId());
        if (body.adapterId() == null || !ADAPTER_ID.matcher(body.adapterId()).matches()) {
            throw ProblemException.invalid("adapterId", "1 to 100 characters: letters, digits, . _ -");
        }
        if (body.on() == null) {
            throw ProblemException.invalid("on", "Required: true to show the picture, false to stop");
        }
        AuthenticatedUser caller = user(security);
        try {
            if (body.on()) {
                rooms.showCamera(caller, encounterId, body.adapterId());
            } else {
                rooms.hideCamera(caller, encounterId, body.adapterId());
            }
        } catch (org.telehub.domain.DomainException e) {
            // the room names its own field; here the system is this request's adapterId
            if ("sourceId".equals(e.field())) {
                throw ProblemException.unprocessable("adapterId", e.detail());
            }
            throw e;
        }
        return view(caller, encounterId);
    }

    private LivePictures view(AuthenticatedUser caller, String encounterId) {
        return new LivePictures(encounterId, rooms.cameraSources(caller, encounterId).stream().map(c -> {
            Rooms.Camera on = c.shown();
            return new LivePicture(c.id(), c.name(), on == null ? null : on.peerId(), on == null ? null : on.signal(),
                    on == null ? null : on.since());
        }).toList());
    }

    private static String encounter(String id) {
        if (id == null || !ENCOUNTER_ID.matcher(id).matches()) {
            throw ProblemException.invalid("encounterId", "The visit's id");
        }
        return id;
    }

    private static AuthenticatedUser user(SecurityContext security) {
        return (AuthenticatedUser) security.getUserPrincipal();
    }
}
