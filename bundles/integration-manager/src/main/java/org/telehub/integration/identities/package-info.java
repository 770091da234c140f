/**
 * The patient identifier cross-reference as systems that send unsolicited messages feed it (issue 21: HL7 v2
 * ADT): {@link org.telehub.integration.identities.SystemIdentities}, in the caller's transaction so that a message's
 * effects and its processed mark commit together. 1.0.0. 1.1: {@code identifier}, a local patient's identifier in a
 * system, for messages that system is sent (HL7 v2 visit status).
 */
@Version("1.1.0")
package org.telehub.integration.identities;

import org.osgi.annotation.versioning.Version;
