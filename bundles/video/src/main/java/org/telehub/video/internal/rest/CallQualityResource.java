package org.telehub.video.internal.rest;

import java.io.InputStream;
import java.util.List;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.StreamingOutput;
import javax.ws.rs.core.SecurityContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.rest.RestApi;
import org.telehub.security.AuthenticatedUser;
import org.telehub.video.Rooms;

/**
 * What a visit's room keeps after the call, for its doctor and administrators: {@code GET /video/{encounterId}/quality}
 * (the call-quality summary per member, as their browsers measured it) and {@code GET
 * /video/{encounterId}/recordings[/{id}]} (its recorded parts, and one part's audio). Thin over {@link Rooms}, which
 * decides who may read them and audits.
 */
@Component(service = CallQualityResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("video")
@Produces(MediaType.APPLICATION_JSON)
public class CallQualityResource {
    private final Rooms rooms;

    @Activate
    public CallQualityResource(@Reference Rooms rooms) {
        this.rooms = rooms;
    }

    /** The summary: one item per member who reported. */
    public record CallQuality(String encounterId, List<Rooms.Quality> items) {
    }

    /** The visit's recorded parts, oldest first. */
    public record Recordings(String encounterId, List<Rooms.Recording> items) {
    }

    @GET
    @Path("{encounterId}/recordings")
    public Recordings recordings(@PathParam("encounterId") String encounterId, @Context SecurityContext s) {
        return new Recordings(encounterId, rooms.recordings((AuthenticatedUser) s.getUserPrincipal(), encounterId));
    }

    /** One part's audio, Opus in WebM. */
    @GET
    @Path("{encounterId}/recordings/{recordingId}")
    @Produces("audio/webm")
    public Response recording(@PathParam("encounterId") String encounterId,
            @PathParam("recordingId") String recordingId, @Context SecurityContext s) {
        InputStream in = rooms.openRecording((AuthenticatedUser) s.getUserPrincipal(), encounterId, recordingId);
        StreamingOutput body = out -> {
            try (in) {
                in.transferTo(out);
            }
        };
        return Response.ok(body, "audio/webm").header("Cache-Control", "no-store")
                .header("Content-Disposition", "attachment; filename=\"visit-" + encounterId + "-" + recordingId
                        + ".webm\"").build();
    }

    @GET
    @Path("{encounterId}/quality")
    public CallQuality quality(@PathParam("encounterId") String encounterId, @Context SecurityContext s) {
        return new CallQuality(encounterId, rooms.quality((AuthenticatedUser) s.getUserPrincipal(), encounterId));
    }
}
