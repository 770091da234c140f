package org.telehub.security.internal;

import java.lang.reflect.Method;
import java.security.Principal;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;

import javax.annotation.Priority;
import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.ResourceInfo;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.SecurityContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.telehub.rest.ProblemException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuthenticatedUser;

/**
 * Authenticates every request of the Telehub application by its bearer token and enforces
 * {@code @RolesAllowed}. Deny by default: a route without annotations needs an authenticated caller, only
 * {@code @PermitAll} opens one to anonymous callers. The application is not served without this filter.
 */
@Component(service = ContainerRequestFilter.class)
@JaxrsExtension
@JaxrsName(RestApi.AUTH_EXTENSION)
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Priority(Priorities.AUTHENTICATION)
public class AuthFilter implements ContainerRequestFilter {
    private final Accounts accounts;

    @Context
    ResourceInfo resourceInfo;

    @Activate
    public AuthFilter(@Reference Accounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public void filter(ContainerRequestContext ctx) {
        Method method = resourceInfo.getResourceMethod();
        Class<?> type = resourceInfo.getResourceClass();
        if (method == null || type == null) {
            throw unauthorized("No resource matched; authentication required", false);
        }
        boolean open = method.isAnnotationPresent(PermitAll.class)
                || (type.isAnnotationPresent(PermitAll.class) && !method.isAnnotationPresent(RolesAllowed.class));
        String header = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            if (open) {
                return;
            }
            throw unauthorized("Authentication required: send 'Authorization: Bearer <token>'; get a token from"
                    + " POST " + RestApi.BASE + "/auth/token", false);
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("The Authorization header must use the Bearer scheme", false);
        }
        String token = header.substring(7).trim();
        UserStore.TokenCheck check = accounts.check(token);
        if (check instanceof UserStore.TokenCheck.Invalid invalid) {
            throw unauthorized("Invalid bearer token: " + invalid.reason(), true);
        }
        AuthenticatedUser user = ((UserStore.TokenCheck.Valid) check).user().principal();
        RolesAllowed allowed = method.isAnnotationPresent(RolesAllowed.class) ? method.getAnnotation(RolesAllowed.class)
                : type.getAnnotation(RolesAllowed.class);
        if (allowed != null && !open && Arrays.stream(allowed.value()).noneMatch(user::hasRole)) {
            throw new ProblemException(403, "Forbidden", "This needs the role " + String.join(" or ", allowed.value())
                    + "; you have " + new TreeSet<>(user.roles()), null, Map.of("requiredRoles", allowed.value()));
        }
        boolean secure = ctx.getSecurityContext() != null && ctx.getSecurityContext().isSecure();
        ctx.setSecurityContext(new TokenSecurityContext(user, secure));
    }

    private static ProblemException unauthorized(String detail, boolean tokenPresented) {
        return new ProblemException(401, "Unauthorized", detail, null,
                tokenPresented ? Map.of("error", "invalid_token") : Map.of());
    }

    /** The caller as JAX-RS sees it. */
    record TokenSecurityContext(AuthenticatedUser user, boolean secure) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return user;
        }

        @Override
        public boolean isUserInRole(String role) {
            return user.hasRole(role);
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }
}
