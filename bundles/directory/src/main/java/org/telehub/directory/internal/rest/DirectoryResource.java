package org.telehub.directory.internal.rest;

import java.util.List;

import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.directory.Directory;
import org.telehub.domain.InvalidException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/**
 * {@code /directory}: specialities, clinics, doctors' profiles and their search, reviews, the formulary. The rules
 * are {@link Directory}'s; {@code /directory/public/doctors/{id}} is the one route open to the anonymous public.
 */
@Component(service = DirectoryResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("directory")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class DirectoryResource {
    private final Directory directory;

    @Activate
    public DirectoryResource(@Reference Directory directory) {
        this.directory = directory;
    }

    private static AuthenticatedUser user(SecurityContext s) {
        return (AuthenticatedUser) s.getUserPrincipal();
    }

    /** Open to anyone: the coded list is reference data, named on the public profile page too. */
    @GET
    @Path("specialities")
    @PermitAll
    public List<Directory.Speciality> specialities() {
        return directory.specialities(null);
    }

    @PUT
    @Path("specialities/{code}")
    @RolesAllowed(Roles.ADMIN)
    public Directory.Speciality putSpeciality(@PathParam("code") String code, Directory.Speciality body,
            @Context SecurityContext s) {
        if (body != null && body.code() != null && !body.code().equals(code)) {
            throw new InvalidException("code", "Differs from the path's code");
        }
        return directory.putSpeciality(user(s), body == null ? null
                : new Directory.Speciality(code, body.nameEn(), body.nameFa(), body.nameRu()));
    }

    @GET
    @Path("clinics")
    public List<Directory.Clinic> clinics(@Context SecurityContext s) {
        return directory.clinics(user(s));
    }

    @POST
    @Path("clinics")
    @RolesAllowed(Roles.ADMIN)
    public Response createClinic(Directory.ClinicInput body, @Context SecurityContext s, @Context UriInfo uri) {
        Directory.Clinic c = directory.createClinic(user(s), body);
        return Response.created(uri.getAbsolutePathBuilder().path(c.id()).build()).entity(c).build();
    }

    @GET
    @Path("clinics/{id}")
    public Directory.Clinic clinic(@PathParam("id") String id, @Context SecurityContext s) {
        return directory.clinic(user(s), id);
    }

    @PUT
    @Path("clinics/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.CLINIC_ADMIN})
    public Directory.Clinic updateClinic(@PathParam("id") String id, Directory.ClinicInput body,
            @Context SecurityContext s) {
        return directory.updateClinic(user(s), id, body);
    }

    /** The doctors matching every filter given; {@code more}: a next page exists. */
    @GET
    @Path("doctors")
    public Directory.SearchPage search(@QueryParam("q") String q, @QueryParam("speciality") String speciality,
            @QueryParam("clinicId") String clinicId, @QueryParam("language") String language,
            @QueryParam("minRating") Integer minRating, @QueryParam("visitType") String visitType,
            @QueryParam("planId") String planId, @QueryParam("freeBefore") String freeBefore,
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("limit") @DefaultValue("20") int limit,
            @Context SecurityContext s) {
        java.time.Instant before = null;
        if (freeBefore != null && !freeBefore.isBlank()) {
            try {
                before = java.time.OffsetDateTime.parse(freeBefore.strip()).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                throw new InvalidException("freeBefore", "An ISO-8601 date-time with offset, e.g."
                        + " 2026-12-05T18:00:00+03:30");
            }
        }
        return directory.search(user(s), new Directory.Search(q, speciality, clinicId, language, minRating,
                visitType, planId, before, offset, limit));
    }

    /** The caller's own profile, for a doctor (the doctor record their account acts as). */
    @GET
    @Path("doctors/me")
    @RolesAllowed(Roles.DOCTOR)
    public Directory.Profile ownProfile(@Context SecurityContext s) {
        return directory.ownProfile(user(s));
    }

    @GET
    @Path("doctors/{id}")
    public Directory.Profile profile(@PathParam("id") String id, @Context SecurityContext s) {
        return directory.profile(user(s), id);
    }

    /** A doctor's profile for the anonymous public, where one of the doctor's clinics publishes its profiles. */
    @GET
    @Path("public/doctors/{id}")
    @PermitAll
    public Directory.Profile publicProfile(@PathParam("id") String id) {
        return directory.profile(null, id);
    }

    @PUT
    @Path("doctors/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.CLINIC_ADMIN, Roles.DOCTOR})
    public Directory.Profile updateProfile(@PathParam("id") String id, Directory.ProfileInput body,
            @Context SecurityContext s) {
        return directory.updateProfile(user(s), id, body);
    }

    @GET
    @Path("doctors/{id}/reviews")
    public List<Directory.Review> reviews(@PathParam("id") String id,
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("limit") @DefaultValue("20") int limit,
            @Context SecurityContext s) {
        return directory.reviews(user(s), id, offset, limit);
    }

    @POST
    @Path("doctors/{id}/reviews")
    @RolesAllowed(Roles.PATIENT)
    public Response review(@PathParam("id") String id, Directory.ReviewInput body, @Context SecurityContext s) {
        return Response.status(Response.Status.CREATED).entity(directory.review(user(s), id, body)).build();
    }

    @PUT
    @Path("reviews/{id}/moderation")
    @RolesAllowed(Roles.ADMIN)
    public Directory.Review moderate(@PathParam("id") String id, Directory.Moderation body,
            @Context SecurityContext s) {
        return directory.moderate(user(s), id, body);
    }

    /** The calling patient follows the doctor, to be told of free slots that open up. */
    @PUT
    @Path("doctors/{id}/follow")
    @RolesAllowed(Roles.PATIENT)
    public Response follow(@PathParam("id") String id, @Context SecurityContext s) {
        directory.follow(user(s), id);
        return Response.noContent().build();
    }

    @javax.ws.rs.DELETE
    @Path("doctors/{id}/follow")
    @RolesAllowed(Roles.PATIENT)
    public Response unfollow(@PathParam("id") String id, @Context SecurityContext s) {
        directory.unfollow(user(s), id);
        return Response.noContent().build();
    }

    @GET
    @Path("follows")
    @RolesAllowed(Roles.PATIENT)
    public List<Directory.Profile> follows(@Context SecurityContext s) {
        return directory.follows(user(s));
    }

    @GET
    @Path("medicines")
    public List<Directory.Medicine> medicines(@QueryParam("q") String q,
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("limit") @DefaultValue("20") int limit,
            @Context SecurityContext s) {
        return directory.medicines(user(s), q, offset, limit);
    }

    /** {@code csv}: the file's text; {@code allOrNone}: one bad row imports nothing (the default). */
    public record Import(String csv, Boolean allOrNone) {
    }

    @POST
    @Path("medicines/import")
    @RolesAllowed(Roles.ADMIN)
    public Directory.ImportResult importMedicines(Import body, @Context SecurityContext s) {
        if (body == null) {
            throw new InvalidException("csv", "Required: {csv, allOrNone}");
        }
        return directory.importMedicines(user(s), body.csv(), body.allOrNone() == null || body.allOrNone());
    }
}
