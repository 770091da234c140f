package org.telehub.video;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;
import org.telehub.security.AuthenticatedUser;

/**
 * Where the live pictures a visit may show come from (issue 22: the endoscopy systems' video), for the rooms to ask:
 * a service another bundle registers (the integration manager, which knows the systems and the patients' identities
 * in them). None registered: a room shows none. Since 3.0.
 */
@ConsumerType
public interface CameraSources {
    /**
     * The pictures a visit of {@code patientId} may show, as far as {@code caller} (one of the visit's clinicians,
     * whom the room checked) reaches that patient; empty when none. The caller's reach is the implementation's rule
     * (it may refuse with the domain's exceptions).
     */
    List<Rooms.CameraSource> of(AuthenticatedUser caller, String patientId);
}
