package org.telehub.security.internal;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import javax.annotation.security.PermitAll;
import javax.servlet.http.HttpServletRequest;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.rest.RestApi;

/**
 * The browser's sign-in through the identity provider ({@link OidcLogin}): {@code GET /auth/oidc/login} sends the
 * browser to the provider, {@code GET /auth/oidc/callback} is where the provider sends it back. Both are top-level
 * navigations, answered with redirects. A bad {@code returnTo} is a 400 problem (the web app built the link wrong);
 * the flow off is a 404 problem, browser sessions off a 503. Every refusal at the callback is a redirect to the web
 * app's {@code /login?error=<code>}: only a browser navigation reaches it (the provider redirected it), and a
 * problem document would leave the person on a page of raw JSON.
 */
@Component(service = OidcLoginResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("auth/oidc")
@Produces(MediaType.APPLICATION_JSON)
public class OidcLoginResource {
    private final OidcLogin login;
    private final BrowserGuard browser;

    @Activate
    public OidcLoginResource(@Reference OidcLogin login, @Reference BrowserGuard browser) {
        this.login = login;
        this.browser = browser;
    }

    /**
     * Whether the sign-in page shows the identity provider's button, and its words (null: the app's own). Public:
     * the page asks before anyone is signed in; it tells no more than the button itself would.
     */
    @GET
    @PermitAll
    public OidcLogin.SignInOptions options() {
        return login.options();
    }

    /** 302 to the provider's authorization endpoint; the attempt bound to this browser by a cookie. */
    @GET
    @Path("login")
    @PermitAll
    public Response login(@QueryParam("returnTo") String returnTo) {
        OidcLogin.Start start = login.start(returnTo);
        return Response.status(Response.Status.FOUND).location(URI.create(start.location()))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header(HttpHeaders.SET_COOKIE, bindingCookie(start.verifier())).build();
    }

    /** The provider's redirect back: 302 to {@code returnTo} signed in, or to {@code /login?error=}. */
    @GET
    @Path("callback")
    @PermitAll
    public Response callback(@QueryParam("code") String code, @QueryParam("state") String state,
            @QueryParam("error") String error, @Context HttpHeaders headers, @Context HttpServletRequest http) {
        javax.ws.rs.core.Cookie c = headers.getCookies().get(bindingName());
        OidcLogin.Outcome outcome = login.finish(code, state, error, c == null ? null : c.getValue(),
                http.getRemoteAddr());
        Response.ResponseBuilder r = Response.status(Response.Status.FOUND)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header(HttpHeaders.SET_COOKIE, clearBindingCookie());
        if (outcome instanceof OidcLogin.SignedIn in) {
            return r.location(URI.create(browser.publicOrigin() + in.returnTo()))
                    .header(HttpHeaders.SET_COOKIE, browser.setCookie(in.session().token())).build();
        }
        OidcLogin.Refusal refusal = (OidcLogin.Refusal) outcome;
        return r.location(URI.create(browser.publicOrigin() + "/login?error="
                + URLEncoder.encode(refusal.code(), StandardCharsets.UTF_8))).build();
    }

    private boolean secure() {
        return browser.publicOrigin().startsWith("https://");
    }

    /** {@code __Host-} as the session cookie where https allows it. */
    String bindingName() {
        return secure() ? "__Host-telehub_oidc" : "telehub_oidc";
    }

    /**
     * The attempt's binding: the PKCE verifier, {@code HttpOnly}, for the attempt's 10 minutes. {@code SameSite=Lax},
     * not Strict: the provider's redirect back is a cross-site top-level GET, which Strict would send without it.
     */
    String bindingCookie(String verifier) {
        return bindingName() + "=" + verifier + "; Path=/; Max-Age=" + OidcLogin.ATTEMPT.toSeconds()
                + "; HttpOnly; SameSite=Lax" + (secure() ? "; Secure" : "");
    }

    String clearBindingCookie() {
        return bindingName() + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + (secure() ? "; Secure" : "");
    }
}
