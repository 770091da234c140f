package org.telehub.video.internal.rest;

import java.util.List;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
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
 * {@code GET /video/{encounterId}/quality}: a visit's call-quality summary per member (what their browsers measured),
 * for its doctor and administrators. Thin over {@link Rooms}, which decides who may read it and audits.
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

    @GET
    @Path("{encounterId}/quality")
    public CallQuality quality(@PathParam("encounterId") String encounterId, @Context SecurityContext s) {
        return new CallQuality(encounterId, rooms.quality((AuthenticatedUser) s.getUserPrincipal(), encounterId));
    }
}
