package org.telehub.chat.internal.rest;

import java.util.List;

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
import org.telehub.chat.Conversations;
import org.telehub.domain.InvalidException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuthenticatedUser;

/**
 * {@code /notifications}: the caller's unseen notices (new messages of others in the visits they take part in) and
 * marking them seen. Thin over {@link Conversations}, which decides who takes part and audits.
 */
@Component(service = NotificationResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("notifications")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {
    private final Conversations conversations;

    @Activate
    public NotificationResource(@Reference Conversations conversations) {
        this.conversations = conversations;
    }

    /** What was seen: per visit, up to which message (a notice's {@code newest}). */
    public record SeenRequest(List<Conversations.Seen> seen) {
    }

    public record SeenAnswer(List<Conversations.Seen> seen) {
    }

    /** The caller's unseen notices, the newest first: {@code ?limit=} 1–50, default 20. */
    @GET
    public Conversations.Notices list(@QueryParam("limit") Integer limit, @Context SecurityContext s) {
        return conversations.notices(user(s), limit == null ? 20 : limit);
    }

    /** Marks notices seen (not read: receipts and unread counts stay); all checked before any is written. */
    @POST
    @Path("seen")
    public SeenAnswer seen(SeenRequest body, @Context SecurityContext s) {
        if (body == null || body.seen() == null) {
            throw new InvalidException("seen", "Required: a list of {encounterId, sequence}");
        }
        return new SeenAnswer(conversations.markSeen(user(s), body.seen()));
    }

    private static AuthenticatedUser user(SecurityContext s) {
        return (AuthenticatedUser) s.getUserPrincipal();
    }
}
