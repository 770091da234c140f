package org.telehub.rest.internal;

import java.util.Set;

import javax.ws.rs.core.Application;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationBase;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.telehub.rest.RestApi;

/**
 * The one Telehub JAX-RS application at {@code /api/v1}. It is served only while its JSON provider, its error
 * mapper, the authentication filter and the response headers filter are all present: without the filter there is no API at all, never an
 * unauthenticated one.
 */
@Component(service = Application.class)
@JaxrsApplicationBase(RestApi.BASE)
@JaxrsName(RestApi.APP_NAME)
@JaxrsExtensionSelect({"(osgi.jaxrs.name=" + RestApi.JSON_EXTENSION + ")",
        "(osgi.jaxrs.name=" + RestApi.PROBLEM_EXTENSION + ")", "(osgi.jaxrs.name=" + RestApi.AUTH_EXTENSION + ")",
        "(osgi.jaxrs.name=" + RestApi.HEADERS_EXTENSION + ")"})
public class TelehubApplication extends Application {
    @Override
    public Set<Object> getSingletons() {
        return Set.of();
    }
}
