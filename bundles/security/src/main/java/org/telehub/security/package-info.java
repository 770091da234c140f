/**
 * Who is calling: the {@link org.telehub.security.Roles} of Telehub, the {@link
 * org.telehub.security.AuthenticatedUser} a resource finds as {@code SecurityContext.getUserPrincipal()}, and
 * since 1.1 {@link org.telehub.security.PatientAccess}, the care-relationship rule every bundle asks; 1.1 also:
 * {@link org.telehub.security.AuditLog} records in the caller's transaction; 1.2: {@link
 * org.telehub.security.BrowserGate}, the origin and session check of a WebSocket handshake; 1.3: {@link
 * org.telehub.security.SecondFactorCheck}, re-confirmation before a sensitive action; 1.4: {@link
 * org.telehub.security.VisitIdentities} (guests' and interpreters' visit-scoped tokens) and {@link
 * org.telehub.security.VisitScoped}, the routes they may call, and {@link org.telehub.security.AccountContacts},
 * the e-mail address on an account (a doctor's reminders); 1.5: {@link org.telehub.security.Colleagues}, the clinicians
 * found by name (whom a clinician may write to directly); 1.6: {@link
 * org.telehub.security.AccountContacts#emailsWithRole}, e.g. the administrators to tell about the hub.
 */
@Version("1.6.0")
package org.telehub.security;

import org.osgi.annotation.versioning.Version;
