package org.telehub.core.encounter.internal.rest;

import java.util.List;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
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
import javax.ws.rs.core.StreamingOutput;
import javax.ws.rs.core.UriInfo;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.core.encounter.CareService;
import org.telehub.core.encounter.PeopleService;
import org.telehub.core.encounter.internal.export.PatientExport;
import org.telehub.domain.InvalidException;
import org.telehub.domain.NotFoundException;
import org.telehub.rest.RestApi;
import org.telehub.security.Roles;

/**
 * {@code /patients}: the people visits are for (clinicians see those in their care, a patient their own record),
 * their care teams, break-glass and the export of everything about one.
 */
@Component(service = PatientResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("patients")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class PatientResource {
    private final PeopleService people;
    private final CareService care;
    private final PatientExport exports;

    @Activate
    public PatientResource(@Reference PeopleService people, @Reference CareService care,
            @Reference PatientExport exports) {
        this.people = people;
        this.care = care;
        this.exports = exports;
    }

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.NURSE, Roles.FRONT_DESK})
    public Response createPatient(PeopleService.NewPatient body, @Context SecurityContext s, @Context UriInfo uri) {
        Views.PatientView p = Views.view(people.createPatient(Views.user(s), body));
        return Response.created(uri.getAbsolutePathBuilder().path(p.id()).build()).entity(p).build();
    }

    /** With {@code displayName} and {@code birthDate}: those exact patients; without: a clinician's own page. */
    @GET
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.NURSE, Roles.FRONT_DESK, Roles.EXPORT})
    public List<Views.PatientView> patients(@QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") @DefaultValue("100") int limit, @QueryParam("displayName") String displayName,
            @QueryParam("birthDate") String birthDate, @Context SecurityContext s) {
        if (displayName != null || birthDate != null) {
            return people.findPatients(Views.user(s), displayName, birthDate).stream().map(Views::view).toList();
        }
        return people.patients(Views.user(s), offset, limit).stream().map(Views::view).toList();
    }

    @GET
    @Path("{id}")
    public Views.PatientView patient(@PathParam("id") String id, @Context SecurityContext s) {
        return Views.view(people.patient(Views.user(s), id));
    }

    @GET
    @Path("{id}/care-team")
    public List<CareService.CareTeamMember> careTeam(@PathParam("id") String id, @Context SecurityContext s) {
        return care.careTeam(Views.user(s), id);
    }

    @PUT
    @Path("{id}/care-team/{username}")
    @RolesAllowed({Roles.ADMIN, Roles.CLINIC_ADMIN, Roles.DOCTOR})
    public CareService.CareTeamMember addToCareTeam(@PathParam("id") String id,
            @PathParam("username") String username, @Context SecurityContext s) {
        return care.addToCareTeam(Views.user(s), id, username);
    }

    @DELETE
    @Path("{id}/care-team/{username}")
    @RolesAllowed({Roles.ADMIN, Roles.CLINIC_ADMIN, Roles.DOCTOR})
    public Response removeFromCareTeam(@PathParam("id") String id, @PathParam("username") String username,
            @Context SecurityContext s) {
        if (!care.removeFromCareTeam(Views.user(s), id, username)) {
            throw new NotFoundException("'" + username + "' is not on the care team of patient " + id);
        }
        return Response.noContent().build();
    }

    /**
     * Everything about one patient as a zip (FHIR R4 Bundle {@code bundle.json} + {@code files/}); with
     * {@code anonymised=true} the research export ({@code freeText=true} adds free text, scrubbed). The service
     * checks the role again and audits. The flags are parsed strictly: "yes" must not fall back to the full export.
     */
    @POST
    @Path("{id}/export")
    @Produces({"application/zip", "application/problem+json"})
    @RolesAllowed({Roles.ADMIN, Roles.EXPORT})
    public Response export(@PathParam("id") String id, @QueryParam("anonymised") String anonymised,
            @QueryParam("freeText") String freeText, @Context SecurityContext s) {
        PatientExport.Export export = exports.open(Views.user(s), id, flag("anonymised", anonymised),
                flag("freeText", freeText));
        return Response.ok((StreamingOutput) export::writeTo, "application/zip")
                .header("Content-Disposition", "attachment; filename=\"" + export.fileName() + "\"").build();
    }

    private static boolean flag(String name, String value) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw new InvalidException(name, "true or false");
    }

    /** Body of break-glass. */
    public record BreakGlassRequest(String reason, String totp) {
    }

    /** A clinician opens a patient outside their care relationships, for a while, with a reason; audited. */
    @POST
    @Path("{id}/break-glass")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public Response breakGlass(@PathParam("id") String id, BreakGlassRequest body, @Context SecurityContext s) {
        return Response.status(201).entity(care.breakGlass(Views.user(s), id, body == null ? null : body.reason(),
                body == null ? null : body.totp())).build();
    }
}
