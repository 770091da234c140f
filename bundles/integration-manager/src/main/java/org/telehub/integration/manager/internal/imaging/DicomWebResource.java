package org.telehub.integration.manager.internal.imaging;

import static org.telehub.integration.manager.internal.IntegrationResource.user;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.GET;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.StreamingOutput;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsApplicationSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;
import org.telehub.domain.NotFoundException;
import org.telehub.files.FileStore;
import org.telehub.integration.manager.internal.IntegrationSchema;
import org.telehub.integration.manager.internal.PatientGate;
import org.telehub.rest.ProblemException;
import org.telehub.rest.RestApi;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;

/**
 * DICOMweb reads of the studies retrieved into Telehub (issue 16: the web app's image viewer):
 * {@code /api/v1/integration/pacs/{adapterId}/dicomweb} is a WADO-RS base URL over the encrypted file store, so a
 * viewer reads what was retrieved without reaching the PACS and without the images ever leaving Telehub
 * unencrypted at rest. Studies, series and instances (PS3.18 §10.4) answer {@code multipart/related;
 * type="application/dicom"} with each instance as it was received (no transcoding: {@code transfer-syntax=*}); the
 * instances of a series are listed as DICOM JSON (the search answer of §10.6, from the index, limited to the
 * attributes the index holds).
 *
 * <p>Reached as the PACS routes are: doctors and nurses, and of a study only the instances of patients they reach
 * (care relationship or break-glass, through {@link PatientGate}); a study of someone else does not exist for the
 * caller (404) and the refusal is audited. Every read is audited with the patient and how many instances went out.
 * The adapter need not be installed: what was retrieved stays readable.
 */
@Component(service = DicomWebResource.class)
@JaxrsResource
@JaxrsApplicationSelect(RestApi.APP_SELECT)
@Path("integration/pacs/{adapterId}/dicomweb")
public class DicomWebResource {

    private static final Pattern ADAPTER_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** A study bigger than this is refused rather than streamed as one answer; series and instances still work. */
    static final int MAX_INSTANCES = 5_000;
    static final String DICOM_JSON = "application/dicom+json";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ImagingInstances instances;
    private final PatientGate gate;
    private final AuditLog audit;

    @Activate
    public DicomWebResource(@Reference IntegrationSchema schema, @Reference FileStore files,
            @Reference PatientGate gate, @Reference AuditLog audit) {
        this(new ImagingInstances(schema.jdbi(), files), gate, audit);
    }

    DicomWebResource(ImagingInstances instances, PatientGate gate, AuditLog audit) {
        this.instances = instances;
        this.gate = gate;
        this.audit = audit;
    }

    /** Every retrieved instance of a study. */
    @GET
    @Path("studies/{study}")
    @Produces(MediaType.WILDCARD)
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public Response study(@PathParam("adapterId") String adapterId, @PathParam("study") String study,
            @HeaderParam(HttpHeaders.ACCEPT) String accept, @Context SecurityContext security) {
        return retrieve(adapterId, study, null, null, accept, security);
    }

    /** Every retrieved instance of a series. */
    @GET
    @Path("studies/{study}/series/{series}")
    @Produces(MediaType.WILDCARD)
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public Response series(@PathParam("adapterId") String adapterId, @PathParam("study") String study,
            @PathParam("series") String series, @HeaderParam(HttpHeaders.ACCEPT) String accept,
            @Context SecurityContext security) {
        return retrieve(adapterId, study, series, null, accept, security);
    }

