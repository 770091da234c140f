/**
 * Who is calling: the {@link org.telehub.security.Roles} of Telehub, the {@link
 * org.telehub.security.AuthenticatedUser} a resource finds as {@code SecurityContext.getUserPrincipal()}, and
 * since 1.1 {@link org.telehub.security.PatientAccess}, the care-relationship rule every bundle asks; 1.1 also:
 * {@link org.telehub.security.AuditLog} records in the caller's transaction; 1.2: {@link
 * org.telehub.security.BrowserGate}, the origin and session check of a WebSocket handshake.
 */
@Version("1.3.0")
package org.telehub.security;

import org.osgi.annotation.versioning.Version;
