package org.telehub.health.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.annotation.security.PermitAll;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.CacheControl;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.health.HealthIndicator;
import org.telehub.health.HealthIndicator.Check;
import org.telehub.health.HealthIndicator.Status;
import org.telehub.rest.RestApi;

/**
 * {@code GET /api/v1/health}, open to anonymous callers (load balancers, monitoring) and therefore free of PHI: each
 * indicator's state and every Telehub bundle's state. 200 when UP or DEGRADED, 503 when DOWN. Only an administrator
 * sees why (each check's detail and latency) and which bundle versions run: to anyone else an exception text or a
 * version is a map for an attack.
 */
@Component(service = HealthResource.class, configurationPid = "org.telehub.health")
@Designate(ocd = HealthConfig.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("health")
public class HealthResource {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HealthResource.class);

    private final BundleContext context;
    private final List<HealthIndicator> indicators = new CopyOnWriteArrayList<>();
    private volatile HealthConfig config;

    @Activate
    public HealthResource(BundleContext context, HealthConfig config) {
        this.context = context;
        this.config = config;
    }

    @Modified
    void modified(HealthConfig newConfig) {
        this.config = newConfig;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addIndicator(HealthIndicator indicator) {
        indicators.add(indicator);
    }

    void removeIndicator(HealthIndicator indicator) {
        indicators.remove(indicator);
    }

    /** The health document. */
    public record Health(Status status, Map<String, Check> checks, List<BundleState> bundles) {
        /** What an anonymous caller sees: states only. */
        States statesOnly() {
            Map<String, State> states = new TreeMap<>();
            checks.forEach((name, c) -> states.put(name, new State(c.status())));
            return new States(status, states,
                    bundles.stream().map(b -> new BundleState(b.symbolicName(), null, b.state())).toList());
        }
    }

    /** The health document as anonymous callers see it (same shape, states only). */
    public record States(Status status, Map<String, State> checks, List<BundleState> bundles) {
    }

    /** One check's state. */
    public record State(Status status) {
    }

    /** One Telehub bundle; {@code version} for administrators only. */
    public record BundleState(String symbolicName, String version, String state) {
    }

    @GET
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    public Response health(@Context SecurityContext caller) {
        HealthConfig cfg = config;
        Map<String, Check> checks = new TreeMap<>(probe(cfg.timeoutMillis()));
        List<String> requiredChecks = required(cfg);
        for (String required : requiredChecks) {
            checks.putIfAbsent(required, Check.down("no " + required + " check is registered: its bundle is not running", 0));
        }
        logChanges(checks);
        List<BundleState> bundles = bundles();
        Status status = Status.UP;
        for (Map.Entry<String, Check> e : checks.entrySet()) {
            boolean required = requiredChecks.contains(e.getKey());
            if (e.getValue().status() == Status.DOWN && required) {
                status = Status.DOWN;
            } else if (e.getValue().status() != Status.UP && status == Status.UP) {
                status = Status.DEGRADED;
            }
        }
        if (status == Status.UP && bundles.stream().anyMatch(b -> !b.state().equals("ACTIVE")
                && !b.state().equals("RESOLVED (fragment)"))) {
            status = Status.DEGRADED;
        }
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.status(status == Status.DOWN ? 503 : 200).cacheControl(noStore)
                .entity(isAdmin(caller) ? (Object) new Health(status, checks, bundles)
                        : new Health(status, checks, bundles).statesOnly()).build();
    }

    /** Each check's state at the last probe, to log only when it changes. */
    private final Map<String, Status> lastStates = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Logs every change of a check's state with its detail: anonymous callers see states only, and at 3 a.m. with the
     * routes not served an operator cannot log in to read the detail, so the log has to say why health is DOWN.
     */
    private void logChanges(Map<String, Check> checks) {
        checks.forEach((name, check) -> {
            Status before = lastStates.put(name, check.status());
            if (before != check.status() && (before != null || check.status() != Status.UP)) {
                if (check.status() == Status.UP) {
                    LOG.info("Health check '{}' is {} again", name, check.status());
                } else {
                    LOG.warn("Health check '{}' is {}: {}", name, check.status(), check.detail());
                }
            }
        });
    }

    /** {@code org.telehub.security.Roles.ADMIN}, by value: security depends on health (through persistence). */
    private static final String ADMIN = "admin";

    private static boolean isAdmin(SecurityContext caller) {
        return caller != null && caller.getUserPrincipal() != null && caller.isUserInRole(ADMIN);
    }

    /** A .cfg file gives "database,broker" as one string; Metatype forms give an array. Accept both. */
    static List<String> required(HealthConfig cfg) {
        return java.util.Arrays.stream(cfg.requiredChecks()).flatMap(s -> java.util.Arrays.stream(s.split(",")))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private Map<String, Check> probe(int timeoutMillis) {
        Map<String, CompletableFuture<Check>> running = new LinkedHashMap<>();
        for (HealthIndicator i : indicators) {
            running.put(i.name(), CompletableFuture.supplyAsync(() -> safeCheck(i))
                    .completeOnTimeout(Check.down("no answer within " + timeoutMillis + " ms", timeoutMillis),
                            timeoutMillis, TimeUnit.MILLISECONDS));
        }
        Map<String, Check> out = new LinkedHashMap<>();
        running.forEach((name, f) -> out.put(name, f.join()));
        return out;
    }

    private static Check safeCheck(HealthIndicator i) {
        try {
            return i.check();
        } catch (RuntimeException e) {
            return Check.down("check failed: " + e.getClass().getSimpleName(), 0);
        }
    }

    private List<BundleState> bundles() {
        List<BundleState> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            String bsn = b.getSymbolicName();
            if (bsn != null && bsn.startsWith("org.telehub.")) {
                boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
                out.add(new BundleState(bsn, b.getVersion().toString(), state(b.getState(), fragment)));
            }
        }
        out.sort(Comparator.comparing(BundleState::symbolicName));
        return out;
    }

    private static String state(int s, boolean fragment) {
        return switch (s) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> fragment ? "RESOLVED (fragment)" : "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "UNINSTALLED";
        };
    }
}
