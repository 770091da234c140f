package org.telehub.rest.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.annotation.security.PermitAll;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.runtime.JaxrsServiceRuntime;
import org.osgi.service.jaxrs.runtime.dto.ApplicationDTO;
import org.osgi.service.jaxrs.runtime.dto.ResourceDTO;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.rest.RestApi;

/**
 * {@code GET /api/v1/openapi.json}: the OpenAPI document of the resources the JAX-RS runtime serves right now, so a
 * bundle that comes or goes changes the document with it.
 *
 * <p>The runtime is looked up per request, not injected: the whiteboard's runtime service is replaced while Pax Web
 * applies its configuration at start, and a constructor reference caught in that moment failed the component for good
 * ("Unable to get service for reference runtime"; the whiteboard does not ask again), leaving the route away and
 * health's {@code api} check DOWN.
 */
@Component(service = OpenApiResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("openapi.json")
public class OpenApiResource {
    private final BundleContext context;

    @Activate
    public OpenApiResource(BundleContext context) {
        this.context = context;
    }

    @GET
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> document() {
        List<Class<?>> classes = new ArrayList<>();
        ServiceReference<JaxrsServiceRuntime> ref = context.getServiceReference(JaxrsServiceRuntime.class);
        JaxrsServiceRuntime runtime = ref == null ? null : context.getService(ref);
        if (runtime == null) {
            throw new javax.ws.rs.ServiceUnavailableException("The REST runtime is restarting; ask again in a moment");
        }
        ApplicationDTO[] apps;
        try {
            apps = runtime.getRuntimeDTO().applicationDTOs;
        } finally {
            context.ungetService(ref);
        }
        for (ApplicationDTO app : apps) {
            if (!RestApi.APP_NAME.equals(app.name)) {
                continue;
            }
            for (ResourceDTO r : app.resourceDTOs) {
                Class<?> c = classOf(r.serviceId);
                if (c != null) {
                    classes.add(c);
                }
            }
        }
        return new OpenApiGenerator().document(classes, context.getBundle().getVersion().toString());
    }

    private Class<?> classOf(long serviceId) {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences((String) null, "(service.id=" + serviceId + ")");
            if (refs == null) {
                return null;
            }
            Object service = context.getService(refs[0]);
            try {
                return service == null ? null : service.getClass();
            } finally {
                context.ungetService(refs[0]);
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
