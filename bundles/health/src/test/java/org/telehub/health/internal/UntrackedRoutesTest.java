package org.telehub.health.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.osgi.service.jaxrs.runtime.dto.ApplicationDTO;
import org.osgi.service.jaxrs.runtime.dto.ExtensionDTO;
import org.osgi.service.jaxrs.runtime.dto.FailedApplicationDTO;
import org.osgi.service.jaxrs.runtime.dto.FailedExtensionDTO;
import org.osgi.service.jaxrs.runtime.dto.FailedResourceDTO;
import org.osgi.service.jaxrs.runtime.dto.ResourceDTO;
import org.osgi.service.jaxrs.runtime.dto.RuntimeDTO;

/**
 * Which whiteboard services the runtime lost, and when one is registered again. The runtime DTOs are the OSGi
 * JAX-RS specification's own classes, filled as Aries fills them.
 */
class UntrackedRoutesTest {

    private static <T extends org.osgi.service.jaxrs.runtime.dto.BaseDTO> T dto(T d, long serviceId) {
        d.serviceId = serviceId;
        return d;
    }

    private static RuntimeDTO runtime() {
        RuntimeDTO r = new RuntimeDTO();
        ApplicationDTO telehub = dto(new ApplicationDTO(), 10);
        telehub.resourceDTOs = new ResourceDTO[] {dto(new ResourceDTO(), 11), dto(new ResourceDTO(), 12)};
        telehub.extensionDTOs = new ExtensionDTO[] {dto(new ExtensionDTO(), 13)};
        r.applicationDTOs = new ApplicationDTO[] {telehub};
        r.defaultApplication = dto(new ApplicationDTO(), 1);
        r.defaultApplication.resourceDTOs = new ResourceDTO[] {dto(new ResourceDTO(), 2)};
        r.defaultApplication.extensionDTOs = new ExtensionDTO[0];
        r.failedApplicationDTOs = new FailedApplicationDTO[] {dto(new FailedApplicationDTO(), 20)};
        r.failedResourceDTOs = new FailedResourceDTO[] {dto(new FailedResourceDTO(), 21)};
        r.failedExtensionDTOs = new FailedExtensionDTO[] {dto(new FailedExtensionDTO(), 22)};
        return r;
    }

    @Test
    void aServiceTheRuntimeNamesNowhereIsUnseen() {
        // served (application, resources, extension, the default application's), refused for a reason: all known
        assertEquals(Set.of(), UntrackedRoutes.unseen(List.of(10L, 11L, 12L, 13L, 2L, 20L, 21L, 22L), runtime()));
        // 30 was registered and the whiteboard's tracker never took it (the boot race)
        assertEquals(Set.of(30L), UntrackedRoutes.unseen(List.of(11L, 30L, 21L), runtime()));
        // an empty runtime (Aries leaves arrays empty, never null, but a bare DTO has nulls)
        assertEquals(Set.of(11L), UntrackedRoutes.unseen(List.of(11L), new RuntimeDTO()));
    }

    @Test
    void registeredAgainOnceAfterTheGraceAndAfreshWhenItCameBack() {
        UntrackedRoutes.Sightings s = new UntrackedRoutes.Sightings(45_000);
        assertEquals(List.of(), s.due(Set.of(30L), 0), "first seen missing: the whiteboard may be rebuilding");
        assertEquals(List.of(), s.due(Set.of(30L), 44_999));
        assertEquals(List.of(30L), s.due(Set.of(30L), 45_000));
        assertEquals(List.of(), s.due(Set.of(30L), 90_000), "once per service");
        // served for a moment, then missing again: a new sighting, a new grace
        assertEquals(List.of(), s.due(Set.of(), 91_000));
        assertEquals(List.of(), s.due(Set.of(30L), 92_000));
        assertEquals(List.of(30L), s.due(Set.of(30L), 137_000));
        // another service's clock is its own; one that went away is forgotten
        assertEquals(List.of(), s.due(Set.of(31L), 138_000));
        assertEquals(List.of(31L), s.due(Set.of(31L), 183_000));
    }
}
