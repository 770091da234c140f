package org.telehub.integration.manager.internal.imaging;

import static org.telehub.integration.manager.internal.IntegrationResource.checkPatientId;
import static org.telehub.integration.manager.internal.IntegrationResource.user;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
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
import org.telehub.domain.UnprocessableException;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.ProcedureSystem;
import org.telehub.integration.manager.internal.AdapterRegistry;
import org.telehub.integration.manager.internal.DeliveryService;
import org.telehub.integration.manager.internal.IntegrationResource;
import org.telehub.integration.manager.internal.IntegrationService;
import org.telehub.integration.manager.internal.RemoteCalls;
import org.telehub.integration.manager.internal.ResultPayload;
import org.telehub.rest.ProblemException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuditLog;
import org.telehub.security.Roles;

/**
 * {@code /api/v1/integration/endoscopy}: an endoscopy (procedure) system's connection check (administrators); an
 * analysis result sent back to it (clinicians, for patients in their care) — a durable delivery like any result
 * ({@code send-results}), which the system's adapter files as a structured report in the procedure's study — and
 * the analyses sent for a patient, shown beside their procedures.
 */
@Component(service = EndoscopyResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("integration/endoscopy")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EndoscopyResource {
    private static final Pattern ADAPTER_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final IntegrationService integration;
    private final DeliveryService deliveries;
    private final RemoteCalls calls;

    @Activate
    public EndoscopyResource(@Reference IntegrationService integration, @Reference DeliveryService deliveries,
            @Reference AdapterRegistry registry, @Reference AuditLog audit) {
        this.integration = integration;
        this.deliveries = deliveries;
        this.calls = new RemoteCalls(registry, audit, "endoscopy system");
    }

    /** C-ECHO to the system's worklist: whether the hub reaches it. */
    @POST
    @Path("connect")
    @RolesAllowed(Roles.ADMIN)
    public IntegrationService.ConnectResult connect(IntegrationResource.AdapterRef body) {
        ProcedureSystem system = calls.adapter(body == null ? null : body.adapterId(), ProcedureSystem.class,
                "an endoscopy system");
        return integration.connection((Adapter) system, true);
    }

    /**
     * What {@code send-analysis} takes: the hub's patient, the system (null: every system of the patient's that takes
     * analyses), a request key that makes a repeat return the first request's deliveries, and the analysis.
     */
    public record SendAnalysis(String requestKey, String patientId, String adapterId,
            ResultPayload.Analysis analysis) {
    }

    /** The analysis results sent to the patient's endoscopy systems and where each delivery stands, newest first. */
    @GET
    @Path("analyses")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public List<DeliveryService.AnalysisView> analyses(@QueryParam("patientId") String patientId,
            @QueryParam("adapterId") String adapterId, @Context SecurityContext security) {
        checkPatientId(patientId);
        if (adapterId != null && !ADAPTER_ID.matcher(adapterId).matches()) {
            throw ProblemException.invalid("adapterId", "1 to 100 characters: letters, digits, . _ -");
        }
        return deliveries.analyses(user(security), patientId, adapterId);
    }

    /** One durable delivery per system; 202 because none is delivered yet. */
    @POST
    @Path("send-analysis")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public Response sendAnalysis(SendAnalysis body, @Context SecurityContext security) {
        if (body == null) {
            throw ProblemException.invalid("body", "Required: {patientId, adapterId, analysis}");
        }
        checkPatientId(body.patientId());
        if (body.analysis() == null) {
            throw ProblemException.invalid("analysis", "Required: the procedure, a summary and what was found");
        }
        List<DeliveryService.DeliveryView> created;
        try {
            created = deliveries.send(user(security), body.patientId(), body.requestKey(),
                    body.adapterId() == null ? null : List.of(body.adapterId()),
                    new ResultPayload(null, null, body.analysis()), false);
        } catch (UnprocessableException e) {
            // the one system named is this request's adapterId, not send-results' targets[0]
            throw "targets[0]".equals(e.field()) ? new UnprocessableException("adapterId", e.detail()) : e;
        }
        return Response.accepted(Map.of("resultId", created.get(0).resultId(), "deliveries", created)).build();
    }
}
