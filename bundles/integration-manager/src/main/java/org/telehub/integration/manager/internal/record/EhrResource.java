package org.telehub.integration.manager.internal.record;

import static org.telehub.integration.manager.internal.RemoteCalls.blank;
import static org.telehub.integration.manager.internal.RemoteCalls.date;
import static org.telehub.integration.manager.internal.IntegrationResource.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
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
import org.telehub.integration.api.Adapter;
import org.telehub.integration.manager.internal.AdapterRegistry;
import org.telehub.integration.manager.internal.IntegrationResource;
import org.telehub.integration.manager.internal.IntegrationService;
import org.telehub.integration.manager.internal.PatientGate;
import org.telehub.integration.manager.internal.RemoteCalls;
import org.telehub.integration.manager.internal.ResultPayload;
import org.telehub.integration.manager.internal.SystemCalls;
import org.telehub.integration.api.ClinicalRecordSearch;
import org.telehub.integration.api.ClinicalDocument;
import org.telehub.integration.api.ClinicalRecordSystem;
import org.telehub.integration.api.DocumentContent;
import org.telehub.integration.api.DocumentSource;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.Demographics;
import org.telehub.integration.api.ObservationQuery;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.api.PatientQuery;
import org.telehub.integration.api.ReportDocument;
import org.telehub.rest.ProblemException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/**
 * {@code /api/v1/integration/ehr}: reads and writes on any installed EHR adapter ({@link ClinicalRecordSystem}),
 * chosen by {@code adapterId}, through the Integration Manager's call path. Patient ids here are the EHR's own.
 * Every access to a patient's record is audited, failed attempts included. Writes are validated before anything
 * is sent; a {@code requestKey} makes a client's retry find the record its first attempt created.
 */
