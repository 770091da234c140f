package org.telehub.reporting.internal.rest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
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
import org.telehub.reporting.internal.Signing;
import org.telehub.rest.RestApi;
import org.telehub.security.Roles;

/**
 * {@code /reports}: the caller's reports (a patient's shared ones, a doctor's own), a signed report's PDF and its
 * addenda's, and signing: the clinic CA's certificates (public: whoever verifies a signature needs them) and a
 * doctor's own signing certificate (see it, or import one from a CA of their choosing as PKCS#12).
 */
@Component(service = ReportFilesResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("reports")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ReportFilesResource {
    private final Reports reports;
    private final Signing signing;

    @Activate
    public ReportFilesResource(@Reference Reports reports, @Reference Signing signing) {
        this.reports = reports;
        this.signing = signing;
    }

    /** A PKCS#12 file (base64) and its password. */
    public record Import(String pkcs12, String password) {
    }

    @GET
    public List<Reports.Summary> list(@QueryParam("status") String status,
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("limit") @DefaultValue("20") int limit,
            @Context SecurityContext s) {
        return reports.list(ReportResource.user(s), status, offset, limit);
    }

    @GET
    @Path("{reportId}/pdf")
    @Produces("application/pdf")
    public Response pdf(@PathParam("reportId") String id, @Context SecurityContext s) {
        Reports.Pdf p = reports.pdf(ReportResource.user(s), id, null);
        return pdf(p.content(), p.fileName());
    }

    @GET
    @Path("{reportId}/addenda/{addendumId}/pdf")
    @Produces("application/pdf")
    public Response addendumPdf(@PathParam("reportId") String id, @PathParam("addendumId") String addendumId,
            @Context SecurityContext s) {
        Reports.Pdf p = reports.pdf(ReportResource.user(s), id, addendumId);
        return pdf(p.content(), p.fileName());
    }

    @GET
    @Path("signing/ca.pem")
    @Produces("application/x-pem-file")
    @PermitAll
    public Response authority() {
        return Response.ok(signing.authorityPem().getBytes(StandardCharsets.US_ASCII))
                .header("Content-Disposition", "attachment; filename=\"telehub-clinic-ca.pem\"").build();
    }

    @GET
    @Path("signing/certificate")
    @RolesAllowed(Roles.DOCTOR)
    public Signing.Certificate certificate(@Context SecurityContext s) {
        return signing.certificate(ReportResource.user(s));
    }

    @PUT
    @Path("signing/certificate")
    @RolesAllowed(Roles.DOCTOR)
    public Signing.Certificate importCertificate(Import body, @Context SecurityContext s) {
        if (body == null || body.pkcs12() == null || body.pkcs12().isBlank()) {
            throw new InvalidException("pkcs12", "Required: the PKCS#12 file (.p12, .pfx), base64");
        }
        byte[] file;
        try {
            file = Base64.getMimeDecoder().decode(body.pkcs12().strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidException("pkcs12", "Not base64");
        }
        return signing.importCertificate(ReportResource.user(s), file, body.password() == null ? new char[0]
                : body.password().toCharArray());
    }

    /** A PDF inline, never cached, never sniffed. */
    static Response pdf(byte[] content, String fileName) {
        return Response.ok(content, "application/pdf").header(HttpHeaders.CONTENT_LENGTH, content.length)
                .header("Content-Disposition", "inline; filename=\"" + fileName + "\"")
                .header(HttpHeaders.CACHE_CONTROL, "private, no-store").header("X-Content-Type-Options", "nosniff")
                .build();
    }
}
