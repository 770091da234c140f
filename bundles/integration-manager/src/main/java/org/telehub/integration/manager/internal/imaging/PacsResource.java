package org.telehub.integration.manager.internal.imaging;

import static org.telehub.integration.manager.internal.RemoteCalls.blank;
import static org.telehub.integration.manager.internal.RemoteCalls.date;
import static org.telehub.integration.manager.internal.IntegrationResource.user;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import javax.ws.rs.core.StreamingOutput;

import org.apache.cxf.jaxrs.ext.multipart.Attachment;
import org.apache.cxf.jaxrs.ext.multipart.MultipartBody;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.files.FileStore;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.manager.internal.AdapterRegistry;
import org.telehub.integration.manager.internal.IntegrationConfig;
import org.telehub.integration.manager.internal.IntegrationResource;
import org.telehub.integration.manager.internal.IntegrationSchema;
import org.telehub.integration.manager.internal.IntegrationService;
import org.telehub.integration.manager.internal.PatientGate;
import org.telehub.integration.manager.internal.RemoteCalls;
import org.telehub.integration.manager.internal.SystemCalls;
import org.telehub.integration.api.DicomArchive;
import org.telehub.integration.api.ImagingSeries;
import org.telehub.integration.api.ImagingStudy;
import org.telehub.integration.api.StoreOutcome;
import org.telehub.integration.api.StudyQuery;
import org.telehub.integration.api.TransferOutcome;
import org.telehub.rest.ProblemException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/**
 * {@code /api/v1/integration/pacs}: DICOM operations on any installed {@link DicomArchive} adapter, chosen by
 * {@code adapterId}. Every call goes through the Integration Manager's one call path (bulkhead, timeout); every
 * read or write of a patient's images is audited.
 */
