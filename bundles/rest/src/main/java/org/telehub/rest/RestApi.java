package org.telehub.rest;

/** Names that tie resources and extensions to the Telehub JAX-RS application. */
public final class RestApi {
    /** {@code osgi.jaxrs.name} of the application served at {@link #BASE}. */
    public static final String APP_NAME = "telehub";
    /** Put on every Telehub resource and extension: {@code @JaxrsApplicationSelect(RestApi.APP_SELECT)}. */
    public static final String APP_SELECT = "(osgi.jaxrs.name=" + APP_NAME + ")";
    /** Path of the application below the HTTP root. */
    public static final String BASE = "/api/v1";
    /** The JSON provider's extension name. */
    public static final String JSON_EXTENSION = "telehub.json";
    /** The error mapper's extension name. */
    public static final String PROBLEM_EXTENSION = "telehub.problems";
    /** The authentication filter's extension name; the application is not served without it. */
    public static final String AUTH_EXTENSION = "telehub.auth";
    /** The response headers filter's extension name (nosniff, no-store, no-referrer). */
    public static final String HEADERS_EXTENSION = "telehub.headers";
    /** RFC 9457 media type. */
    public static final String PROBLEM_JSON = "application/problem+json";

    private RestApi() {
    }
}
