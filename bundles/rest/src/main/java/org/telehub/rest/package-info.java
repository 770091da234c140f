/**
 * What every Telehub REST resource needs: the application to attach to ({@link org.telehub.rest.RestApi}) and the
 * one way to fail ({@link org.telehub.rest.ProblemException}, rendered as RFC 9457 {@code application/problem+json}).
 *
 * <p>Authorisation is declared on resources with {@code javax.annotation.security}: no annotation means any
 * authenticated user, {@code @RolesAllowed} narrows to roles, {@code @PermitAll} opens a route to anonymous callers
 * (health, login and the OpenAPI document only). Uploads count what they read against a limit with
 * {@link org.telehub.rest.LimitedInputStream} (1.2).
 */
@Version("1.2.0")
package org.telehub.rest;

import org.osgi.annotation.versioning.Version;
