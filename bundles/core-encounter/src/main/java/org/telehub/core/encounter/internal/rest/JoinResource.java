package org.telehub.core.encounter.internal.rest;

import java.util.Map;

import javax.annotation.security.PermitAll;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.Consumes;
import javax.ws.rs.POST;
import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.Response;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.core.encounter.JoinTokens;
import org.telehub.core.encounter.internal.invite.Invitations;
import org.telehub.core.encounter.internal.join.JoinLinks;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotAuthenticatedException;
import org.telehub.rest.RestApi;

/**
 * {@code GET /join?token=}: what a join link grants. The token is the credential (a guest has no account), so no
 * bearer token is needed; a tampered, expired or spent token is 401 with the reason.
 *
 * <p>{@code POST /join/invitations} redeems an invitation's single-use link, {@code POST /join/code} joins a visit
 * by its access code ({@link Invitations}: refusals 401, too many wrong codes 429 with Retry-After). Behind a
 * reverse proxy the client address (the codes' throttle, the audit) is the proxy's unless Jetty is told to trust
 * its {@code Forwarded} header.
 */
@Component(service = JoinResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("join")
@Produces(MediaType.APPLICATION_JSON)
public class JoinResource {
    private final JoinLinks links;
    private final Invitations invitations;

    @Activate
    public JoinResource(@Reference JoinLinks links, @Reference Invitations invitations) {
        this.links = links;
        this.invitations = invitations;
    }

    @GET
    @PermitAll
    public JoinTokens.Grant check(@QueryParam("token") String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidException("token", "Required: the token of a join link");
        }
        try {
            return links.verify(token);
        } catch (JoinTokens.InvalidJoinToken e) {
            throw new NotAuthenticatedException("Invalid join link", "This join link does not work: " + e.getMessage(),
                    "token", Map.of("error", "invalid_token"));
        }
    }

    /** {@code {invite}}: the secret of an invitation's link. */
    public record Redeem(String invite) {
    }

    /** {@code {code, displayName}}. */
    public record Code(String code, String displayName) {
    }

    @POST
    @Path("invitations")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermitAll
    public Invitations.Redeemed redeem(Redeem body, @Context HttpServletRequest http) {
        return invitations.redeem(body == null ? null : body.invite(), http.getRemoteAddr());
    }

    @POST
    @Path("code")
    @Consumes(MediaType.APPLICATION_JSON)
    @PermitAll
    public Invitations.Redeemed code(Code body, @Context HttpServletRequest http) {
        try {
            return invitations.joinByCode(body == null ? null : body.code(), body == null ? null
                    : body.displayName(), http.getRemoteAddr());
        } catch (Invitations.Throttled t) {
            throw new WebApplicationException(t.getMessage(), Response.status(429)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(t.seconds)).build());
        }
    }
}
