package org.telehub.security.internal;

import java.time.Instant;
import java.util.List;

import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
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
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;

/**
 * One's own TOTP second factor: enrol (a secret, its {@code otpauth} URI and QR code, shown once), confirm with a
 * code from the device (which puts it in force and gives ten recovery codes, shown once), see whether it is set
 * and how many recovery codes are left, remove it with a current code. Every step audited, never a secret or code.
 */
@Component(service = TotpResource.class)
@BeforeSecondFactor
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("auth/totp")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class TotpResource {
    private final Accounts accounts;
    private final SecondFactors factors;
    private final AuditLog audit;

    @Activate
    public TotpResource(@Reference Accounts accounts, @Reference SecondFactors factors, @Reference AuditLog audit) {
        this.accounts = accounts;
        this.factors = factors;
        this.audit = audit;
    }

    /** Whether a second factor is in force. */
    public record Status(boolean enrolled, int recoveryCodesLeft) {
    }

    /** A code typed from the device (or a recovery code, for removal). */
    public record Code(String code) {
    }

    /** The recovery codes, shown once. */
    public record Confirmed(List<String> recoveryCodes) {
    }

    @GET
    public Status status(@Context SecurityContext security) {
        UserAccount me = me(security);
        boolean on = factors.enrolled(me.id());
        return new Status(on, on ? factors.recoveryCodesLeft(me.id()) : 0);
    }

    @POST
    @Path("enrolment")
    public SecondFactors.Enrolment enrol(@Context SecurityContext security) {
        UserAccount me = me(security);
        SecondFactors.Enrolment e = factors.begin(me, Instant.now());
        audit.record(me.principal(), "user.totp.enrol", null, List.of(), "started");
        return e;
    }

    @POST
    @Path("confirmation")
    public Confirmed confirm(Code body, @Context SecurityContext security) {
        UserAccount me = me(security);
        List<String> codes = factors.confirm(me, code(body), Instant.now()).orElseThrow(() -> {
            audit.record(me.principal(), "user.totp.confirm", null, List.of(), "wrong code");
            return ProblemException.unprocessable("code", "The code does not match: type the current 6-digit code "
                    + "of the app (check that the phone's time is set automatically)");
        });
        audit.record(me.principal(), "user.totp.confirm", null, List.of(), "ok");
        return new Confirmed(codes);
    }

    @POST
    @Path("removal")
    public void remove(Code body, @Context SecurityContext security, @Context HttpServletRequest http) {
        UserAccount me = me(security);
        if (!factors.enrolled(me.id())) {
            throw ProblemException.notFound("No second factor is set up");
        }
        if (!accounts.verifySecondFactor(me, code(body), new Accounts.Source("api", http.getRemoteAddr()))) {
            audit.record(me.principal(), "user.totp.remove", null, List.of(), "wrong code");
            throw ProblemException.unprocessable("code", "The code does not match (a current code or an unused "
                    + "recovery code removes the second factor)");
        }
        factors.remove(me.id());
        accounts.forgetSecondFactor(me.id());
        audit.record(me.principal(), "user.totp.remove", null, List.of(), "ok");
    }

    private static String code(Code body) {
        if (body == null || body.code() == null || body.code().isBlank()) {
            throw ProblemException.invalid("code", "Required");
        }
        return body.code();
    }

    private UserAccount me(SecurityContext security) {
        return accounts.current((AuthenticatedUser) security.getUserPrincipal());
    }
}
