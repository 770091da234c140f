package org.telehub.chat.internal.rest;

import java.util.List;

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

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.chat.Conversations;
import org.telehub.chat.Conversations.Conversation;
import org.telehub.chat.Conversations.Message;
import org.telehub.chat.Conversations.Sent;
import org.telehub.domain.InvalidException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.VisitScoped;

/**
 * {@code /conversations/encounters/{encounterId}}: a visit's conversation, its messages after a sequence number, and
 * sending one. Thin over {@link Conversations}, which decides who takes part; guests and interpreters reach their own
 * visit's conversation with their visit identity ({@link VisitScoped}).
 */
@Component(service = ConversationResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("conversations")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ConversationResource {
    private final Conversations conversations;

    @Activate
    public ConversationResource(@Reference Conversations conversations) {
        this.conversations = conversations;
    }

    /** What a sender sends: its own id for the message (a retry sends the same) and the text. */
    public record SendRequest(String clientId, String text) {
    }

    public record MessagePage(List<Message> items, long after) {
    }

    @GET
    @Path("encounters/{encounterId}")
    @VisitScoped
    public Conversation conversation(@PathParam("encounterId") String encounterId, @Context SecurityContext s) {
        return conversations.ofEncounter(user(s), encounterId);
    }

    @GET
    @Path("encounters/{encounterId}/messages")
    @VisitScoped
    public MessagePage messages(@PathParam("encounterId") String encounterId,
            @QueryParam("after") @DefaultValue("0") long after, @QueryParam("limit") @DefaultValue("50") int limit,
            @Context SecurityContext s) {
        return new MessagePage(conversations.messages(user(s), encounterId, after, limit), after);
    }

    /** 201 with the stored message; 200 with the same message when this sender's client id was sent before. */
    @POST
    @Path("encounters/{encounterId}/messages")
    @VisitScoped
    public Response send(@PathParam("encounterId") String encounterId, SendRequest body, @Context SecurityContext s) {
        if (body == null) {
            throw new InvalidException("body", "A JSON object with clientId and text");
        }
        Sent sent = conversations.send(user(s), encounterId, body.clientId(), body.text());
        return Response.status(sent.replayed() ? Response.Status.OK : Response.Status.CREATED).entity(sent.message())
                .build();
    }

    private static AuthenticatedUser user(SecurityContext s) {
        return (AuthenticatedUser) s.getUserPrincipal();
    }
}
