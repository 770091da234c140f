/**
 * Who is calling: the {@link org.telehub.security.Roles} of Telehub and the {@link
 * org.telehub.security.AuthenticatedUser} a resource finds as {@code SecurityContext.getUserPrincipal()}.
 */
@Version("1.0.0")
package org.telehub.security;

import org.osgi.annotation.versioning.Version;
