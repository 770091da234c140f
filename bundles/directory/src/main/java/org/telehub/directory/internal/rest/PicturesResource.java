package org.telehub.directory.internal.rest;

import java.io.InputStream;

import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.EntityTag;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Request;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.directory.DirectoryPictures;
import org.telehub.rest.RestApi;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/**
 * Doctors' photos and clinics' logos under {@code /directory}: the image itself as the body of a {@code PUT} (any
 * image type; the upload size limit applies), served as the hub re-encoded it ({@code image/jpeg} or
 * {@code image/png}) with its version as the ETag. The {@code public/...} routes serve the anonymous public where the
 * clinic publishes its profiles; the rules are {@link DirectoryPictures}'.
 */
@Component(service = PicturesResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("directory")
public class PicturesResource {
    private final DirectoryPictures pictures;

    @Activate
    public PicturesResource(@Reference DirectoryPictures pictures) {
        this.pictures = pictures;
    }

    private static AuthenticatedUser user(SecurityContext s) {
        return (AuthenticatedUser) s.getUserPrincipal();
    }

    /** The picture, or 304 when the caller has this version; private (a signed-in read), revalidated after 5 min. */
    private static Response serve(DirectoryPictures.Picture p, Request request, boolean shared) {
        EntityTag tag = new EntityTag(p.version());
        javax.ws.rs.core.CacheControl cache = new javax.ws.rs.core.CacheControl();
        cache.setPrivate(!shared);
        cache.setMaxAge(300);
        Response.ResponseBuilder unchanged = request.evaluatePreconditions(tag);
        if (unchanged != null) {
            return unchanged.cacheControl(cache).build();
        }
        return Response.ok(p.bytes(), p.contentType()).tag(tag).cacheControl(cache)
                .header("X-Content-Type-Options", "nosniff").build();
    }

    public record Version(String version) {
    }

    @GET
    @Path("doctors/{id}/photo")
    @Produces({"image/jpeg", MediaType.APPLICATION_JSON})
    public Response photo(@PathParam("id") String id, @Context Request request, @Context SecurityContext s) {
        return serve(pictures.photo(user(s), id), request, false);
    }

    @GET
    @Path("public/doctors/{id}/photo")
    @Produces({"image/jpeg", MediaType.APPLICATION_JSON})
    @PermitAll
    public Response publicPhoto(@PathParam("id") String id, @Context Request request) {
        return serve(pictures.photo(null, id), request, true);
    }

    @PUT
    @Path("doctors/{id}/photo")
    @Consumes({"image/*", MediaType.APPLICATION_OCTET_STREAM})
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.CLINIC_ADMIN, Roles.DOCTOR})
    public Version putPhoto(@PathParam("id") String id, InputStream body, @Context SecurityContext s) {
        return new Version(pictures.putPhoto(user(s), id, body));
    }

    @DELETE
    @Path("doctors/{id}/photo")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.CLINIC_ADMIN, Roles.DOCTOR})
    public Response deletePhoto(@PathParam("id") String id, @Context SecurityContext s) {
        pictures.deletePhoto(user(s), id);
        return Response.noContent().build();
    }

    @GET
    @Path("clinics/{id}/logo")
    @Produces({"image/png", MediaType.APPLICATION_JSON})
    public Response logo(@PathParam("id") String id, @Context Request request, @Context SecurityContext s) {
        return serve(pictures.logo(user(s), id), request, false);
    }

    @GET
    @Path("public/clinics/{id}/logo")
    @Produces({"image/png", MediaType.APPLICATION_JSON})
    @PermitAll
    public Response publicLogo(@PathParam("id") String id, @Context Request request) {
        return serve(pictures.logo(null, id), request, true);
    }

    @PUT
    @Path("clinics/{id}/logo")
    @Consumes({"image/*", MediaType.APPLICATION_OCTET_STREAM})
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.CLINIC_ADMIN})
    public Version putLogo(@PathParam("id") String id, InputStream body, @Context SecurityContext s) {
        return new Version(pictures.putLogo(user(s), id, body));
    }

    @DELETE
    @Path("clinics/{id}/logo")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.CLINIC_ADMIN})
    public Response deleteLogo(@PathParam("id") String id, @Context SecurityContext s) {
        pictures.deleteLogo(user(s), id);
        return Response.noContent().build();
    }

}
