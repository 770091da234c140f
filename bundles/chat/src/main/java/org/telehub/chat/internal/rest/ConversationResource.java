package org.telehub.chat.internal.rest;

import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.annotation.security.PermitAll;

import javax.ws.rs.Consumes;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.StreamingOutput;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.chat.ChatFiles;
import org.telehub.chat.Conversations;
import org.telehub.chat.Conversations.Conversation;
import org.telehub.chat.Conversations.Message;
import org.telehub.chat.Conversations.Sent;
import org.telehub.domain.InvalidException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.VisitScoped;

/**
 * {@code /conversations/encounters/{encounterId}}: a visit's conversation, its messages after a sequence number,
 * sending one, and uploading files to it; {@code /conversations/files/{id}}: an attachment's download link and the
 * download by that link; {@code /conversations/direct/{id}}: the same for a direct conversation between two clinicians,
 * {@code /conversations/direct} opens one, {@code /conversations/colleagues} finds whom. Thin over
 * {@link Conversations}, which decides who takes part; guests and interpreters reach their own visit's conversation
 * with their visit identity ({@link VisitScoped}).
 */
@Component(service = ConversationResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("conversations")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ConversationResource {
    private final Conversations conversations;
    private final ChatFiles files;

    @Activate
    public ConversationResource(@Reference Conversations conversations, @Reference ChatFiles files) {
        this.conversations = conversations;
        this.files = files;
    }

    /**
     * What a sender sends: its own id for the message (a retry sends the same), the text, and optionally an
     * attachment uploaded to this conversation before (the text may then be empty).
     */
    public record SendRequest(String clientId, String text, String attachmentId) {
    }

    public record MessagePage(List<Message> items, long after) {
    }

    /** A message's new text. */
    public record EditRequest(String text) {
    }

    public record Versions(List<Conversations.Version> items) {
    }

    public record Changes(List<Conversations.Change> items) {
    }

    /**
     * Changes the text of one of the caller's own messages (within the configured minutes of sending it); what it
     * said before is kept. 200 with the message as it is now; the same text again changes nothing.
     */
    @javax.ws.rs.PUT
    @Path("encounters/{encounterId}/messages/{messageId}")
    @VisitScoped
    public Message edit(@PathParam("encounterId") String encounterId, @PathParam("messageId") String messageId,
            EditRequest body, @Context SecurityContext s) {
        if (body == null) {
            throw new InvalidException("text", "A JSON object with the new text");
        }
        return conversations.edit(user(s), encounterId, messageId, body.text());
    }

    /** Retracts one of the caller's own messages: it keeps its place, its text and file are no longer shown. */
    @javax.ws.rs.DELETE
    @Path("encounters/{encounterId}/messages/{messageId}")
    @VisitScoped
    public Message retract(@PathParam("encounterId") String encounterId, @PathParam("messageId") String messageId,
            @Context SecurityContext s) {
        return conversations.retract(user(s), encounterId, messageId);
    }

    /** What an edited message said before, oldest first (empty: never edited, or retracted). */
    @GET
    @Path("encounters/{encounterId}/messages/{messageId}/history")
    @VisitScoped
    public Versions history(@PathParam("encounterId") String encounterId, @PathParam("messageId") String messageId,
            @Context SecurityContext s) {
        return new Versions(conversations.history(user(s), encounterId, messageId));
    }

    /**
     * The messages changed (edited, retracted) after change number {@code after} (a conversation's {@code revision}
     * when the client last looked), up to message {@code upTo}, in change order: with {@code messages?after=}, what a
     * client that comes back has missed.
     */
    @GET
    @Path("encounters/{encounterId}/changes")
    @VisitScoped
    public Changes changes(@PathParam("encounterId") String encounterId,
            @QueryParam("after") @DefaultValue("0") long after, @QueryParam("upTo") Long upTo,
            @QueryParam("limit") @DefaultValue("50") int limit, @Context SecurityContext s) {
        return new Changes(conversations.changes(user(s), encounterId, after, upTo == null ? Long.MAX_VALUE : upTo,
                limit));
    }

    /** How far the caller has read: the sequence number of the last message they have seen. */
    public record ReadRequest(Long sequence) {
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
        Sent sent = conversations.send(user(s), encounterId, body.clientId(), body.text(), body.attachmentId());
        return Response.status(sent.replayed() ? Response.Status.OK : Response.Status.CREATED).entity(sent.message())
                .build();
    }

    /**
     * The caller's conversations, newest message first, each with its visit, last message and unread count:
     * {@code ?limit=} (1–50, default 20) and {@code ?cursor=} (a page's {@code next}) page through them.
     */
    @GET
    @VisitScoped
    public Conversations.Recent recent(@QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit,
            @Context SecurityContext s) {
        return conversations.recent(user(s), cursor, limit == null ? 20 : limit);
    }

    /**
     * How many new messages (of others, after the caller's read marker) each of these visits' conversations holds:
     * {@code ?encounterId=a&encounterId=b} (at most 200); visits whose conversation the caller is not in are left out.
     */
    @GET
    @Path("unread")
    @VisitScoped
    public UnreadCounts unread(@QueryParam("encounterId") List<String> encounterIds, @Context SecurityContext s) {
        return new UnreadCounts(conversations.unread(user(s), encounterIds == null ? List.of() : encounterIds));
    }

    public record UnreadCounts(java.util.Map<String, Long> counts) {
    }

    /** The caller has read up to {@code sequence}; the marker never moves back. Answers the caller's marker. */
    @POST
    @Path("encounters/{encounterId}/read")
    @VisitScoped
    public Conversations.Read read(@PathParam("encounterId") String encounterId, ReadRequest body,
            @Context SecurityContext s) {
        if (body == null || body.sequence() == null) {
            throw new InvalidException("sequence", "Required: the sequence number of the last message read");
        }
        return conversations.markRead(user(s), encounterId, body.sequence());
    }

    /**
     * The caller's device has received the conversation up to {@code sequence} (a delivery receipt); the mark never
     * moves back. Answers the caller's marks.
     */
    @POST
    @Path("encounters/{encounterId}/delivered")
    @VisitScoped
    public Conversations.Read delivered(@PathParam("encounterId") String encounterId, ReadRequest body,
            @Context SecurityContext s) {
        if (body == null || body.sequence() == null) {
            throw new InvalidException("sequence", "Required: the sequence number of the last message received");
        }
        return conversations.markDelivered(user(s), encounterId, body.sequence());
    }

    /**
     * Uploads a file to the visit's conversation: the body is the file itself (any Content-Type: the hub types it from
     * its content), {@code name} its file name. 201 with the attachment (scan {@code clean}, or {@code pending} while
     * the virus scanner cannot be reached); 200 with the earlier one when the same content was posted before. Post it
     * as a message with {@code attachmentId}.
     */
    @POST
    @Path("encounters/{encounterId}/files")
    @Consumes(MediaType.WILDCARD)
    @VisitScoped
    public Response upload(@PathParam("encounterId") String encounterId, @QueryParam("name") String name,
            InputStream body, @Context SecurityContext s) {
        ChatFiles.Uploaded up = files.upload(user(s), encounterId, name, body);
        return Response.status(up.existing() ? Response.Status.OK : Response.Status.CREATED).entity(up.attachment())
                .build();
    }

    // Direct conversations between two clinicians: the same calls as a visit's, by the conversation's own id. Not
    // for visit identities (a guest has no colleagues); the service refuses anyone but the two clinicians.

    /** Whom to open a direct conversation with: a colleague's username. */
    public record DirectRequest(String username) {
    }

    public record Colleagues(List<Conversations.Colleague> items) {
    }

    /** Clinicians whose name or username starts with {@code q} (at least 2 letters), to write to directly. */
    @GET
    @Path("colleagues")
    public Colleagues colleagues(@QueryParam("q") String q, @Context SecurityContext s) {
        return new Colleagues(conversations.colleagues(user(s), q));
    }

    /** The caller's direct conversation with a colleague, made on first use (the same one for either of the two). */
    @POST
    @Path("direct")
    public Conversation openDirect(DirectRequest body, @Context SecurityContext s) {
        if (body == null) {
            throw new InvalidException("username", "A JSON object with the colleague's username");
        }
        return conversations.openDirect(user(s), body.username());
    }

    @GET
    @Path("direct/{conversationId}")
    public Conversation direct(@PathParam("conversationId") String id, @Context SecurityContext s) {
        return conversation(Conversations.direct(id), s);
    }

    @GET
    @Path("direct/{conversationId}/messages")
    public MessagePage directMessages(@PathParam("conversationId") String id,
            @QueryParam("after") @DefaultValue("0") long after, @QueryParam("limit") @DefaultValue("50") int limit,
            @Context SecurityContext s) {
        return messages(Conversations.direct(id), after, limit, s);
    }

    @POST
    @Path("direct/{conversationId}/messages")
    public Response directSend(@PathParam("conversationId") String id, SendRequest body, @Context SecurityContext s) {
        return send(Conversations.direct(id), body, s);
    }

    @javax.ws.rs.PUT
    @Path("direct/{conversationId}/messages/{messageId}")
    public Message directEdit(@PathParam("conversationId") String id, @PathParam("messageId") String messageId,
            EditRequest body, @Context SecurityContext s) {
        return edit(Conversations.direct(id), messageId, body, s);
    }

    @javax.ws.rs.DELETE
    @Path("direct/{conversationId}/messages/{messageId}")
    public Message directRetract(@PathParam("conversationId") String id, @PathParam("messageId") String messageId,
            @Context SecurityContext s) {
        return retract(Conversations.direct(id), messageId, s);
    }

    @GET
    @Path("direct/{conversationId}/messages/{messageId}/history")
    public Versions directHistory(@PathParam("conversationId") String id, @PathParam("messageId") String messageId,
            @Context SecurityContext s) {
        return history(Conversations.direct(id), messageId, s);
    }

    @GET
    @Path("direct/{conversationId}/changes")
    public Changes directChanges(@PathParam("conversationId") String id,
            @QueryParam("after") @DefaultValue("0") long after, @QueryParam("upTo") Long upTo,
            @QueryParam("limit") @DefaultValue("50") int limit, @Context SecurityContext s) {
        return changes(Conversations.direct(id), after, upTo, limit, s);
    }

    @POST
    @Path("direct/{conversationId}/read")
    public Conversations.Read directRead(@PathParam("conversationId") String id, ReadRequest body,
            @Context SecurityContext s) {
        return read(Conversations.direct(id), body, s);
    }

    @POST
    @Path("direct/{conversationId}/delivered")
    public Conversations.Read directDelivered(@PathParam("conversationId") String id, ReadRequest body,
            @Context SecurityContext s) {
        return delivered(Conversations.direct(id), body, s);
    }

    /** A file for the direct conversation, as {@code encounters/{encounterId}/files}. */
    @POST
    @Path("direct/{conversationId}/files")
    @Consumes(MediaType.WILDCARD)
    public Response directUpload(@PathParam("conversationId") String id, @QueryParam("name") String name,
            InputStream body, @Context SecurityContext s) {
        return upload(Conversations.direct(id), name, body, s);
    }

    // Resumable uploads: started for a conversation with the file's name and size, then its pieces by Content-Range
    // (PUT, in order; a dropped piece is sent again from the status's received), each kept once answered.

    /** A file to upload in pieces: its name and its size in bytes. */
    public record StartUpload(String name, Long size) {
    }

    private Response started(String key, StartUpload body, SecurityContext s) {
        if (body == null || body.size() == null) {
            throw new InvalidException("size", "A JSON object with the file's name and size in bytes");
        }
        ChatFiles.Upload up = files.startUpload(user(s), key, body.name(), body.size());
        return Response.created(java.net.URI.create(RestApi.BASE + "/conversations/uploads/" + up.id())).entity(up)
                .build();
    }

    /** Starts a resumable upload to the visit's conversation: 201 with its id, where to send its pieces. */
    @POST
    @Path("encounters/{encounterId}/uploads")
    @VisitScoped
    public Response startUpload(@PathParam("encounterId") String encounterId, StartUpload body,
            @Context SecurityContext s) {
        return started(encounterId, body, s);
    }

    /** Starts a resumable upload to the direct conversation. */
    @POST
    @Path("direct/{conversationId}/uploads")
    public Response startDirectUpload(@PathParam("conversationId") String id, StartUpload body,
            @Context SecurityContext s) {
        return started(Conversations.direct(id), body, s);
    }

    /** Where an upload stands: the next piece starts at {@code received}; {@code attachment} once it is whole. */
    @GET
    @Path("uploads/{uploadId}")
    @VisitScoped
    public ChatFiles.Upload uploadStatus(@PathParam("uploadId") String uploadId, @Context SecurityContext s) {
        return files.uploadStatus(user(s), uploadId);
    }

    private static final java.util.regex.Pattern RANGE = java.util.regex.Pattern.compile(
            "bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18})");

    /**
     * A piece: the body is the bytes {@code Content-Range: bytes <first>-<last>/<size>} names. 200 with the upload as
     * it stands (a piece received before changes nothing); 201 with the attachment once the last piece is in (200
     * with {@code existing} for content posted before); 409 naming {@code offset} for a piece that does not start
     * where the upload stands.
     */
    @javax.ws.rs.PUT
    @Path("uploads/{uploadId}")
    @Consumes(MediaType.WILDCARD)
    @VisitScoped
    public Response piece(@PathParam("uploadId") String uploadId, @HeaderParam("Content-Range") String range,
            InputStream body, @Context SecurityContext s) {
        AuthenticatedUser caller = user(s);
        java.util.regex.Matcher m = range == null ? null : RANGE.matcher(range.strip());
        if (m == null || !m.matches()) {
            ChatFiles.Upload up = files.uploadStatus(caller, uploadId); // a stranger is told there is no upload
            throw new InvalidException("Content-Range", "Required: bytes <first>-<last>/" + up.size()
                    + ", the piece's first and last byte");
        }
        long first = Long.parseLong(m.group(1));
        long last = Long.parseLong(m.group(2));
        long total = Long.parseLong(m.group(3));
        ChatFiles.Upload before = files.uploadStatus(caller, uploadId);
        if (total != before.size() || last < first) {
            throw new InvalidException("Content-Range", "bytes <first>-<last>/" + before.size() + ": this upload's size"
                    + " is " + before.size() + " bytes");
        }
        ChatFiles.Upload now = files.appendUpload(caller, uploadId, first, last - first + 1, body);
        boolean made = before.attachment() == null && now.attachment() != null && !now.existing();
        return Response.status(made ? Response.Status.CREATED : Response.Status.OK).entity(now).build();
    }

    /** Cancels an unfinished upload: its pieces are deleted. 204. */
    @javax.ws.rs.DELETE
    @Path("uploads/{uploadId}")
    @VisitScoped
    public Response cancelUpload(@PathParam("uploadId") String uploadId, @Context SecurityContext s) {
        files.cancelUpload(user(s), uploadId);
        return Response.noContent().build();
    }

    /** A download link for a few minutes, for members of the attachment's conversation. */
    @POST
    @Path("files/{attachmentId}/link")
    @VisitScoped
    public ChatFiles.Link link(@PathParam("attachmentId") String attachmentId, @Context SecurityContext s) {
        return files.link(user(s), attachmentId);
    }

    /**
     * The file a signed link names (the link is the credential, so an {@code <img>} can show it): images inline,
     * everything else as a download; never cached, never sniffed, sandboxed.
     */
    @GET
    @Path("files/{attachmentId}")
    @PermitAll
    @Produces(MediaType.WILDCARD)
    public Response download(@PathParam("attachmentId") String attachmentId, @QueryParam("grant") String grant) {
        return file(files.download(attachmentId, grant, false));
    }

    /**
     * {@code HEAD} of a download link: the same headers and refusals, no content and no audit row (nothing is read;
     * without it JAX-RS would run the download and audit a HEAD as one).
     */
    @javax.ws.rs.HEAD
    @Path("files/{attachmentId}")
    @PermitAll
    @Produces(MediaType.WILDCARD)
    public Response head(@PathParam("attachmentId") String attachmentId, @QueryParam("grant") String grant) {
        return headers(Response.ok(), files.describe(attachmentId, grant, false)).build();
    }

    /** An image's preview made by the hub (JPEG, upright, no EXIF), by the same signed link. */
    @GET
    @Path("files/{attachmentId}/preview")
    @PermitAll
    @Produces("image/jpeg")
    public Response preview(@PathParam("attachmentId") String attachmentId, @QueryParam("grant") String grant) {
        return file(files.download(attachmentId, grant, true));
    }

    private static Response file(ChatFiles.Download d) {
        StreamingOutput body = out -> {
            try (InputStream in = d.content().open()) {
                in.transferTo(out);
            }
        };
        return headers(Response.ok(body), d.attachment()).build();
    }

    /** What every answer of a file says about it: its type, length and name, never cached, never sniffed. */
    private static Response.ResponseBuilder headers(Response.ResponseBuilder r, ChatFiles.Attachment a) {
        String disposition = (a.contentType().startsWith("image/") ? "inline" : "attachment") + "; filename*=UTF-8''"
                + URLEncoder.encode(a.name(), StandardCharsets.UTF_8).replace("+", "%20");
        return r.type(a.contentType()).header(HttpHeaders.CONTENT_LENGTH, a.size())
                .header("Content-Disposition", disposition).header(HttpHeaders.CACHE_CONTROL, "private, no-store")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'none'; sandbox");
    }

    private static AuthenticatedUser user(SecurityContext s) {
        return (AuthenticatedUser) s.getUserPrincipal();
    }
}
