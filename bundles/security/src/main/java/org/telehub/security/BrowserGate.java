package org.telehub.security;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The check a WebSocket handshake makes before it upgrades (issue 17's {@code /ws}), the same rules the REST API
 * applies to unsafe methods, in one place. A browser's WebSocket carries the session cookie automatically, also when
 * a page of another site opens it (cross-site WebSocket hijacking: SameSite=Strict stops a cross-site page, not a
 * sibling subdomain, and the same-origin policy does not apply to WebSockets), so a handshake authenticated by the
 * cookie must come from the configured public origin. A handshake with a bearer token is an API client's: no origin
 * check, as no browser attaches that header by itself.
 *
 * <p>The implementation (security bundle) throws {@code org.telehub.domain.NotAuthenticatedException} (401) for no
 * credential or an invalid, expired or revoked one and {@code org.telehub.domain.ForbiddenException} (403) for a
 * session from a missing or foreign {@code Origin}; each says why.
 */
@ProviderType
public interface BrowserGate {
    /**
     * Who opens this WebSocket.
     *
     * @param origin the handshake's {@code Origin} header, null if absent
     * @param cookieHeader the handshake's {@code Cookie} header, null if absent
     * @param authorization the handshake's {@code Authorization} header, null if absent
     * @return the authenticated caller
     */
    AuthenticatedUser admitHandshake(String origin, String cookieHeader, String authorization);

    /** The origin browsers load the hub from ({@code scheme://host[:port]}), as configured in {@code publicOrigin}. */
    String publicOrigin();
}