@Component(service = PacsResource.class, configurationPid = "org.telehub.integration")
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("integration/pacs")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PacsResource {

    private static final Pattern ADAPTER_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern DICOM_ID = Pattern.compile("[^\\\\\\p{Cntrl}]{1,64}");
    private static final Pattern AE = Pattern.compile("[\\x20-\\x5B\\x5D-\\x7E]{1,16}");
    /** DICOM transfers take longer than a record read: 10 minutes for a study. */
    private static final int TRANSFER_TIMEOUT_MILLIS = 600_000;

    private final IntegrationService integration;
    private final SystemCalls systemCalls;
    private final AuditLog audit;
    private final ImagingInstances instances;
    private final RemoteCalls calls;
    private final java.nio.file.Path uploads;
    private final PatientGate gate;
    /** {@code adapterId:AE} and {@code *:AE}: the destinations a move may name. */
    private final java.util.Set<String> moveDestinations;

    @Activate
    public PacsResource(@Reference IntegrationService integration, @Reference SystemCalls systemCalls,
            @Reference AdapterRegistry registry, @Reference AuditLog audit, @Reference IntegrationSchema schema,
            @Reference FileStore files, @Reference PatientGate gate, IntegrationConfig config) throws IOException {
        this.integration = integration;
        // a .cfg file gives one comma-separated string, the web console a list
        this.moveDestinations = java.util.Arrays.stream(String.join(",", config.pacsMoveDestinations()).split(","))
                .map(String::trim)
                .filter(d -> !d.isEmpty()).collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.gate = gate;
        this.audit = audit;
        this.systemCalls = systemCalls;
        this.calls = new RemoteCalls(registry, audit, "PACS");
        this.instances = new ImagingInstances(schema.jdbi(), files);
        this.uploads = Paths.get(System.getProperty("karaf.data", "data"), "telehub", "pacs-transit");
        Files.createDirectories(uploads);
    }

    @POST
    @Path("connect")
    @RolesAllowed(Roles.ADMIN)
    public IntegrationService.ConnectResult connect(IntegrationResource.AdapterRef body) {
        DicomArchive pacs = archive(body == null ? null : body.adapterId());
        return integration.connection((Adapter) pacs, true);
    }

    /** One uploaded file's fate. */
    public record StoreResult(String part, String fileName, String sopInstanceUid, String sopClassUid,
            boolean stored, String detail) {
    }

    /** Answer of store-image. */
    public record StoreAnswer(String adapterId, int stored, int failed, List<StoreResult> results) {
    }

    /**
     * Stores uploaded DICOM Part 10 files in the PACS over one association: {@code multipart/form-data} with an
     * {@code adapterId} field, the {@code patientId} (the PACS's) of a patient in the caller's care, and one or more
     * {@code file} parts; a file of another patient is not sent. 200 when every instance was stored; otherwise 422
     * (or 503 if the PACS is down) with the per-instance results, so nothing fails silently.
     */
    @POST
    @Path("store-image")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public StoreAnswer storeImage(MultipartBody body, @Context SecurityContext security) {
        String adapterId = null;
        String patientId = null;
        List<java.nio.file.Path> files = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            for (Attachment a : body.getAllAttachments()) {
                String field = a.getContentDisposition() == null ? null
                        : a.getContentDisposition().getParameter("name");
                if ("adapterId".equals(field)) {
                    adapterId = a.getObject(String.class).trim();
                } else if ("patientId".equals(field)) {
                    patientId = a.getObject(String.class).trim();
                } else if ("file".equals(field)) {
                    String fileName = a.getContentDisposition().getParameter("filename");
                    java.nio.file.Path f = Files.createTempFile(uploads, "upload-", ".dcm");
                    files.add(f);
                    names.add(fileName == null ? "file[" + names.size() + "]" : fileName);
                    try (InputStream in = a.getDataHandler().getInputStream()) {
                        Files.copy(in, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                    if (!isPart10(f)) {
                        throw new ProblemException(415, "Unsupported Media Type", "part " + (names.size() - 1)
                                + " (" + names.get(names.size() - 1) + ") is not a DICOM Part 10 file (no DICM "
                                + "preamble); nothing was sent to the PACS", "file[" + (names.size() - 1) + "]",
                                null);
                    }
                } else {
                    throw ProblemException.invalid(field == null ? "multipart" : field,
                            "unknown form field; expected adapterId, patientId and file parts");
                }
            }
            if (files.isEmpty()) {
                throw ProblemException.invalid("file", "at least one file part is required");
            }
            if (patientId == null || patientId.isEmpty()) {
                throw ProblemException.invalid("patientId", "the PACS's Patient ID of the images is required: they "
                        + "are filed for a patient in your care, and files of anyone else are not sent");
            }
            check("patientId", patientId, DICOM_ID);
            DicomArchive pacs = archive(adapterId);
            String local = gate.remote(user(security), adapterId, patientId);
            String pid = patientId;
            SystemCalls.Outcome<List<StoreOutcome>> o = systemCalls.call((Adapter) pacs,
                    () -> pacs.store(files, pid), TRANSFER_TIMEOUT_MILLIS);
            List<StoreOutcome> outcomes = calls.checked(o, "store", user(security), "integration.pacs.store", local,
                    adapterId, files.size() + " files");
            List<StoreResult> results = new ArrayList<>();
            int stored = 0;
            for (int i = 0; i < outcomes.size(); i++) {
                StoreOutcome so = outcomes.get(i);
                stored += so.stored() ? 1 : 0;
                results.add(new StoreResult("file[" + i + "]", names.get(i), so.sopInstanceUid(), so.sopClassUid(),
                        so.stored(), so.detail()));
            }
            StoreAnswer answer = new StoreAnswer(adapterId, stored, results.size() - stored, results);
            audit.record(user(security), "integration.pacs.store", local, List.of(adapterId),
                    stored + " stored, " + (results.size() - stored) + " failed");
            if (stored < results.size()) {
                StoreResult first = results.stream().filter(r -> !r.stored()).findFirst().orElseThrow();
                throw new ProblemException(422, "Unprocessable Content", (results.size() - stored) + " of "
                        + results.size() + " instances were not stored; " + first.part() + " (" + first.fileName()
                        + "): " + first.detail(), first.part(), Map.of("results", results, "stored", stored));
            }
            return answer;
        } catch (IOException e) {
            throw new ProblemException(400, "Bad Request", "the upload could not be read: " + e.getMessage(),
                    "file", null);
        } finally {
            for (java.nio.file.Path f : files) {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // transit file in the hub's own data directory
                }
            }
        }
    }

    private static boolean isPart10(java.nio.file.Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            byte[] head = in.readNBytes(132);
            return head.length == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
        }
    }

    /**
     * A study query (Patient ID, name wildcards, dates, modality, accession): the export role sees every match; a
     * clinician only studies of patients mapped to one in their care (the PACS is asked, what it answers about
     * others is dropped and never audited as disclosed). Each patient shown is audited.
     */
    @GET
    @Path("find-studies")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE, Roles.EXPORT})
    public List<ImagingStudy> findStudies(@QueryParam("adapterId") String adapterId,
            @QueryParam("patientId") String patientId, @QueryParam("patientName") String patientName,
            @QueryParam("birthDate") String birthDate, @QueryParam("studyDateFrom") String from,
            @QueryParam("studyDateTo") String to, @QueryParam("modality") String modality,
            @QueryParam("accessionNumber") String accession, @QueryParam("limit") Integer limit,
            @Context SecurityContext security) {
        DicomArchive pacs = archive(adapterId);
        check("patientId", patientId, DICOM_ID);
        check("patientName", patientName, DICOM_ID);
        check("modality", modality, Pattern.compile("[A-Z]{1,16}"));
        check("accessionNumber", accession, Pattern.compile("[^\\\\\\p{Cntrl}]{1,16}"));
        StudyQuery query;
        try {
            query = new StudyQuery(blank(patientId), blank(patientName), date("birthDate", birthDate),
                    date("studyDateFrom", from), date("studyDateTo", to), blank(modality), blank(accession),
                    limit == null ? 100 : limit);
        } catch (IllegalArgumentException e) {
            String field = e.getMessage().startsWith("limit") ? "limit"
                    : e.getMessage().contains("studyDateTo") ? "studyDateTo" : "patientId";
            throw ProblemException.invalid(field, e.getMessage());
        }
        List<ImagingStudy> answered = calls.checked(systemCalls.call((Adapter) pacs, () -> pacs.findStudies(query)),
                "find-studies", user(security), "integration.pacs.find-studies", blank(patientId), adapterId, "query");
        java.util.Map<String, java.util.Set<String>> shown = gate.shown(user(security), adapterId,
                answered.stream().map(ImagingStudy::patientId).toList());
        List<ImagingStudy> studies = answered.stream().filter(st -> shown.containsKey(st.patientId())).toList();
        gate.recordDisclosed(user(security), "integration.pacs.find-studies", adapterId, shown);
        return studies;
    }

    /** The series of a study; a clinician names the study's patient ({@code patientId}, the PACS's), in their care. */
    @GET
    @Path("studies/{studyUid}/series")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE, Roles.EXPORT})
    public List<ImagingSeries> findSeries(@PathParam("studyUid") String studyUid,
            @QueryParam("adapterId") String adapterId, @QueryParam("patientId") String patientId,
            @Context SecurityContext security) {
        DicomArchive pacs = archive(adapterId);
        uid("studyUid", studyUid);
        if (!user(security).hasRole(Roles.EXPORT) || patientId != null) {
            studyOf(user(security), pacs, adapterId, patientId, studyUid);
        }
        List<ImagingSeries> series = calls.checked(systemCalls.call((Adapter) pacs, () -> pacs.findSeries(studyUid)),
                "find-series", user(security), "integration.pacs.find-series", null, adapterId, "study " + studyUid);
        audit.record(user(security), "integration.pacs.find-series", null, List.of(adapterId), "study " + studyUid);
        return series;
    }

    /** Body of move; {@code patientId} is the study's patient in the PACS, who must be in the caller's care. */
    public record MoveRequest(String adapterId, String studyInstanceUid, String destinationAe, String patientId) {
    }

    @POST
    @Path("move")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public TransferOutcome move(MoveRequest body, @Context SecurityContext security) {
        if (body == null) {
            throw ProblemException.invalid("adapterId", "a JSON body with adapterId, studyInstanceUid and "
                    + "destinationAe is required");
        }
        DicomArchive pacs = archive(body.adapterId());
        uid("studyInstanceUid", body.studyInstanceUid());
        if (body.destinationAe() == null || !AE.matcher(body.destinationAe()).matches()) {
            throw ProblemException.invalid("destinationAe", "an AE title: 1-16 printable ASCII characters");
        }
        if (!moveDestinations.contains(body.adapterId() + ":" + body.destinationAe())
                && !moveDestinations.contains("*:" + body.destinationAe())) {
            audit.record(user(security), "integration.pacs.move", null, List.of(body.adapterId()),
                    "denied: destination " + body.destinationAe() + " not configured");
            throw new org.telehub.domain.ForbiddenException(null, "destinationAe " + body.destinationAe() + " is "
                    + "not a configured move destination of " + body.adapterId() + " (pacsMoveDestinations in "
                    + "etc/org.telehub.integration.cfg)", "destinationAe", null);
        }
        studyOf(user(security), pacs, body.adapterId(), body.patientId(), body.studyInstanceUid());
        TransferOutcome o = calls.checked(systemCalls.call((Adapter) pacs,
                () -> pacs.move(body.studyInstanceUid(), body.destinationAe()), TRANSFER_TIMEOUT_MILLIS), "move",
                user(security), "integration.pacs.move", null, body.adapterId(),
                "study " + body.studyInstanceUid() + " to " + body.destinationAe());
        audit.record(user(security), "integration.pacs.move", null, List.of(body.adapterId()),
                "study " + body.studyInstanceUid() + " to " + body.destinationAe() + ": " + o.completed()
                        + " moved, " + o.failed() + " failed");
        return o;
    }

    /** Body of retrieve; {@code patientId} as in move. */
    public record RetrieveRequest(String adapterId, String studyInstanceUid, String patientId) {
    }

    /** Answer of retrieve. */
    public record RetrieveAnswer(String adapterId, String studyInstanceUid, int completed, int failed,
            List<ImagingInstances.Row> instances) {
    }

    /** Brings a study into Telehub's encrypted file store (C-MOVE to our SCP, C-GET or WADO-RS). */
    @POST
    @Path("retrieve")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public RetrieveAnswer retrieve(RetrieveRequest body, @Context SecurityContext security) {
        if (body == null) {
            throw ProblemException.invalid("adapterId", "a JSON body with adapterId and studyInstanceUid is required");
        }
        DicomArchive pacs = archive(body.adapterId());
        uid("studyInstanceUid", body.studyInstanceUid());
        AuthenticatedUser who = user(security);
        studyOf(who, pacs, body.adapterId(), body.patientId(), body.studyInstanceUid());
        List<ImagingInstances.Row> kept = java.util.Collections.synchronizedList(new ArrayList<>());
        TransferOutcome o = calls.checked(systemCalls.call((Adapter) pacs, () -> pacs.retrieve(body.studyInstanceUid(),
                (instance, file) -> kept.add(instances.keep(body.adapterId(), instance, file, who.username()))),
                TRANSFER_TIMEOUT_MILLIS), "retrieve", who, "integration.pacs.retrieve", null, body.adapterId(),
                "study " + body.studyInstanceUid() + " (" + kept.size() + " kept before the failure)");
        String patient = kept.isEmpty() ? null : kept.get(0).patientId();
        audit.record(who, "integration.pacs.retrieve", patient, List.of(body.adapterId()),
                "study " + body.studyInstanceUid() + ": " + kept.size() + " kept, " + o.failed() + " failed");
        return new RetrieveAnswer(body.adapterId(), body.studyInstanceUid(), o.completed(), o.failed(),
                List.copyOf(kept));
    }

    /** The instances retrieved into Telehub for a patient (the PACS's Patient ID). */
    @GET
    @Path("instances")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public List<ImagingInstances.Row> instances(@QueryParam("adapterId") String adapterId,
            @QueryParam("patientId") String patientId, @Context SecurityContext security) {
        if (adapterId == null || !ADAPTER_ID.matcher(adapterId).matches()) {
            throw ProblemException.invalid("adapterId", "required: the id of a PACS adapter");
        }
        if (patientId == null || !DICOM_ID.matcher(patientId).matches()) {
            throw ProblemException.invalid("patientId", "required: the patient's ID in that PACS");
        }
        gate.remote(user(security), adapterId, patientId);
        List<ImagingInstances.Row> rows = instances.byPatient(adapterId, patientId, 10_000);
        audit.record(user(security), "integration.pacs.instances.list", patientId, List.of(adapterId),
                rows.size() + " instances");
        return rows;
    }

    /** One retrieved instance as DICOM Part 10, decrypted from the file store. */
    @GET
    @Path("instances/{id}")
    @Produces("application/dicom")
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public Response instance(@PathParam("id") String id, @Context SecurityContext security) {
        ImagingInstances.Content c = instances.get(id).orElseThrow(() -> ProblemException.notFound(
                "No retrieved instance " + id));
        try {
            gate.remote(user(security), c.adapterId(), c.patientId());
        } catch (org.telehub.domain.NotFoundException e) {
            throw ProblemException.notFound("No retrieved instance " + id);
        }
        audit.record(user(security), "integration.pacs.instance.read", c.patientId(), List.of(c.adapterId()),
                "instance " + c.sopInstanceUid());
        StreamingOutput out = o -> {
            try (InputStream in = instances.open(c.fileId())) {
                in.transferTo(o);
            }
        };
        return Response.ok(out, "application/dicom").header("Cache-Control", "no-store")
                .header("Content-Disposition", "attachment; filename=\"" + c.sopInstanceUid() + ".dcm\"").build();
    }

    // ---- helpers

    /**
     * The caller reaches the PACS patient {@code patientId} and {@code studyUid} is one of that patient's studies
     * (asked of the PACS: a study UID alone says nothing about whose it is); otherwise the study does not exist for
     * the caller.
     */
    private void studyOf(AuthenticatedUser who, DicomArchive pacs, String adapterId, String patientId,
            String studyUid) {
        if (patientId == null || !DICOM_ID.matcher(patientId).matches()) {
            throw ProblemException.invalid("patientId", "required: the study's patient (their ID in that PACS), in"
                    + " your care");
        }
        gate.remote(who, adapterId, patientId);
        List<ImagingStudy> theirs = calls.checked(systemCalls.call((Adapter) pacs,
                () -> pacs.findStudies(StudyQuery.byPatient(patientId))), "find-studies", who,
                "integration.pacs.find-studies", patientId, adapterId, "studies of the patient");
        if (theirs.stream().noneMatch(st -> studyUid.equals(st.studyInstanceUid()))) {
            throw ProblemException.notFound("No study " + studyUid + " of patient " + patientId + " in " + adapterId);
        }
    }

    private DicomArchive archive(String adapterId) {
        return calls.adapter(adapterId, DicomArchive.class, "a PACS");
    }

    private static void check(String field, String value, Pattern p) {
        if (value != null && !value.isEmpty() && !p.matcher(value).matches()) {
            throw ProblemException.invalid(field, "not a valid DICOM value for " + field);
        }
    }

    private static void uid(String field, String value) {
        if (!DicomUids.isUid(value)) {
            throw ProblemException.invalid(field, "a DICOM UID: digits and dots, at most 64 characters");
        }
    }



}
