package org.telehub.rest.internal;

import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerResponseContext;
import javax.ws.rs.container.ContainerResponseFilter;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MultivaluedMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;
import org.telehub.rest.RestApi;

/**
 * Headers every API response carries, errors included. Almost every answer of this API is about a patient, so
 * nothing is cached anywhere ({@code no-store}) unless a resource says otherwise on purpose; browsers never sniff
 * a download into something executable; and no URL (join links carry tokens) leaks to another site as a referrer.
 * The application is not served without this filter.
 */
@Component(service = ContainerResponseFilter.class)
@JaxrsExtension
@JaxrsName(RestApi.HEADERS_EXTENSION)
@JaxrsApplicationSelect(RestApi.APP_SELECT)
public class SecurityHeadersFilter implements ContainerResponseFilter {
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        MultivaluedMap<String, Object> headers = response.getHeaders();
        headers.putSingle("X-Content-Type-Options", "nosniff");
        headers.putSingle("Referrer-Policy", "no-referrer");
        if (!headers.containsKey(HttpHeaders.CACHE_CONTROL)) {
            headers.putSingle(HttpHeaders.CACHE_CONTROL, "no-store");
        }
    }
}