    /** One instance. */
    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}")
    @Produces(MediaType.WILDCARD)
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public Response instance(@PathParam("adapterId") String adapterId, @PathParam("study") String study,
            @PathParam("series") String series, @PathParam("instance") String instance,
            @HeaderParam(HttpHeaders.ACCEPT) String accept, @Context SecurityContext security) {
        return retrieve(adapterId, study, series, instance, accept, security);
    }

    /** The retrieved instances of a series as DICOM JSON: their UIDs, SOP class and modality. */
    @GET
    @Path("studies/{study}/series/{series}/instances")
    @Produces({DICOM_JSON, MediaType.APPLICATION_JSON})
    @RolesAllowed({Roles.DOCTOR, Roles.NURSE})
    public Response search(@PathParam("adapterId") String adapterId, @PathParam("study") String study,
            @PathParam("series") String series, @Context SecurityContext security) {
        List<ImagingInstances.Stored> found = reached(user(security), adapterId, study, series, null);
        List<Map<String, Object>> answer = new ArrayList<>();
        for (ImagingInstances.Stored s : found) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("00080016", attribute("UI", s.sopClassUid()));
            o.put("00080018", attribute("UI", s.sopInstanceUid()));
            if (s.modality() != null) {
                o.put("00080060", attribute("CS", s.modality()));
            }
            o.put("0020000D", attribute("UI", s.studyInstanceUid()));
            o.put("0020000E", attribute("UI", s.seriesInstanceUid()));
            answer.add(o);
        }
        audit(user(security), "integration.pacs.dicomweb.search", adapterId, found, study, series, null);
        return Response.ok(answer, DICOM_JSON).header("Cache-Control", "no-store").build();
    }

    private Response retrieve(String adapterId, String study, String series, String instance, String accept,
            SecurityContext security) {
        acceptable(accept);
        AuthenticatedUser who = user(security);
        List<ImagingInstances.Stored> found = reached(who, adapterId, study, series, instance);
        audit(who, "integration.pacs.dicomweb.retrieve", adapterId, found, study, series, instance);
        String boundary = "telehub-" + HexFormat.of().formatHex(bytes(16));
        StreamingOutput body = out -> write(out, boundary, found);
        return Response.ok(body, "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .header("Cache-Control", "no-store").build();
    }

    /**
     * What this endpoint can send: DICOM Part 10 instances as they were received. An Accept that asks for anything
     * else (another media type, a rendered image, a given transfer syntax) is refused with 406 naming it, rather
     * than answered with something the viewer did not ask for.
     */
    static void acceptable(String accept) {
        if (accept == null || accept.isBlank()) {
            return;
        }
        List<String> refused = new ArrayList<>();
        for (String range : accept.split(",")) {
            String[] parts = range.trim().split(";");
            String type = parts[0].trim().toLowerCase(java.util.Locale.ROOT);
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq > 0) {
                    params.put(parts[i].substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT),
                            parts[i].substring(eq + 1).trim().replace("\"", ""));
                }
            }
            if (params.getOrDefault("q", "1").matches("0(\\.0{0,3})?")) {
                continue; // q=0: "not this"
            }
            boolean anyType = type.equals("*/*") || type.equals("multipart/*");
            boolean related = type.equals("multipart/related")
                    && params.getOrDefault("type", "application/dicom").equalsIgnoreCase("application/dicom");
            String syntax = params.getOrDefault("transfer-syntax", "*");
            if ((anyType || related) && syntax.equals("*")) {
                return;
            }
            refused.add(range.trim());
        }
        throw new ProblemException(406, "Not Acceptable", "This endpoint sends the instances as they were received: "
                + "multipart/related; type=\"application/dicom\"; transfer-syntax=* (asked for: "
                + String.join(", ", refused) + ")", "Accept", null);
    }

    /** The instances asked for whose patients the caller reaches; none → 404 (and the refusal audited). */
    private List<ImagingInstances.Stored> reached(AuthenticatedUser who, String adapterId, String study,
            String series, String instance) {
        if (adapterId == null || !ADAPTER_ID.matcher(adapterId).matches()) {
            throw ProblemException.invalid("adapterId", "not an adapter id");
        }
        uid("study", study);
        uid("series", series);
        uid("instance", instance);
        List<ImagingInstances.Stored> all = instances.ofStudy(adapterId, study, series, instance, MAX_INSTANCES + 1);
        if (all.size() > MAX_INSTANCES) {
            throw ProblemException.unprocessable("study", "more than " + MAX_INSTANCES
                    + " instances: read it series by series");
        }
        Set<String> patients = new LinkedHashSet<>();
        all.forEach(s -> patients.add(s.patientId()));
        Set<String> reachedPatients = new LinkedHashSet<>();
        for (String p : patients) {
            try {
                gate.remote(who, adapterId, p);
                reachedPatients.add(p);
            } catch (NotFoundException e) {
                // another patient's instances under this UID: not there for this caller (the gate audited it)
            }
        }
        List<ImagingInstances.Stored> mine = all.stream().filter(s -> reachedPatients.contains(s.patientId()))
                .toList();
        if (mine.isEmpty()) {
            throw ProblemException.notFound("No retrieved " + (instance != null ? "instance " + instance
                    : series != null ? "series " + series : "study " + study) + " in " + adapterId
                    + " (retrieve the study into Telehub first: POST /integration/pacs/retrieve)");
        }
        return mine;
    }

    private void audit(AuthenticatedUser who, String action, String adapterId, List<ImagingInstances.Stored> found,
            String study, String series, String instance) {
        Map<String, Integer> perPatient = new LinkedHashMap<>();
        found.forEach(s -> perPatient.merge(s.patientId(), 1, Integer::sum));
        perPatient.forEach((patient, n) -> audit.record(who, action, patient, List.of(adapterId), "study " + study
                + (series != null ? " series " + series : "") + (instance != null ? " instance " + instance : "")
                + ": " + n + " instances"));
    }

    private void write(OutputStream out, String boundary, List<ImagingInstances.Stored> found) throws IOException {
        byte[] head = ("--" + boundary + "\r\nContent-Type: application/dicom\r\n").getBytes(StandardCharsets.US_ASCII);
        for (ImagingInstances.Stored s : found) {
            out.write(head);
            out.write(("Content-Length: " + s.size() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try (InputStream in = instances.open(s.fileId())) {
                in.transferTo(out);
            }
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static Map<String, Object> attribute(String vr, String value) {
        return Map.of("vr", vr, "Value", List.of(value));
    }

    private static void uid(String field, String value) {
        if (value != null && !DicomUids.isUid(value)) {
            throw ProblemException.invalid(field, "not a DICOM UID");
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
