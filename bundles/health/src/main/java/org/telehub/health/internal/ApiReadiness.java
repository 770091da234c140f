package org.telehub.health.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.runtime.JaxrsServiceRuntime;
import org.osgi.service.jaxrs.runtime.dto.ApplicationDTO;
import org.osgi.service.jaxrs.runtime.dto.DTOConstants;
import org.osgi.service.jaxrs.runtime.dto.FailedApplicationDTO;
import org.osgi.service.jaxrs.runtime.dto.FailedExtensionDTO;
import org.osgi.service.jaxrs.runtime.dto.FailedResourceDTO;
import org.osgi.service.jaxrs.runtime.dto.ResourceDTO;
import org.osgi.service.jaxrs.runtime.dto.RuntimeDTO;
import org.telehub.health.HealthIndicator;
import org.telehub.rest.RestApi;

/**
 * The {@code api} check: are the REST routes served right now? Health used to answer 200 while a bundle with routes
 * was still starting, or while the JAX-RS whiteboard had not yet bound a freshly registered resource (it rebuilds
 * the application for each, with 404s meanwhile), so a load balancer sent traffic to a hub that answered 404.
 * Three real signals, each naming what is missing:
 * <ol>
 * <li>every Telehub bundle that declares a JAX-RS resource component (its DS descriptors, readable in any state)
 * is ACTIVE;</li>
 * <li>every such component has its service registered (a DS component waits for its references);</li>
 * <li>the whiteboard's runtime DTO has the {@code telehub} application, and every registered Telehub resource
 * bound in it, none failed.</li>
 * </ol>
 * The runtime is looked up at each check, not injected: its service is replaced while Pax Web applies its
 * configuration at start, and a constructor reference caught in that moment failed this component for good (health
 * then said "no api check is registered" until a restart).
 */
@Component(service = HealthIndicator.class)
public class ApiReadiness implements HealthIndicator {
    private static final Pattern COMPONENT = Pattern.compile("<scr:component\\b[^>]*>", Pattern.DOTALL);
    private static final Pattern ATTR = Pattern.compile("([\\w-]+)=\"([^\"]*)\"");

    private final BundleContext context;
    /** Resource components per bundle, keyed by bundle id and last-modified (an update changes it). */
    private final Map<String, List<String>> declared = new HashMap<>();

    @Activate
    public ApiReadiness(BundleContext context) {
        this.context = context;
    }

    /** The whiteboard's runtime DTO now, or null while its runtime service is being replaced. */
    static RuntimeDTO runtimeDto(BundleContext context) {
        ServiceReference<JaxrsServiceRuntime> ref = context.getServiceReference(JaxrsServiceRuntime.class);
        JaxrsServiceRuntime runtime = ref == null ? null : context.getService(ref);
        if (runtime == null) {
            return null;
        }
        try {
            return runtime.getRuntimeDTO();
        } finally {
            context.ungetService(ref);
        }
    }

    @Override
    public String name() {
        return "api";
    }

