package org.telehub.core.encounter.internal.rest;

import java.util.Map;

import javax.annotation.security.PermitAll;
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
import org.telehub.core.encounter.internal.join.JoinLinks;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotAuthenticatedException;
import org.telehub.rest.RestApi;

/**
 * {@code GET /join?token=}: what a join link grants. The token is the credential (a guest has no account), so no
 * bearer token is needed; a tampered, expired or spent token is 401 with the reason.
 */
@Component(service = JoinResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("join")
@Produces(MediaType.APPLICATION_JSON)
public class JoinResource {
    private final JoinLinks links;

    @Activate
    public JoinResource(@Reference JoinLinks links) {
        this.links = links;
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
}