@Component(service = EhrResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("integration/ehr")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EhrResource {

    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final int MAX_PDF = 20 * 1024 * 1024;
    /** A document number as systems write them (HL7 TXA-12 is an EI: up to 199 characters with its parts). */
    private static final Pattern DOCUMENT_ID = Pattern.compile("[^\\p{Cntrl}/]{1,200}");
    /** The content types a document is served as; any other as application/octet-stream. */
    private static final java.util.Set<String> KEPT_TYPES = java.util.Set.of("application/pdf", "image/jpeg",
            "image/png");

    private final IntegrationService integration;
    private final SystemCalls systemCalls;
    private final AuditLog audit;
    private final RemoteCalls calls;
    private final PatientGate gate;

    @Activate
    public EhrResource(@Reference IntegrationService integration, @Reference SystemCalls systemCalls,
            @Reference AdapterRegistry registry, @Reference AuditLog audit, @Reference PatientGate gate) {
        this.integration = integration;
        this.gate = gate;
        this.audit = audit;
        this.systemCalls = systemCalls;
        this.calls = new RemoteCalls(registry, audit, "EHR");
    }

    @POST
    @Path("connect")
    @RolesAllowed(Roles.ADMIN)
    public IntegrationService.ConnectResult connect(IntegrationResource.AdapterRef body) {
        return integration.connection((Adapter) ehr(body == null ? null : body.adapterId()), true);
    }

    @GET
    @Path("patient/{patientId}")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public Demographics patient(@PathParam("patientId") String patientId, @QueryParam("adapterId") String adapterId,
            @Context SecurityContext security) {
        ClinicalRecordSystem ehr = ehr(adapterId);
        patientId(patientId);
        gate.remote(user(security), adapterId, patientId);
        Demographics d = calls.checked(systemCalls.call((Adapter) ehr, () -> ehr.patient(patientId)), "patient read",
                user(security), "integration.ehr.patient.read", patientId, adapterId, "patient " + patientId);
        audit.record(user(security), "integration.ehr.patient.read", patientId, List.of(adapterId), "ok");
        return d;
    }

    /**
     * A search by identifier, name or birth date: the export role sees every match; a clinician searching by name
     * or birth date only those mapped (identifier cross-reference) to a patient in their care, so a name search
     * finds no stranger. An exact identifier (MRN) is how a clinician finds the record to map a patient to: its
     * match is shown, as front desk finds a patient by exact name and birth date.
     */
    @GET
    @Path("patients")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE, Roles.EXPORT})
    public List<Demographics> searchPatients(@QueryParam("adapterId") String adapterId,
            @QueryParam("identifier") String identifier, @QueryParam("family") String family,
            @QueryParam("given") String given, @QueryParam("birthDate") String birthDate,
            @QueryParam("limit") Integer limit, @Context SecurityContext security) {
        ClinicalRecordSearch ehr = search(adapterId);
        PatientQuery q;
        try {
            q = new PatientQuery(blank(identifier), blank(family), blank(given), date("birthDate", birthDate),
                    limit == null ? 20 : limit);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(e.getMessage().startsWith("limit") ? "limit" : "identifier",
                    e.getMessage());
        }
        List<Demographics> all = calls.checked(systemCalls.call((Adapter) ehr, () -> ehr.searchPatients(q)),
                "patient search", user(security), "integration.ehr.patient.search", null, adapterId, "search");
        List<String> ids = all.stream().map(Demographics::systemPatientId).toList();
        java.util.Map<String, java.util.Set<String>> shown = q.identifier() != null ? gate.every(adapterId, ids)
                : gate.shown(user(security), adapterId, ids);
        List<Demographics> found = all.stream().filter(d -> shown.containsKey(d.systemPatientId())).toList();
        gate.recordDisclosed(user(security), "integration.ehr.patient.search", adapterId, shown);
        return found;
    }

    @GET
    @Path("patient/{patientId}/observations")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public List<ObservationValue> observations(@PathParam("patientId") String patientId,
            @QueryParam("adapterId") String adapterId, @QueryParam("category") String category,
            @QueryParam("code") String code, @QueryParam("codeSystem") String codeSystem,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("limit") Integer limit,
            @Context SecurityContext security) {
        ClinicalRecordSearch ehr = search(adapterId);
        patientId(patientId);
        gate.remote(user(security), adapterId, patientId);
        ObservationQuery q;
        try {
            q = new ObservationQuery(blank(category), blank(code), blank(codeSystem), date("from", from),
                    date("to", to), limit == null ? 100 : limit);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(e.getMessage().startsWith("limit") ? "limit" : "to", e.getMessage());
        }
        List<ObservationValue> found = calls.checked(systemCalls.call((Adapter) ehr,
                () -> ehr.observations(patientId, q)), "observation search", user(security),
                "integration.ehr.observations.read", patientId, adapterId, "observations");
        audit.record(user(security), "integration.ehr.observations.read", patientId, List.of(adapterId),
                found.size() + " observations");
        return found;
    }

    /**
     * The patient's documents in a system (newest first), as the patient read shows them. Audited, failures too.
     */
    @GET
    @Path("patient/{patientId}/documents")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public List<ClinicalDocument> documents(@PathParam("patientId") String patientId,
            @QueryParam("adapterId") String adapterId, @Context SecurityContext security) {
        DocumentSource source = documentSource(adapterId);
        patientId(patientId);
        gate.remote(user(security), adapterId, patientId);
        List<ClinicalDocument> found = calls.checked(systemCalls.call((Adapter) source,
                () -> source.documents(patientId, DocumentCapability.RECENT_DOCUMENTS)), "document list",
                user(security), "integration.ehr.documents.read", patientId, adapterId, "documents");
        audit.record(user(security), "integration.ehr.documents.read", patientId, List.of(adapterId),
                found.size() + " documents");
        return found;
    }

    /**
     * One document's content (a report's PDF) as the system sent it, always as a download: a document is the
     * sender's bytes, not the hub's page, so the answer may not be shown in the hub's origin, run scripts or be
     * sniffed as another type (a PDF, a picture keep their type; anything else is octet-stream). 404 when the
     * patient has no such document or it is text only.
     */
    @GET
    @Path("patient/{patientId}/documents/{documentId}")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    @Produces(MediaType.WILDCARD)
    public Response document(@PathParam("patientId") String patientId, @PathParam("documentId") String documentId,
            @QueryParam("adapterId") String adapterId, @Context SecurityContext security) {
        DocumentSource source = documentSource(adapterId);
        patientId(patientId);
        if (documentId == null || !DOCUMENT_ID.matcher(documentId).matches()) {
            throw ProblemException.invalid("documentId", "the system's document number: at most 200 characters, "
                    + "no control characters");
        }
        gate.remote(user(security), adapterId, patientId);
        java.util.Optional<DocumentContent> content = calls.checked(systemCalls.call((Adapter) source,
                () -> source.content(patientId, documentId)), "document read", user(security),
                "integration.ehr.document.read", patientId, adapterId, "document " + documentId);
        if (content.isEmpty()) {
            audit.record(user(security), "integration.ehr.document.read", patientId, List.of(adapterId),
                    "no document " + documentId);
            throw ProblemException.notFound("No document " + documentId + " of this patient in " + adapterId
                    + " has content");
        }
        audit.record(user(security), "integration.ehr.document.read", patientId, List.of(adapterId),
                "document " + documentId);
        String type = content.get().contentType();
        return Response.ok(content.get().bytes(), KEPT_TYPES.contains(type) ? type : "application/octet-stream")
                .header("Content-Disposition", "attachment; filename=\"document" + extension(type) + "\"")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "sandbox; default-src 'none'; img-src data:; style-src "
                        + "'unsafe-inline'")
                .header("Cache-Control", "no-store").build();
    }

    private static String extension(String type) {
        return switch (type) {
            case "application/pdf" -> ".pdf";
            case "image/jpeg" -> ".jpg";
            case "image/png" -> ".png";
            default -> ".bin";
        };
    }

    /**
     * An observation as clients send it; {@code category} where the EHR lists it (HL7's observation-category codes:
     * vital-signs, laboratory, ...).
     */
    public record ObservationBody(String code, String codeSystem, String display, Double value, String unit,
            String text, Instant effective, String performer, String category) {
    }

    /** Body of create-observation. */
    public record CreateObservation(String adapterId, String patientId, String requestKey,
            ObservationBody observation) {
    }

    @POST
    @Path("create-observation")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public DeliveryReceipt createObservation(CreateObservation body, @Context SecurityContext security) {
        if (body == null) {
            throw ProblemException.invalid("adapterId", "a JSON body with adapterId, patientId and observation");
        }
        ClinicalRecordSystem ehr = ehr(body.adapterId());
        patientId(body.patientId());
        gate.remote(user(security), body.adapterId(), body.patientId());
        ObservationBody o = body.observation();
        if (o == null) {
            throw ProblemException.unprocessable("observation", "the observation is required");
        }
        required(o.code(), "observation.code");
        required(o.codeSystem(), "observation.codeSystem");
        if (o.value() == null && (o.text() == null || o.text().isBlank())) {
            throw ProblemException.unprocessable("observation.value", "a value (or a text) is required");
        }
        if (o.value() != null && (o.value().isNaN() || o.value().isInfinite())) {
            throw ProblemException.unprocessable("observation.value", "not a number");
        }
        if (o.value() != null) {
            required(o.unit(), "observation.unit");
        }
        if (o.effective() != null && o.effective().isAfter(Instant.now().plusSeconds(300))) {
            throw ProblemException.unprocessable("observation.effective", "in the future");
        }
        if (o.category() != null && !ResultPayload.CATEGORY.matcher(o.category()).matches()) {
            throw ProblemException.invalid("observation.category", ResultPayload.CATEGORY_RULE);
        }
        String key = key(body.requestKey(), user(security), body.adapterId(), body.patientId());
        ObservationValue value = new ObservationValue(o.code(), o.codeSystem(), o.display(), o.value(), o.unit(),
                o.text(), o.effective(), o.performer() == null ? user(security).username() : o.performer(),
                o.category());
        DeliveryReceipt r = calls.checked(systemCalls.call((Adapter) ehr,
                () -> ehr.createObservation(body.patientId(), value, key)), "create observation", user(security),
                "integration.ehr.observation.write", body.patientId(), body.adapterId(), "observation " + o.code());
        audit.record(user(security), "integration.ehr.observation.write", body.patientId(),
                List.of(body.adapterId()), (r.duplicate() ? "existing " : "created ") + r.remoteId());
        return r;
    }

    /** A report as clients send it. */
    public record ReportBody(String code, String codeSystem, String title, String conclusion, String contentBase64,
            String contentType, Instant authoredAt, String author) {
    }

    /** Body of create-diagnostic-report. */
    public record CreateReport(String adapterId, String patientId, String requestKey, ReportBody report) {
    }

    @POST
    @Path("create-diagnostic-report")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public DeliveryReceipt createDiagnosticReport(CreateReport body, @Context SecurityContext security) {
        if (body == null) {
            throw ProblemException.invalid("adapterId", "a JSON body with adapterId, patientId and report");
        }
        ClinicalRecordSystem ehr = ehr(body.adapterId());
        patientId(body.patientId());
        gate.remote(user(security), body.adapterId(), body.patientId());
        ReportBody d = body.report();
        if (d == null) {
            throw ProblemException.unprocessable("report", "the report is required");
        }
        required(d.code(), "report.code");
        required(d.title(), "report.title");
        byte[] pdf = null;
        if (d.contentBase64() != null) {
            try {
                pdf = Base64.getDecoder().decode(d.contentBase64());
            } catch (IllegalArgumentException e) {
                throw ProblemException.unprocessable("report.contentBase64", "not Base64");
            }
            if (pdf.length > MAX_PDF) {
                throw ProblemException.unprocessable("report.contentBase64", "larger than " + MAX_PDF + " bytes");
            }
            if (!"application/pdf".equals(d.contentType())) {
                throw ProblemException.unprocessable("report.contentType", "application/pdf is required with content");
            }
            if (pdf.length < 5 || !new String(pdf, 0, 5, StandardCharsets.US_ASCII).equals("%PDF-")) {
                throw ProblemException.unprocessable("report.contentBase64", "not a PDF");
            }
        }
        String key = key(body.requestKey(), user(security), body.adapterId(), body.patientId());
        ReportDocument doc = new ReportDocument(d.code(), d.codeSystem(), d.title(), d.conclusion(), pdf,
                d.contentType(), d.authoredAt(), d.author() == null ? user(security).username() : d.author());
        DeliveryReceipt r = calls.checked(systemCalls.call((Adapter) ehr,
                () -> ehr.createDiagnosticReport(body.patientId(), doc, key)), "create diagnostic report",
                user(security), "integration.ehr.report.write", body.patientId(), body.adapterId(),
                "report " + d.code());
        audit.record(user(security), "integration.ehr.report.write", body.patientId(), List.of(body.adapterId()),
                (r.duplicate() ? "existing " : "created ") + r.remoteId());
        return r;
    }

    // ---- helpers

    private ClinicalRecordSystem ehr(String adapterId) {
        return calls.adapter(adapterId, ClinicalRecordSystem.class, "an EHR");
    }

    private DocumentSource documentSource(String adapterId) {
        return calls.adapter(adapterId, DocumentSource.class, "a system that keeps documents");
    }

    private ClinicalRecordSearch search(String adapterId) {
        return calls.adapter(adapterId, ClinicalRecordSearch.class, "a searchable EHR");
    }

    private static void patientId(String id) {
        if (id == null || !FHIR_ID.matcher(id).matches()) {
            throw ProblemException.invalid("patientId", "the EHR's patient id: letters, digits, '-', '.', at most 64");
        }
    }

    /**
     * The idempotency key the EHR sees. A client's request key is its own retry token: it is bound to the caller,
     * the system and the patient (a SHA-256 of the four), so an equal key from another clinician or for another
     * patient is another record, never a "duplicate" of someone else's.
     */
    static String key(String requestKey, AuthenticatedUser caller, String adapterId, String patientId) {
        if (requestKey == null || requestKey.isBlank()) {
            return UUID.randomUUID().toString();
        }
        if (!KEY.matcher(requestKey).matches()) {
            throw ProblemException.invalid("requestKey", "1-100 letters, digits, '.', '_', ':' or '-'");
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {caller.username(), adapterId, patientId, requestKey}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return "rk-" + HexFormat.of().formatHex(sha.digest(), 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ProblemException.unprocessable(field, "required");
        }
    }



}
