/**
 * Failures of domain services, independent of how the service was called (REST, WebSocket, shell, HL7 v2). Each
 * says what went wrong in words a user can act on, and where one input is to blame, which ({@code field}, a JSON
 * path such as {@code roles[1]} or a parameter name). Only transports map them: the REST layer to problem+json
 * with a status per class (see {@link org.telehub.domain.DomainException}).
 */
@Version("1.2.0")
package org.telehub.domain;

import org.osgi.annotation.versioning.Version;
