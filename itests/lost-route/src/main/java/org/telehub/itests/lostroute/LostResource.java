package org.telehub.itests.lostroute;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.rest.RestApi;

/** {@code GET /api/v1/itest/lost}: answers once the whiteboard has it (its first registration was hidden). */
@Component(service = LostResource.class, property = "telehub.itest.lost=true")
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("itest/lost")
public class LostResource {

    /** The hook first, so that it sees this component's registration. */
    @Reference
    private HideFromWhiteboard hook;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String found() {
        return "found";
    }
}
