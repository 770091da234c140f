package org.telehub.integration.manager.internal;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.QueryParam;
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
import org.telehub.integration.api.Adapter;
import org.telehub.rest.ProblemException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/**
 * {@code /api/v1/integration}: adapters' status and connection (administrators), patient data across systems
 * (clinicians, for patients in their care; every read audited), and the patient identifier cross-reference.
 */
@Component(service = IntegrationResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("integration")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class IntegrationResource {
    private static final Pattern PATIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern IDENTIFIER = Pattern.compile("[\\p{Graph} ]{1,200}");

    private final IntegrationService integration;
    private final DeliveryService deliveries;

    @Activate
    public IntegrationResource(@Reference IntegrationService integration, @Reference DeliveryService deliveries) {
        this.integration = integration;
        this.deliveries = deliveries;
    }

    @GET
    @Path("status")
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.NURSE})
    public List<IntegrationService.AdapterStatus> status() {
        return integration.status();
    }

    @POST
    @Path("connect-all")
    @RolesAllowed(Roles.ADMIN)
    public List<IntegrationService.ConnectResult> connectAll() {
        return integration.all(true);
    }

    @POST
    @Path("disconnect-all")
    @RolesAllowed(Roles.ADMIN)
    public List<IntegrationService.ConnectResult> disconnectAll() {
        return integration.all(false);
    }

    @POST
    @Path("{adapterId}/connect")
    @RolesAllowed(Roles.ADMIN)
    public IntegrationService.ConnectResult connect(@PathParam("adapterId") String adapterId) {
        return integration.connection(adapter(adapterId), true);
    }

    @POST
    @Path("{adapterId}/disconnect")
    @RolesAllowed(Roles.ADMIN)
    public IntegrationService.ConnectResult disconnect(@PathParam("adapterId") String adapterId) {
        return integration.connection(adapter(adapterId), false);
    }

    @GET
    @Path("patient/{patientId}/all-systems")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public IntegrationService.AllSystems allSystems(@PathParam("patientId") String patientId,
            @Context SecurityContext security) {
        checkPatientId(patientId);
        return integration.allSystems(user(security), patientId).orElseThrow(() -> ProblemException.notFound(
                "Patient " + patientId + " has no identifier in any connected system; map one with PUT "
                        + RestApi.BASE + "/integration/patient/" + patientId + "/identifiers/{adapterId}"));
    }

    /** One system's part of the all-systems read, on its own (the patient panel reads each system in parallel). */
    @GET
    @Path("patient/{patientId}/systems/{adapterId}")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public IntegrationService.SystemAnswer oneSystem(@PathParam("patientId") String patientId,
            @PathParam("adapterId") String adapterId, @Context SecurityContext security) {
        checkPatientId(patientId);
        return integration.oneSystem(user(security), patientId, adapterId).orElseThrow(() -> ProblemException
                .notFound("No system " + adapterId + " is installed and patient " + patientId + " has no identifier"
                        + " in it"));
    }

    @GET
    @Path("patient/{patientId}/identifiers")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public Map<String, String> identifiers(@PathParam("patientId") String patientId,
            @Context SecurityContext security) {
        checkPatientId(patientId);
        return integration.identifiers(user(security), patientId);
    }

    /** Body naming the adapter (connect of the per-system resources). */
    public record AdapterRef(String adapterId) {
    }

    /** Body of {@code PUT .../identifiers/{adapterId}}. */
    public record IdentifierBody(String identifier) {
    }

    @PUT
    @Path("patient/{patientId}/identifiers/{adapterId}")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public Response putIdentifier(@PathParam("patientId") String patientId, @PathParam("adapterId") String adapterId,
            IdentifierBody body, @Context SecurityContext security) {
        checkPatientId(patientId);
        if (integration.adapter(adapterId).isEmpty()) {
            throw ProblemException.unprocessable("adapterId", "No adapter '" + adapterId + "' is installed");
        }
        if (body.identifier() == null || !IDENTIFIER.matcher(body.identifier()).matches()) {
            throw ProblemException.invalid("identifier", "Required: 1 to 200 printable characters");
        }
        boolean created = integration.putIdentifier(patientId, adapterId, body.identifier(), user(security));
        return Response.status(created ? 201 : 200).entity(integration.identifiers(user(security), patientId))
                .build();
    }

    @DELETE
    @Path("patient/{patientId}/identifiers/{adapterId}")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public void deleteIdentifier(@PathParam("patientId") String patientId, @PathParam("adapterId") String adapterId,
            @Context SecurityContext security) {
        checkPatientId(patientId);
        if (!integration.removeIdentifier(patientId, adapterId, user(security))) {
            throw ProblemException.notFound("Patient " + patientId + " has no identifier for " + adapterId);
        }
    }

    /** One delivery per target system, each durable; 202 because none is delivered yet. */
    @POST
    @Path("patient/{patientId}/send-results")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public Response sendResults(@PathParam("patientId") String patientId, DeliveryService.SendResults body,
            @Context SecurityContext security) {
        checkPatientId(patientId);
        List<DeliveryService.DeliveryView> created = deliveries.send(user(security), patientId, body);
        return Response.accepted(Map.of("resultId", created.get(0).resultId(), "deliveries", created)).build();
    }

    @GET
    @Path("deliveries/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.NURSE})
    public DeliveryService.DeliveryView delivery(@PathParam("id") String id, @Context SecurityContext security) {
        return deliveries.get(user(security), id);
    }

    @GET
    @Path("deliveries")
    @RolesAllowed({Roles.ADMIN, Roles.DOCTOR, Roles.NURSE})
    public List<DeliveryService.DeliveryView> deliveries(@QueryParam("state") String state,
            @QueryParam("adapterId") String adapterId, @QueryParam("patientId") String patientId,
            @QueryParam("limit") @DefaultValue("100") int limit, @Context SecurityContext security) {
        return deliveries.list(user(security), state, adapterId, patientId, limit);
    }

    @POST
    @Path("deliveries/{id}/replay")
    @RolesAllowed(Roles.ADMIN)
    public DeliveryService.DeliveryView replay(@PathParam("id") String id) {
        boolean replayed = deliveries.replay(id).orElseThrow(() -> ProblemException.notFound("No delivery " + id));
        if (!replayed) {
            throw ProblemException.conflict("Delivery " + id + " is " + deliveries.get(id).map(
                    d -> d.state().value()).orElse("gone") + "; only dead deliveries replay");
        }
        return deliveries.get(id).orElseThrow();
    }

    private Adapter adapter(String id) {
        return integration.adapter(id).orElseThrow(() -> ProblemException.notFound("No adapter '" + id
                + "' is installed; GET " + RestApi.BASE + "/integration/status lists them"));
    }

    /** A hub patient id as the API takes it (a path or query parameter, a body field): 400 naming patientId. */
    public static void checkPatientId(String patientId) {
        if (patientId == null || !PATIENT_ID.matcher(patientId).matches()) {
            throw ProblemException.invalid("patientId", "1 to 100 characters: letters, digits, . _ -");
        }
    }

    /** The caller, as the security bundle's authentication filter put them in the request. */
    public static AuthenticatedUser user(SecurityContext security) {
        return (AuthenticatedUser) security.getUserPrincipal();
    }
}
