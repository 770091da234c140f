package org.telehub.video.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterInfo;
import org.telehub.integration.api.LiveVideo;
import org.telehub.integration.api.ProcedureSystem;
import org.telehub.integration.api.SystemType;
import org.telehub.integration.identities.SystemIdentities;
import org.telehub.persistence.TestDatabases;
import org.telehub.security.AuthenticatedUser;
import org.telehub.video.Rooms;

/**
 * The endoscopes a visit may show: procedure systems with a live picture where the visit's patient has an identifier
 * (the manager's cross-reference, faked here as the set of its rows), as adapters come and go.
 */
class EndoscopeSourcesTest {
    static final AuthenticatedUser HOUSE = new AuthenticatedUser(1, "dr.house", "Dr House", Set.of("doctor"));

    /** An adapter that is a procedure system, with or without a live picture. */
    static Adapter system(String id, String vendor, LiveVideo live) {
        return (Adapter) Proxy.newProxyInstance(EndoscopeSourcesTest.class.getClassLoader(),
                new Class<?>[] {Adapter.class, ProcedureSystem.class}, (p, m, args) -> switch (m.getName()) {
                    case "info" -> new AdapterInfo(id, SystemType.ENDOSCOPY, vendor, "DICOM Modality Worklist", "1");
                    case "liveVideo" -> Optional.ofNullable(live);
                    case "hashCode" -> id.hashCode();
                    case "equals" -> p == args[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void theSystemsWithALivePictureWhereThePatientIsKnown() {
        Set<String> rows = Set.of("scope-2 pat-1", "scope-1 pat-1", "plain pat-1", "scope-3 pat-2");
        SystemIdentities identities = (SystemIdentities) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SystemIdentities.class}, (p, m, args) -> {
                    if (!"identifier".equals(m.getName())) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    return rows.contains(args[1] + " " + args[2]) ? Optional.of("ID") : Optional.empty();
                });
        EndoscopeSources sources = new EndoscopeSources(new VideoSchema(Jdbi.create(TestDatabases.postgres())));
        Adapter one = system("scope-1", "Olympus", new LiveVideo("rtsp://10.0.5.21:8554/scope", 1280, 720, 30));
        sources.addAdapter(system("scope-2", "", new LiveVideo("/dev/video0", 640, 480, 25)));
        sources.addAdapter(one);
        sources.addAdapter(system("plain", "Pentax", null));
        sources.addAdapter(system("scope-3", "Fujifilm", new LiveVideo("/dev/video1", 640, 480, 25)));
        assertEquals(List.of(), sources.of(HOUSE, "pat-1"), "without the cross-reference, nobody's");

        sources.identities = identities;
        assertEquals(List.of(new Rooms.CameraSource("scope-1", "Olympus · scope-1", "rtsp://10.0.5.21:8554/scope",
                1280, 720, 30), new Rooms.CameraSource("scope-2", "scope-2", "/dev/video0", 640, 480, 25)),
                sources.of(HOUSE, "pat-1"), "in id order; without a live picture or the patient: not one");
        sources.removeAdapter(one);
        assertEquals(List.of("scope-2"), sources.of(HOUSE, "pat-1").stream().map(Rooms.CameraSource::id).toList(),
                "an adapter uninstalled is no source");
    }
}
