package org.telehub.security.internal;

import java.lang.reflect.Method;
import java.security.Principal;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
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
import org.telehub.domain.ForbiddenException;
import org.telehub.rest.ProblemException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.VisitScoped;

/**
 * Authenticates every request of the Telehub application by its bearer token or browser session cookie (then
 * with the cross-site checks of {@link BrowserGuard} on unsafe methods) and enforces
 * {@code @RolesAllowed}. Deny by default: a route without annotations needs an authenticated caller, only
 * {@code @PermitAll} opens one to anonymous callers. The application is not served without this filter.
 */
@Component(service = ContainerRequestFilter.class)
@JaxrsExtension
@JaxrsName(RestApi.AUTH_EXTENSION)
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Priority(Priorities.AUTHENTICATION)
public class AuthFilter implements ContainerRequestFilter {
    /** {@code getAuthenticationScheme()} of a request authenticated by the browser session cookie. */
    static final String SESSION = "Session";
    private final Accounts accounts;
    private final BrowserGuard browser;
    private final DbVisitIdentities visits;

    @Context
    ResourceInfo resourceInfo;

    @Activate
    public AuthFilter(@Reference Accounts accounts, @Reference BrowserGuard browser,
            @Reference DbVisitIdentities visits) {
        this.accounts = accounts;
        this.browser = browser;
        this.visits = visits;
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
        UserStore.TokenCheck check;
        String scheme;
        if (header == null || header.isBlank()) {
            // a public route ignores a cookie: a stale one must not turn away the login page's own calls
            Optional<String> session = open ? Optional.empty() : sessionCookie(ctx);
            if (session.isEmpty()) {
                if (open) {
                    return;
                }
                throw unauthorized("Authentication required: send 'Authorization: Bearer <token>' (get one from"
                        + " POST " + RestApi.BASE + "/auth/token) or log in from the browser (POST " + RestApi.BASE
                        + "/auth/session)", false);
            }
            check = accounts.check(session.get(), UserStore.Kind.SESSION);
            if (check instanceof UserStore.TokenCheck.Invalid invalid) {
                throw unauthorized("Invalid session: " + invalid.reason() + "; log in again", false);
            }
            try {
                browser.requireEnabled();
                browser.checkCookieRequest(ctx.getMethod(), ctx.getHeaderString("Origin"),
                        ctx.getHeaderString("Sec-Fetch-Site"), ctx.getHeaderString(BrowserGuard.CSRF_HEADER),
                        session.get());
            } catch (ForbiddenException e) {
                throw new ProblemException(403, "Forbidden", e.getMessage(), null, Map.of("cause", "csrf"));
            }
            scheme = SESSION;
        } else {
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw unauthorized("The Authorization header must use the Bearer scheme", false);
            }
            String bearer = header.substring(7).trim();
            if (DbVisitIdentities.looksLikeVisitToken(bearer)) {
                visit(ctx, bearer, method, open);
                return;
            }
            // a bearer token is sent by the client's code, never attached by a browser: no CSRF check
            check = accounts.check(bearer, UserStore.Kind.BEARER);
            if (check instanceof UserStore.TokenCheck.Invalid invalid) {
                throw unauthorized("Invalid bearer token: " + invalid.reason(), true);
            }
            scheme = "Bearer";
        }
        AuthenticatedUser user = ((UserStore.TokenCheck.Valid) check).user().principal();
        RolesAllowed allowed = method.isAnnotationPresent(RolesAllowed.class) ? method.getAnnotation(RolesAllowed.class)
                : type.getAnnotation(RolesAllowed.class);
        if (allowed != null && !open && Arrays.stream(allowed.value()).noneMatch(user::hasRole)) {
            throw new ProblemException(403, "Forbidden", "This needs the role " + String.join(" or ", allowed.value())
                    + "; you have " + new TreeSet<>(user.roles()), null, Map.of("requiredRoles", allowed.value()));
        }
        // what an identity provider authenticated (its token, a session it signed in) is exempt: it decides its factors
        if (!open && !type.isAnnotationPresent(BeforeSecondFactor.class)
                && !method.isAnnotationPresent(BeforeSecondFactor.class)
                && !((UserStore.TokenCheck.Valid) check).byProvider()
                && accounts.mustEnrol(user)) {
            throw new ProblemException(403, "Forbidden", "Your role requires a second factor: set one up first (POST "
                    + RestApi.BASE + "/auth/totp/enrolment, then " + RestApi.BASE + "/auth/totp/confirmation)",
                    null, Map.of("secondFactor", "enrol"));
        }
        boolean secure = ctx.getSecurityContext() != null && ctx.getSecurityContext().isSecure();
        ctx.setSecurityContext(new TokenSecurityContext(user, secure, scheme));
    }

    /**
     * A guest's or interpreter's visit identity (bearer only, never a cookie: no CSRF surface): it reaches the
     * public routes and those marked {@link VisitScoped}, whose service shows it its own visit; every other route
     * is 403 before the resource runs. No second factor (no account).
     */
    private void visit(ContainerRequestContext ctx, String token, Method method, boolean open) {
        AuthenticatedUser user = visits.check(token).orElseThrow(() -> unauthorized("Invalid bearer token: the"
                + " visit identity is unknown, expired or revoked", true));
        if (!open && !method.isAnnotationPresent(VisitScoped.class)) {
            throw new ProblemException(403, "Forbidden", "A visit identity reaches only its own visit", null,
                    Map.of("visitIdentity", true));
        }
        boolean secure = ctx.getSecurityContext() != null && ctx.getSecurityContext().isSecure();
        ctx.setSecurityContext(new TokenSecurityContext(user, secure, "Bearer"));
    }

    private Optional<String> sessionCookie(ContainerRequestContext ctx) {
        javax.ws.rs.core.Cookie c = ctx.getCookies().get(browser.cookieName());
        return c == null || c.getValue() == null || c.getValue().isEmpty() ? Optional.empty() : Optional.of(c.getValue());
    }

    private static ProblemException unauthorized(String detail, boolean tokenPresented) {
        return new ProblemException(401, "Unauthorized", detail, null,
                tokenPresented ? Map.of("error", "invalid_token") : Map.of());
    }

    /** The caller as JAX-RS sees it. */
    record TokenSecurityContext(AuthenticatedUser user, boolean secure, String scheme) implements SecurityContext {
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
            return scheme;
        }
    }
}
