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
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.runtime.JaxrsServiceRuntime;
import org.osgi.service.jaxrs.runtime.dto.ApplicationDTO;
import org.osgi.service.jaxrs.runtime.dto.ResourceDTO;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.rest.RestApi;

/**
 * {@code GET /api/v1/openapi.json}: the OpenAPI document of the resources the JAX-RS runtime serves right now, so a
 * bundle that comes or goes changes the document with it.
 */
@Component(service = OpenApiResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("openapi.json")
public class OpenApiResource {
    private final BundleContext context;
    private final JaxrsServiceRuntime runtime;

    @Activate
    public OpenApiResource(BundleContext context, @Reference JaxrsServiceRuntime runtime) {
        this.context = context;
        this.runtime = runtime;
    }

    @GET
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> document() {
        List<Class<?>> classes = new ArrayList<>();
        for (ApplicationDTO app : runtime.getRuntimeDTO().applicationDTOs) {
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
