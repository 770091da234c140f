package org.telehub.security.internal;

import java.time.Instant;
import java.util.Map;

import javax.annotation.security.PermitAll;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.domain.ForbiddenException;
import org.telehub.rest.ProblemException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuthenticatedUser;

/**
 * Log in for a bearer token (API clients) or a browser session (the web app: cookie + CSRF token, see
 * {@link BrowserGuard}); log out to revoke it, or everywhere to end all of one's sessions and tokens. Logins are throttled per account and per client address
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
    private final BrowserGuard browser;

    @Activate
    public AuthResource(@Reference Accounts accounts, @Reference BrowserGuard browser) {
        this.accounts = accounts;
        this.browser = browser;
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
        required(request);
        Accounts.Session s = secondFactor(() -> accounts.login(request.username(), request.password().toCharArray(),
                request.totp(), new Accounts.Source("api", http.getRemoteAddr()))).orElseThrow(() -> wrong(request));
        return new TokenResponse(s.token(), "Bearer", s.expiresAt().getEpochSecond() - Instant.now().getEpochSecond(),
                s.expiresAt(), UsersResource.UserView.of(s.user()));
    }

    /** A browser session as the web app sees it: never the session secret (httpOnly), its CSRF token. */
    public record SessionView(UsersResource.UserView user, String csrfToken, Instant expiresAt, long idleMinutes) {
    }

    /**
     * The browser's login: the session goes into an httpOnly cookie, the CSRF token into the answer. Refused from
     * a foreign Origin (login CSRF: a page of another site logging the browser into the attacker's account).
     */
    @POST
    @Path("session")
    @PermitAll
    public Response startSession(TokenRequest request, @Context HttpServletRequest http) {
        browser.requireEnabled();
        try {
            browser.checkOrigin(http.getHeader("Origin"), http.getHeader("Sec-Fetch-Site"));
        } catch (ForbiddenException e) {
            throw new ProblemException(403, "Forbidden", e.getMessage(), null, Map.of("cause", "csrf"));
        }
        required(request);
        Accounts.Session s = secondFactor(() -> accounts.startSession(request.username(),
                request.password().toCharArray(), request.totp(), new Accounts.Source("browser", http.getRemoteAddr())))
                .orElseThrow(() -> wrong(request));
        return Response.ok(new SessionView(UsersResource.UserView.of(s.user()), BrowserGuard.csrfToken(s.token()),
                s.expiresAt(), accounts.sessionIdleMinutes()))
                .header(HttpHeaders.SET_COOKIE, browser.setCookie(s.token())).build();
    }

    /** The current browser session, with its CSRF token again (after the web app was reloaded). */
    @BeforeSecondFactor
    @GET
    @Path("session")
    public SessionView session(@Context SecurityContext security, @Context HttpHeaders headers) {
        String session = currentSession(security, headers);
        if (!(accounts.check(session, UserStore.Kind.SESSION) instanceof UserStore.TokenCheck.Valid v)) {
            throw new ProblemException(401, "Unauthorized", "The session ended; log in again", null, null);
        }
        return new SessionView(UsersResource.UserView.of(v.user()), BrowserGuard.csrfToken(session), v.endsAt(),
                accounts.sessionIdleMinutes());
    }

    /** Ends this browser session and clears its cookie. */
    @BeforeSecondFactor
    @DELETE
    @Path("session")
    public Response endSession(@Context SecurityContext security, @Context HttpHeaders headers) {
        accounts.logout(currentSession(security, headers), UserStore.Kind.SESSION);
        return Response.noContent().header(HttpHeaders.SET_COOKIE, browser.clearCookie()).build();
    }

    /** The counts of an ended set of sessions and tokens. */
    public record Ended(int ended) {
    }

    /** Ends every session and bearer token of the caller (on other nodes within the token cache time). */
    @BeforeSecondFactor
    @POST
    @Path("logout-everywhere")
    public Response logoutEverywhere(@Context SecurityContext security) {
        int n = accounts.logoutEverywhere((AuthenticatedUser) security.getUserPrincipal());
        Response.ResponseBuilder r = Response.ok(new Ended(n));
        return (AuthFilter.SESSION.equals(security.getAuthenticationScheme())
                ? r.header(HttpHeaders.SET_COOKIE, browser.clearCookie()) : r).build();
    }

    /** Ends what authenticated this request: the bearer token, or the browser session (and clears its cookie). */
    @BeforeSecondFactor
    @POST
    @Path("logout")
    public Response logout(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context SecurityContext security, @Context HttpHeaders headers) {
        if (AuthFilter.SESSION.equals(security.getAuthenticationScheme())) {
            return endSession(security, headers);
        }
        accounts.logout(authorization.substring(7).trim());
        return Response.noContent().build();
    }

    private String currentSession(SecurityContext security, HttpHeaders headers) {
        javax.ws.rs.core.Cookie c = headers.getCookies().get(browser.cookieName());
        if (!AuthFilter.SESSION.equals(security.getAuthenticationScheme()) || c == null) {
            throw ProblemException.notFound("This request is not authenticated by a browser session");
        }
        return c.getValue();
    }

    private static void required(TokenRequest request) {
        if (request == null || request.username() == null || request.username().isBlank()) {
            throw ProblemException.invalid("username", "Required");
        }
        if (request.password() == null || request.password().isEmpty()) {
            throw ProblemException.invalid("password", "Required");
        }
    }

    private static ProblemException wrong(TokenRequest request) {
        return new ProblemException(401, "Unauthorized", request.totp() == null ? "Wrong username or password"
                : "Wrong username, password or code", null, null);
    }

    /** A login whose password was right for an account with a second factor, but which brought no code: 401. */
    private static <T> T secondFactor(java.util.function.Supplier<T> login) {
        try {
            return login.get();
        } catch (Accounts.SecondFactorRequired required) {
            throw new ProblemException(401, "Unauthorized", "This account has a second factor: send the 6-digit "
                    + "code of the authenticator app (or a recovery code) as totp", "totp",
                    Map.of("secondFactor", "totp"));
        }
    }
}
