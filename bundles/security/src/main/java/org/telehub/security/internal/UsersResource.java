package org.telehub.security.internal;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.rest.ProblemException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/** Accounts: administrators manage them; everyone sees and changes their own. */
@Component(service = UsersResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("users")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {
    private final Accounts accounts;

    @Activate
    public UsersResource(@Reference Accounts accounts) {
        this.accounts = accounts;
    }

    /** An account as the API shows it: never the password hash. {@code email}: where reset links go, or null. */
    public record UserView(long id, String username, String displayName, Set<String> roles, boolean enabled,
            Instant createdAt, String email) {
        static UserView of(UserAccount a) {
            return new UserView(a.id(), a.username(), a.displayName(), a.roles(), a.enabled(), a.createdAt(),
                    a.email());
        }
    }

    public record CreateUser(String username, String displayName, Set<String> roles, String password,
            String email) {
    }

    /** An e-mail address to set; null or blank removes it. */
    public record EmailChange(String email) {
    }

    /** One's own e-mail address, with the current password. */
    public record OwnEmailChange(String currentPassword, String email) {
    }

    public record ChangePassword(String currentPassword, String newPassword) {
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    public List<UserView> list(@QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        if (offset < 0) {
            throw ProblemException.invalid("offset", "Must be 0 or more");
        }
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalid("limit", "Must be between 1 and 500");
        }
        return accounts.list(offset, limit).stream().map(UserView::of).toList();
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    public Response create(CreateUser body, @Context UriInfo uri, @Context SecurityContext security) {
        UserAccount a = accounts.create((AuthenticatedUser) security.getUserPrincipal(), body.username(),
                body.displayName(), body.roles(),
                body.password() == null ? null : body.password().toCharArray(), body.email());
        return Response.created(uri.getAbsolutePathBuilder().path(Long.toString(a.id())).build())
                .entity(UserView.of(a)).build();
    }

    @GET
    @Path("{id: [0-9]+}")
    @RolesAllowed(Roles.ADMIN)
    public UserView get(@PathParam("id") long id) {
        return accounts.byId(id).map(UserView::of).orElseThrow(() -> ProblemException.notFound("No user " + id));
    }

    /** Lifts a login lockout or delay of an account before its time (after a guessing attack on it). */
    @POST
    @Path("{username}/unlock")
    @RolesAllowed(Roles.ADMIN)
    public void unlock(@PathParam("username") String username, @Context SecurityContext security) {
        accounts.unlock((AuthenticatedUser) security.getUserPrincipal(), username);
    }

    public record Enabled(Boolean enabled) {
    }

    public record RolesChange(Set<String> roles) {
    }

    /**
     * Disables an account (no login on any channel, its sessions and tokens end at once) or enables it again.
     * Administrators only, decided in {@link Accounts} too.
     */
    @PUT
    @Path("{id: [0-9]+}/enabled")
    @RolesAllowed(Roles.ADMIN)
    public UserView setEnabled(@PathParam("id") long id, Enabled body, @Context SecurityContext security) {
        if (body == null || body.enabled() == null) {
            throw ProblemException.invalid("enabled", "Required: true or false");
        }
        return UserView.of(accounts.setEnabled((AuthenticatedUser) security.getUserPrincipal(), id,
                body.enabled()));
    }

    /** Replaces an account's roles; the account's next request has the new ones. */
    @PUT
    @Path("{id: [0-9]+}/roles")
    @RolesAllowed(Roles.ADMIN)
    public UserView changeRoles(@PathParam("id") long id, RolesChange body, @Context SecurityContext security) {
        return UserView.of(accounts.changeRoles((AuthenticatedUser) security.getUserPrincipal(), id,
                body == null ? null : body.roles()));
    }

    /** Sets or removes an account's e-mail address (where password-reset links go); audited. */
    @PUT
    @Path("{id: [0-9]+}/email")
    @RolesAllowed(Roles.ADMIN)
    public UserView setEmail(@PathParam("id") long id, EmailChange body, @Context SecurityContext security) {
        return UserView.of(accounts.setEmail((AuthenticatedUser) security.getUserPrincipal(), id,
                body == null ? null : body.email()));
    }

    /** Ends every browser session and bearer token of an account (a lost phone, a shared login). */
    @POST
    @Path("{id: [0-9]+}/revoke-sessions")
    @RolesAllowed(Roles.ADMIN)
    public AuthResource.Ended revokeSessions(@PathParam("id") long id, @Context SecurityContext security) {
        return new AuthResource.Ended(accounts.revokeSessions((AuthenticatedUser) security.getUserPrincipal(), id));
    }

    @BeforeSecondFactor
    @GET
    @Path("me")
    public UserView me(@Context SecurityContext security) {
        // the roles this request has: an identity provider's mapping decides them, not the stored ones
        UserAccount a = current(security);
        return new UserView(a.id(), a.username(), a.displayName(),
                ((AuthenticatedUser) security.getUserPrincipal()).roles(), a.enabled(), a.createdAt(), a.email());
    }

    @POST
    @Path("me/password")
    public void changePassword(ChangePassword body, @Context SecurityContext security) {
        accounts.changePassword(current(security), body.currentPassword() == null ? null
                : body.currentPassword().toCharArray(), body.newPassword() == null ? null
                        : body.newPassword().toCharArray());
    }

    /** Sets or removes one's own e-mail address; the current password is required (400 {@code currentPassword}). */
    @PUT
    @Path("me/email")
    public UserView changeOwnEmail(OwnEmailChange body, @Context SecurityContext security) {
        if (body == null) {
            throw ProblemException.invalid("currentPassword", "Required");
        }
        return UserView.of(accounts.changeOwnEmail(current(security), body.currentPassword() == null ? null
                : body.currentPassword().toCharArray(), body.email()));
    }

    private UserAccount current(SecurityContext security) {
        return accounts.current((AuthenticatedUser) security.getUserPrincipal());
    }
}
