package org.telehub.security.internal;

import java.time.Instant;
import java.util.Map;

import javax.annotation.security.PermitAll;
import javax.ws.rs.Consumes;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.rest.ProblemException;
import org.telehub.rest.RestApi;

/**
 * Log in for a bearer token; log out to revoke it. Logins are throttled per account and per client address
 * ({@link Accounts}): too many failures are answered 429 with {@code Retry-After}. Behind a reverse proxy the
 * address is the proxy's unless Jetty is told to trust its {@code Forwarded} header.
 */
@Component(service = AuthResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("auth")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {
    private final Accounts accounts;

    @Activate
    public AuthResource(@Reference Accounts accounts) {
        this.accounts = accounts;
    }

    /** Credentials for {@code POST /auth/token}; {@code totp}: the code of an account's second factor. */
    public record TokenRequest(String username, String password, String totp) {
    }

    /** An issued token, OAuth 2 style. */
    public record TokenResponse(String access_token, String token_type, long expires_in, Instant expires_at,
            UsersResource.UserView user) {
    }

    @POST
    @Path("token")
    @PermitAll
    public TokenResponse token(TokenRequest request, @Context HttpServletRequest http) {
        if (request.username() == null || request.username().isBlank()) {
            throw ProblemException.invalid("username", "Required");
        }
        if (request.password() == null || request.password().isEmpty()) {
            throw ProblemException.invalid("password", "Required");
        }
        Accounts.Session s;
        try {
            s = accounts.login(request.username(), request.password().toCharArray(), request.totp(),
                    new Accounts.Source("api", http.getRemoteAddr()))
                    .orElseThrow(() -> new ProblemException(401, "Unauthorized", request.totp() == null
                            ? "Wrong username or password" : "Wrong username, password or code", null, null));
        } catch (Accounts.SecondFactorRequired required) {
            throw new ProblemException(401, "Unauthorized", "This account has a second factor: send the 6-digit "
                    + "code of the authenticator app (or a recovery code) as totp", "totp",
                    Map.of("secondFactor", "totp"));
        }
        return new TokenResponse(s.token(), "Bearer", s.expiresAt().getEpochSecond() - Instant.now().getEpochSecond(),
                s.expiresAt(), UsersResource.UserView.of(s.user()));
    }

    @POST
    @Path("logout")
    public void logout(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        accounts.logout(authorization.substring(7).trim());
    }
}
