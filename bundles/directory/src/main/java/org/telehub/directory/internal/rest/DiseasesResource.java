package org.telehub.directory.internal.rest;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.List;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.directory.Diseases;
import org.telehub.domain.UnprocessableException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/**
 * {@code /directory/diseases}: ICD-10 search, and imports of the clinic's edition and translations. An import's file
 * is the request body as {@code application/octet-stream} (the upload size limit applies: the ICD-10-CM order file is
 * about 12 MB); 202 with the import, whose progress {@code GET …/imports/{id}} shows.
 */
@Component(service = DiseasesResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("directory/diseases")
@Produces(MediaType.APPLICATION_JSON)
public class DiseasesResource {
    private final Diseases diseases;

    @Activate
    public DiseasesResource(@Reference Diseases diseases) {
        this.diseases = diseases;
    }

    private static AuthenticatedUser user(SecurityContext s) {
        return (AuthenticatedUser) s.getUserPrincipal();
    }

    @GET
    public List<Diseases.Disease> search(@QueryParam("q") String q, @QueryParam("language") String language,
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("limit") @DefaultValue("20") int limit,
            @Context SecurityContext s) {
        return diseases.search(user(s), q, language, offset, limit);
    }

    @POST
    @Path("imports")
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @RolesAllowed(Roles.ADMIN)
    public Response startImport(@QueryParam("format") String format, @QueryParam("language") String language,
            byte[] file, @Context SecurityContext s) {
        String content;
        try {
            content = UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(file == null ? new byte[0] : file)).toString();
        } catch (CharacterCodingException e) {
            throw new UnprocessableException("content", "The file is not UTF-8 text");
        }
        return Response.status(Response.Status.ACCEPTED).entity(diseases.startImport(user(s),
                new Diseases.ImportRequest(format, language, content))).build();
    }

    @GET
    @Path("imports")
    @RolesAllowed(Roles.ADMIN)
    public List<Diseases.ImportJob> imports(@Context SecurityContext s) {
        return diseases.importJobs(user(s));
    }

    @GET
    @Path("imports/{id}")
    @RolesAllowed(Roles.ADMIN)
    public Diseases.ImportJob importJob(@PathParam("id") String id, @Context SecurityContext s) {
        return diseases.importJob(user(s), id);
    }
}
