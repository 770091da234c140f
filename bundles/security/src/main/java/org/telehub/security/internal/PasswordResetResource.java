package org.telehub.security.internal;

import javax.annotation.security.PermitAll;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.Consumes;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.rest.RestApi;

/**
 * Password reset by an e-mailed single-use link, for people who cannot log in (so open to anonymous callers); see
 * {@link PasswordReset}. The web app's page {@code /reset-password} reads the secret from the link's fragment and
 * posts it to {@code confirm}.
 */
@Component(service = PasswordResetResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("auth/password-reset")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class PasswordResetResource {
    private final PasswordReset reset;

    @Activate
    public PasswordResetResource(@Reference PasswordReset reset) {
        this.reset = reset;
    }

    /** {@code language}: of the e-mail, en, fa or ru; absent for the hub's default. */
    public record ResetRequest(String username, String language) {
    }

    /** The same answer for every request: it never says whether the account exists or has an address. */
    public record Accepted(String status, String detail) {
        static final Accepted ALWAYS = new Accepted("accepted", "If the account exists and has an e-mail address, a"
                + " link to choose a new password is on its way; it works once, for a limited time.");
    }

    public record ResetConfirmation(String token, String newPassword, String totp) {
    }

    public record Done(String username) {
    }

    /** Always 202 with the same body, once the request is durably recorded (bad input 400, too many 429). */
    @POST
    @PermitAll
    public Response request(ResetRequest body, @Context HttpServletRequest http) {
        reset.request(body == null ? null : body.username(), body == null ? null : body.language(),
                http.getRemoteAddr());
        return Response.accepted(Accepted.ALWAYS).build();
    }

    /** Sets the new password with the link's secret; every session and token of the account ends. */
    @POST
    @Path("confirm")
    @PermitAll
    public Done confirm(ResetConfirmation body, @Context HttpServletRequest http) {
        if (body == null) {
            throw new org.telehub.domain.InvalidException("token", PasswordReset.INVALID);
        }
        return new Done(reset.confirm(body.token(), body.newPassword() == null ? null
                : body.newPassword().toCharArray(), body.totp(), http.getRemoteAddr()).username());
    }
}
