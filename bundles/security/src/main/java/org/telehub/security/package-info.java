/**
 * Who is calling: the {@link org.telehub.security.Roles} of Telehub and the {@link
 * org.telehub.security.AuthenticatedUser} a resource finds as {@code SecurityContext.getUserPrincipal()}.
 * 1.1: {@link org.telehub.security.AuditLog} records in the caller's transaction too.
 */
@Version("1.1.0")
package org.telehub.security;

import org.osgi.annotation.versioning.Version;
