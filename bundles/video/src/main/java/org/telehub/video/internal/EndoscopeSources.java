package org.telehub.video.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.LiveVideo;
import org.telehub.integration.api.ProcedureSystem;
import org.telehub.integration.identities.SystemIdentities;
import org.telehub.security.AuthenticatedUser;
import org.telehub.video.CameraSources;
import org.telehub.video.Rooms;

/**
 * The endoscopy systems' live pictures as a visit's sources (issue 22): every adapter in the service registry that is
 * a {@link ProcedureSystem} with a live picture configured, where the visit's patient has an identifier (the
 * integration manager's cross-reference: the patient is that system's patient). The room has already checked that
 * the caller is one of the visit's clinicians, who reach its patient. Hot-installed adapters come and go here as
 * they do in the manager. Its own component: the integration packages are imported optionally, so the rooms run
 * without the integration feature (and then show no pictures).
 */
@Component(service = CameraSources.class)
public class EndoscopeSources implements CameraSources {
    private final VideoSchema db;
    private final List<Adapter> adapters = new CopyOnWriteArrayList<>();
    /**
     * The integration manager's cross-reference; optional (no service requirement that would tie the video feature to
     * the integration feature): without it no system is anyone's, so none is a source.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SystemIdentities identities;

    @Activate
    public EndoscopeSources(@Reference VideoSchema db) {
        this.db = db;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAdapter(Adapter a) {
        adapters.add(a);
    }

    void removeAdapter(Adapter a) {
        adapters.remove(a);
    }

    @Override
    public List<Rooms.CameraSource> of(AuthenticatedUser caller, String patientId) {
        List<Rooms.CameraSource> out = new ArrayList<>();
        SystemIdentities identities = this.identities;
        if (identities == null) {
            return out;
        }
        for (Adapter a : adapters) {
            if (!(a instanceof ProcedureSystem p)) {
                continue;
            }
            LiveVideo v = p.liveVideo().orElse(null);
            String id = a.info().id();
            if (v != null && db.jdbi().withHandle(h -> identities.identifier(h, id, patientId)).isPresent()) {
                String vendor = a.info().vendor();
                out.add(new Rooms.CameraSource(id, vendor == null || vendor.isBlank() ? id : vendor + " · " + id,
                        v.url(), v.width(), v.height(), v.fps()));
            }
        }
        out.sort(Comparator.comparing(Rooms.CameraSource::id));
        return out;
    }
}
