package org.telehub.health.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.jaxrs.runtime.dto.ApplicationDTO;
import org.osgi.service.jaxrs.runtime.dto.BaseDTO;
import org.osgi.service.jaxrs.runtime.dto.RuntimeDTO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers again a Telehub JAX-RS service the whiteboard lost. Aries JAX-RS Whiteboard 2.0.2 (its last release)
 * tracks services through component-dsl, whose {@code splitBy} keeps a plain {@code HashMap} that any registering
 * thread changes. At boot the whiteboard is built from its configuration on Pax Web's thread while the features
 * thread registers Telehub's resources; when both touch that map at once the whiteboard's service tracker throws a
 * {@code ConcurrentModificationException}, the framework logs it ("EventDispatcher: Error during dispatch") and the
 * whiteboard never learns of the service being registered: its routes answer 404 until a restart. Seen twice in
 * about a dozen full test runs, once on health's own resource (so {@code /api/v1/health} was 404 as well).
 *
 * <p>Every {@value #EVERY_SECONDS} s: a Telehub whiteboard service (resource, extension, application) that the
 * runtime's DTO does not mention at all — neither served nor failed for a reason — for {@code lostRouteGraceSeconds}
 * (45 s) is registered again by disabling and enabling its Declarative Services component, once per service, with a
 * warning naming it. A service the whiteboard only refused is left alone: that is a fault {@code api} reports.
 */
@Component(immediate = true, configurationPid = "org.telehub.health")
public class UntrackedRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(UntrackedRoutes.class);
    static final int EVERY_SECONDS = 5;
    /** What the whiteboard tracks: resources, extensions and applications. */
    static final String WHITEBOARD = "(|(osgi.jaxrs.resource=true)(osgi.jaxrs.extension=true)"
            + "(osgi.jaxrs.application.base=*))";

    private final BundleContext context;
    private final ServiceComponentRuntime scr;
    /** Longer than the whiteboard takes to rebuild an application on a loaded 2-core machine (a few seconds). */
    private final int graceSeconds;
    private final Sightings sightings;
    private final ScheduledExecutorService timer;

    @Activate
    public UntrackedRoutes(BundleContext context, @Reference ServiceComponentRuntime scr, HealthConfig config) {
        this.context = context;
        this.scr = scr;
        this.graceSeconds = config.lostRouteGraceSeconds();
        this.sightings = new Sightings(TimeUnit.SECONDS.toMillis(graceSeconds));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telehub-untracked-routes");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::look, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
    }

    @Deactivate
    void close() {
        timer.shutdownNow();
    }

    private void look() {
        try {
            RuntimeDTO dto = ApiReadiness.runtimeDto(context);
            Map<Long, ServiceReference<?>> ours = new HashMap<>();
            if (dto != null) {
                ServiceReference<?>[] refs = context.getAllServiceReferences(null, WHITEBOARD);
                for (ServiceReference<?> r : refs == null ? new ServiceReference<?>[0] : refs) {
                    Bundle b = r.getBundle();
                    if (b != null && b.getSymbolicName() != null && b.getSymbolicName().startsWith("org.telehub.")
                            && r.getProperty("component.name") != null) {
                        ours.put((Long) r.getProperty(Constants.SERVICE_ID), r);
                    }
                }
            }
            // without a runtime (HTTP starting or restarting) nothing is judged, and the clock starts again after
            Set<Long> unseen = dto == null ? Set.of() : unseen(ours.keySet(), dto);
            for (long id : sightings.due(unseen, System.currentTimeMillis())) {
                again(ours.get(id));
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            LOG.warn("Cannot check the JAX-RS whiteboard's services: {}", e.toString());
        }
    }

    /** Disables and enables the component that registered {@code ref}: its service is registered anew. */
    private void again(ServiceReference<?> ref) {
        Bundle b = ref.getBundle();
        String name = String.valueOf(ref.getProperty("component.name"));
        if (b == null) {
            return; // gone meanwhile
        }
        ComponentDescriptionDTO d = scr.getComponentDescriptionDTO(b, name);
        if (d == null) {
            return;
        }
        LOG.warn("The JAX-RS whiteboard has not taken {} (service {} of {}) for {} s: neither served nor refused, "
                + "so its routes answer 404. Registering it again (Aries JAX-RS Whiteboard 2.0.2 can lose a service "
                + "registered while it is being built; see ARCHITECTURE.md, \"Routes the whiteboard lost\")", name,
                ref.getProperty(Constants.SERVICE_ID), b.getSymbolicName(), graceSeconds);
        try {
            scr.disableComponent(d).getValue();
            scr.enableComponent(d).getValue();
        } catch (java.lang.reflect.InvocationTargetException e) {
            LOG.warn("Could not register {} again: {}", name, e.getCause() == null ? e : e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Of {@code registered}, the service ids the DTO names nowhere: not served, not failed. */
    static Set<Long> unseen(Collection<Long> registered, RuntimeDTO dto) {
        Set<Long> named = new HashSet<>();
        List<ApplicationDTO> apps = new ArrayList<>(List.of(dto.applicationDTOs == null ? new ApplicationDTO[0]
                : dto.applicationDTOs));
        if (dto.defaultApplication != null) {
            apps.add(dto.defaultApplication);
        }
        for (ApplicationDTO a : apps) {
            named.add(a.serviceId);
            add(named, a.resourceDTOs);
            add(named, a.extensionDTOs);
        }
        add(named, dto.failedApplicationDTOs);
        add(named, dto.failedResourceDTOs);
        add(named, dto.failedExtensionDTOs);
        Set<Long> out = new HashSet<>(registered);
        out.removeAll(named);
        return out;
    }

    private static void add(Set<Long> named, BaseDTO[] dtos) {
        for (BaseDTO d : dtos == null ? new BaseDTO[0] : dtos) {
            named.add(d.serviceId);
        }
    }

    /**
     * When each service was first seen missing from the runtime: {@link #due} names those missing longer than the
     * grace, each once. A service seen again (or gone) starts afresh.
     */
    static final class Sightings {
        private final long graceMillis;
        private final Map<Long, Long> since = new HashMap<>();
        private final Set<Long> done = new HashSet<>();

        Sightings(long graceMillis) {
            this.graceMillis = graceMillis;
        }

        List<Long> due(Set<Long> unseen, long now) {
            since.keySet().retainAll(unseen);
            done.retainAll(unseen);
            List<Long> out = new ArrayList<>();
            for (long id : unseen) {
                long first = since.computeIfAbsent(id, k -> now);
                if (now - first >= graceMillis && done.add(id)) {
                    out.add(id);
                }
            }
            return out;
        }
    }
}
