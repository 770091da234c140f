package org.telehub.reporting.internal.rest;

import java.util.List;

import javax.ws.rs.Consumes;
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
import org.telehub.domain.InvalidException;
import org.telehub.reporting.Reports;
import org.telehub.rest.RestApi;
import org.telehub.security.AuthenticatedUser;

/**
 * {@code /encounters/{encounterId}/report}: a visit's report — read it, start the draft, save it (the whole content
 * with the revision it was edited from), its saved revisions, approve, sign (with a current second-factor code),
 * share with the patient, add a signed addendum, and the PDF preview of the draft. Thin over {@link Reports}, which
 * decides who may.
 */
@Component(service = ReportResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("encounters/{encounterId}/report")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ReportResource {
    private final Reports reports;

    @Activate
    public ReportResource(@Reference Reports reports) {
        this.reports = reports;
    }

    /** A save: the content as a whole and the revision the editor started from. */
    public record Update(Integer revision, Reports.Content content) {
    }

    public record Approval(Integer revision) {
    }

    /** {@code code}: a current code of the doctor's authenticator app. */
    public record Signing(String code) {
    }

    public record NewAddendum(String text, String code) {
    }

    static AuthenticatedUser user(SecurityContext s) {
        return (AuthenticatedUser) s.getUserPrincipal();
    }

    private static int revision(Integer r) {
        if (r == null) {
            throw new InvalidException("revision", "Required: the revision the change was made from");
        }
        return r;
    }

    @GET
    public Reports.Report get(@PathParam("encounterId") String id, @Context SecurityContext s) {
        return reports.get(user(s), id);
    }

    /** 201 with the new draft, or 200 with the report the visit has already. */
    @POST
    public Response draft(@PathParam("encounterId") String id, @Context SecurityContext s) {
        Reports.Drafted d = reports.draft(user(s), id);
        return Response.status(d.created() ? Response.Status.CREATED : Response.Status.OK).entity(d.report()).build();
    }

    @PUT
    public Reports.Report update(@PathParam("encounterId") String id, Update body, @Context SecurityContext s) {
        if (body == null) {
            throw new InvalidException("body", "Required: {\"revision\": n, \"content\": {...}}");
        }
        return reports.update(user(s), id, body.content(), revision(body.revision()));
    }

    @GET
    @Path("revisions")
    public List<Reports.RevisionInfo> revisions(@PathParam("encounterId") String id, @Context SecurityContext s) {
        return reports.revisions(user(s), id);
    }

    @GET
    @Path("revisions/{revision}")
    public Reports.Content revision(@PathParam("encounterId") String id, @PathParam("revision") int revision,
            @Context SecurityContext s) {
        return reports.revision(user(s), id, revision);
    }

    @POST
    @Path("approve")
    public Reports.Report approve(@PathParam("encounterId") String id, Approval body, @Context SecurityContext s) {
        return reports.approve(user(s), id, revision(body == null ? null : body.revision()));
    }

    @POST
    @Path("sign")
    public Reports.Report sign(@PathParam("encounterId") String id, Signing body, @Context SecurityContext s) {
        return reports.sign(user(s), id, body == null ? null : body.code());
    }

    @POST
    @Path("share")
    public Reports.Report share(@PathParam("encounterId") String id, @Context SecurityContext s) {
        return reports.share(user(s), id);
    }

    @POST
    @Path("addenda")
    public Response addendum(@PathParam("encounterId") String id, NewAddendum body, @Context SecurityContext s) {
        if (body == null) {
            throw new InvalidException("body", "Required: {\"text\": \"...\", \"code\": \"123456\"}");
        }
        return Response.status(Response.Status.CREATED).entity(reports.addendum(user(s), id, body.text(),
                body.code())).build();
    }

    /** The draft as it would be printed, marked as a draft; inline, never cached. */
    @GET
    @Path("preview")
    @Produces("application/pdf")
    public Response preview(@PathParam("encounterId") String id, @Context SecurityContext s) {
        return ReportFilesResource.pdf(reports.preview(user(s), id), "report-preview.pdf");
    }
}
