package org.telehub.metrics.internal;

import java.lang.reflect.Method;

import javax.ws.rs.Path;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.ContainerResponseContext;
import javax.ws.rs.container.ContainerResponseFilter;
import javax.ws.rs.container.PreMatching;
import javax.ws.rs.container.ResourceInfo;
import javax.ws.rs.core.Context;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.telehub.rest.RestApi;

/**
 * Times every request of the Telehub API by its route template ({@code /encounters/{id}}), taken from the matched
 * resource method's {@code @Path}s, never the raw path: ids would make one time series per patient. Requests that
 * match no resource count under {@code unmatched}. Not required by the application: without it the API runs,
 * unmeasured.
 */
@Component(service = {ContainerRequestFilter.class, ContainerResponseFilter.class})
@JaxrsExtension
@JaxrsName("telehub.metrics")
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@PreMatching
public class RequestMetrics implements ContainerRequestFilter, ContainerResponseFilter {
    private static final String STARTED = RequestMetrics.class.getName() + ".started";

    private final Meters meters;
    @Context
    ResourceInfo resource;

    @Activate
    public RequestMetrics(@Reference Meters meters) {
        this.meters = meters;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(STARTED, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object started = request.getProperty(STARTED);
        if (started instanceof Long t0) {
            meters.request(request.getMethod(), route(), response.getStatus(), System.nanoTime() - t0);
        }
    }

    private String route() {
        Method m = resource == null ? null : resource.getResourceMethod();
        Class<?> c = resource == null ? null : resource.getResourceClass();
        if (m == null || c == null) {
            return "unmatched";
        }
        Path cp = c.getAnnotation(Path.class);
        Path mp = m.getAnnotation(Path.class);
        return join(RestApi.BASE, join(cp == null ? "" : cp.value(), mp == null ? "" : mp.value()));
    }

    private static String join(String a, String b) {
        String left = a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
        if (b.isEmpty() || b.equals("/")) {
            return left;
        }
        return left + (b.startsWith("/") ? b : "/" + b);
    }
}
