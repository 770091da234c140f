package org.telehub.directory.internal.rest;

import java.util.List;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.directory.Insurance;
import org.telehub.domain.InvalidException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/**
 * Insurance under {@code /directory}: insurers and plans, a patient's coverage, the plans doctors and clinics accept.
 * The rules are {@link Insurance}'s.
 */
@Component(service = InsuranceResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("directory")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class InsuranceResource {
    private final Insurance insurance;

    @Activate
    public InsuranceResource(@Reference Insurance insurance) {
        this.insurance = insurance;
    }

    private static AuthenticatedUser user(SecurityContext s) {
        return (AuthenticatedUser) s.getUserPrincipal();
    }

    public record Named(String name) {
    }

    public record PlanIds(List<String> planIds) {
    }

    private static List<String> planIds(PlanIds body) {
        if (body == null || body.planIds() == null) {
            throw new InvalidException("planIds", "Required: a list of plan ids (empty for none)");
        }
        return body.planIds();
    }

    @GET
    @Path("insurers")
    public List<Insurance.Insurer> insurers(@Context SecurityContext s) {
        return insurance.insurers(user(s));
    }

    @POST
    @Path("insurers")
    @RolesAllowed(Roles.ADMIN)
    public Response createInsurer(Named body, @Context SecurityContext s) {
        return Response.status(Response.Status.CREATED).entity(insurance.createInsurer(user(s),
                body == null ? null : body.name())).build();
    }

    @POST
    @Path("insurers/{id}/plans")
    @RolesAllowed(Roles.ADMIN)
    public Response addPlan(@PathParam("id") String id, Named body, @Context SecurityContext s) {
        return Response.status(Response.Status.CREATED).entity(insurance.addPlan(user(s), id,
                body == null ? null : body.name())).build();
    }

    /** The calling patient's own coverage. */
    @GET
    @Path("coverage")
    @RolesAllowed(Roles.PATIENT)
    public List<Insurance.Coverage> ownCoverage(@Context SecurityContext s) {
        return insurance.coverage(user(s), null);
    }

    @POST
    @Path("coverage")
    @RolesAllowed(Roles.PATIENT)
    public Response addOwnCoverage(Insurance.CoverageInput body, @Context SecurityContext s) {
        return Response.status(Response.Status.CREATED).entity(insurance.addCoverage(user(s), null, body)).build();
    }

    @GET
    @Path("patients/{id}/coverage")
    @RolesAllowed({Roles.ADMIN, Roles.PATIENT})
    public List<Insurance.Coverage> coverage(@PathParam("id") String id, @Context SecurityContext s) {
        return insurance.coverage(user(s), id);
    }

    @POST
    @Path("patients/{id}/coverage")
    @RolesAllowed({Roles.ADMIN, Roles.PATIENT})
    public Response addCoverage(@PathParam("id") String id, Insurance.CoverageInput body,
            @Context SecurityContext s) {
        return Response.status(Response.Status.CREATED).entity(insurance.addCoverage(user(s), id, body)).build();
    }

    @DELETE
    @Path("coverage/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.PATIENT})
    public Response removeCoverage(@PathParam("id") String id, @Context SecurityContext s) {
        insurance.removeCoverage(user(s), id);
        return Response.noContent().build();
    }

    @GET
    @Path("doctors/{id}/plans")
    public List<Insurance.PlanRef> doctorPlans(@PathParam("id") String id, @Context SecurityContext s) {
        return insurance.doctorPlans(user(s), id);
    }

    @PUT
    @Path("doctors/{id}/plans")
    @RolesAllowed({Roles.ADMIN, Roles.CLINIC_ADMIN, Roles.DOCTOR})
    public List<Insurance.PlanRef> setDoctorPlans(@PathParam("id") String id, PlanIds body,
            @Context SecurityContext s) {
        return insurance.setDoctorPlans(user(s), id, planIds(body));
    }

    @GET
    @Path("clinics/{id}/plans")
    public List<Insurance.PlanRef> clinicPlans(@PathParam("id") String id, @Context SecurityContext s) {
        return insurance.clinicPlans(user(s), id);
    }

    @PUT
    @Path("clinics/{id}/plans")
    @RolesAllowed({Roles.ADMIN, Roles.CLINIC_ADMIN})
    public List<Insurance.PlanRef> setClinicPlans(@PathParam("id") String id, PlanIds body,
            @Context SecurityContext s) {
        return insurance.setClinicPlans(user(s), id, planIds(body));
    }
}