    @Override
    public Check check() {
        long t0 = System.nanoTime();
        List<String> missing = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (Bundle b : context.getBundles()) {
            String bsn = b.getSymbolicName();
            if (bsn == null || !bsn.startsWith("org.telehub.") || b.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            List<String> components = resourceComponents(b);
            if (components.isEmpty()) {
                continue;
            }
            if (b.getState() != Bundle.ACTIVE) {
                missing.add(bsn + " is not active");
            } else {
                expected.addAll(components);
            }
        }
        Map<Long, String> registered = new HashMap<>();
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(null,
                    "(&(osgi.jaxrs.resource=true)(osgi.jaxrs.application.select=" + escape(RestApi.APP_SELECT) + "))");
            for (ServiceReference<?> r : refs == null ? new ServiceReference<?>[0] : refs) {
                String component = String.valueOf(r.getProperty("component.name"));
                registered.put((Long) r.getProperty(Constants.SERVICE_ID), component);
                expected.remove(component);
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        expected.stream().sorted().forEach(c -> missing.add(simple(c) + " is not registered (waiting for a service)"));

        RuntimeDTO dto = runtimeDto(context);
        if (dto == null) {
            missing.add("the JAX-RS runtime is not available (HTTP is starting or restarting)");
            return Check.down("routes not served: " + String.join("; ", missing),
                    (System.nanoTime() - t0) / 1_000_000);
        }
        ApplicationDTO app = Arrays.stream(dto.applicationDTOs).filter(a -> RestApi.APP_NAME.equals(a.name))
                .findFirst().orElse(null);
        if (app == null) {
            String why = Arrays.stream(dto.failedApplicationDTOs).filter(a -> RestApi.APP_NAME.equals(a.name))
                    .map(ApiReadiness::reason).findFirst().orElse("not registered");
            missing.add("application " + RestApi.APP_NAME + " is not served: " + why);
        } else {
            Set<Long> bound = new HashSet<>();
            for (ResourceDTO r : app.resourceDTOs) {
                bound.add(r.serviceId);
            }
            Map<Long, String> failed = new HashMap<>();
            for (FailedResourceDTO f : dto.failedResourceDTOs) {
                failed.put(f.serviceId, "failure " + f.failureReason);
            }
            registered.forEach((id, component) -> {
                if (!bound.contains(id)) {
                    missing.add(simple(component) + " is not bound" + (failed.containsKey(id) ? " (" + failed.get(id) + ")"
                            : " yet"));
                }
            });
        }
        for (FailedExtensionDTO f : dto.failedExtensionDTOs) {
            if (f.name != null && f.name.startsWith("telehub.")) {
                missing.add("extension " + f.name + " failed (failure " + f.failureReason + ")");
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (!missing.isEmpty()) {
            return Check.down("routes not served: " + String.join("; ", missing), ms);
        }
        return Check.up((app == null ? 0 : app.resourceDTOs.length) + " resources served at " + RestApi.BASE, ms);
    }

    private static String reason(FailedApplicationDTO a) {
        return switch (a.failureReason) {
            case DTOConstants.FAILURE_REASON_REQUIRED_EXTENSIONS_UNAVAILABLE -> "a required extension is missing";
            case DTOConstants.FAILURE_REASON_SHADOWED_BY_OTHER_SERVICE -> "shadowed by another application";
            default -> "failure " + a.failureReason;
        };
    }

    private static String simple(String component) {
        return component.substring(component.lastIndexOf('.') + 1);
    }

    private static String escape(String filterValue) {
        return filterValue.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("*", "\\*");
    }

    /** Names of the bundle's enabled DS components that are JAX-RS resources of the Telehub application. */
    /**
     * The component descriptors SCR reads: those the {@code Service-Component} header names (a path, or a pattern in
     * its last segment), not every XML file under OSGI-INF — a descriptor left there by an earlier build is no
     * component, and waiting for it would keep health DOWN for ever.
     */
    private static List<URL> descriptors(Bundle b) {
        List<URL> out = new ArrayList<>();
        String header = b.getHeaders().get("Service-Component");
        if (header == null) {
            return out;
        }
        for (String path : header.split(",")) {
            String p = path.trim();
            int slash = p.lastIndexOf('/');
            String dir = slash < 0 ? "/" : p.substring(0, slash);
            String name = p.substring(slash + 1);
            Enumeration<URL> found = b.findEntries(dir, name, false);
            while (found != null && found.hasMoreElements()) {
                out.add(found.nextElement());
            }
        }
        return out;
    }

    private synchronized List<String> resourceComponents(Bundle b) {
        return declared.computeIfAbsent(b.getBundleId() + "@" + b.getLastModified(), k -> {
            List<String> out = new ArrayList<>();
            for (URL descriptor : descriptors(b)) {
                try (InputStream in = descriptor.openStream()) {
                    String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    Matcher m = COMPONENT.matcher(xml);
                    if (!m.find() || !xml.contains("name=\"osgi.jaxrs.resource\"")) {
                        continue;
                    }
                    Map<String, String> attrs = new HashMap<>();
                    Matcher a = ATTR.matcher(m.group());
                    while (a.find()) {
                        attrs.put(a.group(1), a.group(2));
                    }
                    if (!"false".equals(attrs.get("enabled")) && !"require".equals(attrs.get("configuration-policy"))) {
                        out.add(attrs.get("name"));
                    }
                } catch (IOException e) {
                    // an unreadable descriptor declares nothing we can wait for
                }
            }
            return out;
        });
    }
}
