package org.telehub.fhir;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AnalysisRecorder;
import org.telehub.integration.api.AnalysisResult;
import org.telehub.integration.api.ClinicalRecordSearch;
import org.telehub.integration.api.ConditionEntry;
import org.telehub.integration.api.ConditionRecorder;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.Demographics;
import org.telehub.integration.api.MedicationOrder;
import org.telehub.integration.api.MedicationPrescriber;
import org.telehub.integration.api.ObservationQuery;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.api.PatientQuery;
import org.telehub.integration.api.ReportDocument;

/**
 * The SPI's EHR capabilities over FHIR R4 (JSON): reads and searches; observations, reports (an addendum amends its
 * report), diagnoses as {@code Condition}s, prescription lines as {@code MedicationRequest}s, and an analysis of a
 * procedure as a {@code DiagnosticReport} with its finding as an {@code Observation}. Writes carry an
 * identifier in {@link FhirSettings#resultIdentifierSystem()} whose value is the idempotency key, and are conditional
 * creates ({@code If-None-Exist}): a retried delivery finds the record it created before. A server's
 * OperationOutcome is relayed in the error; 5xx, 429, timeouts and refused connections are retryable, other refusals
 * are not.
 */
public final class FhirRecords implements ClinicalRecordSearch, ConditionRecorder, MedicationPrescriber,
        AnalysisRecorder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FHIR_JSON = "application/fhir+json";
    /** HL7's observation categories (vital-signs, laboratory, ...): where EHRs list an observation. */
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    private final FhirSettings settings;
    private final FhirAuth auth;
    private final SearchRules rules;
    private final String base;
    /** {@code &name=value…} of the vendor's parameters on every request (empty for none). */
    private final String everyRequest;
    private final VendorRules vendor;
    private final HttpClient http;

    public FhirRecords(FhirSettings settings, FhirAuth auth, SearchRules rules) {
        this.settings = settings;
        this.auth = auth;
        this.rules = rules;
        this.base = settings.baseUrl().toString().replaceAll("/+$", "");
        this.vendor = rules instanceof VendorRules v ? v : new VendorRules() {
        };
        StringBuilder every = new StringBuilder();
        vendor.parametersOnEveryRequest().forEach((name, value) -> every.append('&').append(enc(name)).append('=')
                .append(enc(value)));
        this.everyRequest = every.toString();
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Reads the server's CapabilityStatement (and, with SMART, obtains a token): the connection check. */
    public String ping() throws AdapterException {
        JsonNode cs = get("/metadata", "read the CapabilityStatement");
        return cs.path("software").path("name").asText("FHIR") + " " + cs.path("fhirVersion").asText("");
    }

    // ---- reads

    @Override
    public Demographics patient(String systemPatientId) throws AdapterException {
        return demographics(get("/Patient/" + id(systemPatientId), "read Patient " + systemPatientId));
    }

    @Override
    public List<Demographics> searchPatients(PatientQuery q) throws AdapterException {
        rules.checkPatientSearch(q);
        StringBuilder p = new StringBuilder("/Patient?_count=").append(q.limit());
        if (q.identifier() != null && !q.identifier().isBlank()) {
            String system = settings.patientIdentifierSystem();
            param(p, "identifier", (system == null || system.isBlank() ? "" : system + "|") + q.identifier());
        }
        param(p, "family", q.familyName());
        param(p, "given", q.givenName());
        param(p, "birthdate", q.birthDate() == null ? null : q.birthDate().toString());
        List<Demographics> out = new ArrayList<>();
        for (JsonNode r : entries(get(p.toString(), "search Patient"), "Patient")) {
            out.add(demographics(r));
        }
        return out;
    }

    @Override
    public List<ObservationValue> observations(String systemPatientId, int limit) throws AdapterException {
        return observations(systemPatientId, new ObservationQuery(null, null, null, null, null, limit));
    }

    @Override
    public List<ObservationValue> observations(String systemPatientId, ObservationQuery q) throws AdapterException {
        rules.checkObservationSearch(q);
        StringBuilder p = new StringBuilder("/Observation?patient=").append(enc(id(systemPatientId)))
                .append("&_sort=-date&_count=").append(q.limit());
        param(p, "category", q.category());
        if (q.code() != null && !q.code().isBlank()) {
            param(p, "code", (q.codeSystem() == null || q.codeSystem().isBlank() ? "" : q.codeSystem() + "|")
                    + q.code());
        }
        if (q.from() != null) {
            param(p, "date", "ge" + q.from());
        }
        if (q.to() != null) {
            param(p, "date", "le" + q.to());
        }
        List<ObservationValue> out = new ArrayList<>();
        for (JsonNode r : entries(get(p.toString(), "search Observation"), "Observation")) {
            out.add(observation(r));
        }
        return out;
    }

    // ---- writes

    @Override
    public DeliveryReceipt createObservation(String systemPatientId, ObservationValue o, String idempotencyKey)
            throws AdapterException {
        require(o.code(), "observation.code");
        require(o.codeSystem(), "observation.codeSystem");
        if (o.value() == null && (o.text() == null || o.text().isBlank())) {
            throw new AdapterException("observation.value: a value (or a text) is required", false);
        }
        if (o.value() != null && (o.unit() == null || o.unit().isBlank())) {
            throw new AdapterException("observation.unit: a numeric value needs its UCUM unit", false);
        }
        ObjectNode r = JSON.createObjectNode().put("resourceType", "Observation");
        identifier(r, idempotencyKey);
        r.put("status", "final");
        if (o.category() != null && !o.category().isBlank()) {
            r.putArray("category").addObject().putArray("coding").addObject().put("system", OBSERVATION_CATEGORY)
                    .put("code", o.category());
        }
        ObjectNode coding = r.putObject("code").putArray("coding").addObject().put("system", o.codeSystem())
                .put("code", o.code());
        if (o.display() != null) {
            coding.put("display", o.display());
        }
        r.putObject("subject").put("reference", "Patient/" + id(systemPatientId));
        r.put("effectiveDateTime", (o.effective() == null ? Instant.now() : o.effective()).toString());
        if (o.value() != null) {
            r.putObject("valueQuantity").put("value", o.value()).put("unit", o.unit())
                    .put("system", "http://unitsofmeasure.org").put("code", o.unit());
        } else {
            r.put("valueString", o.text());
        }
        if (o.performer() != null && !o.performer().isBlank()) {
            r.putArray("performer").addObject().put("display", o.performer());
        }
        return create("Observation", r, idempotencyKey);
    }

    @Override
    public DeliveryReceipt createDiagnosticReport(String systemPatientId, ReportDocument d, String idempotencyKey)
            throws AdapterException {
        require(d.code(), "report.code");
        require(d.title(), "report.title");
        if (d.amends() != null && !d.amends().isBlank()) {
            return amend(systemPatientId, d);
        }
        ObjectNode r = JSON.createObjectNode().put("resourceType", "DiagnosticReport");
        identifier(r, idempotencyKey);
        r.put("status", "final");
        r.putObject("code").put("text", d.title()).putArray("coding").addObject()
                .put("system", d.codeSystem() == null || d.codeSystem().isBlank() ? "http://loinc.org"
                        : d.codeSystem())
                .put("code", d.code()).put("display", d.title());
        r.putObject("subject").put("reference", "Patient/" + id(systemPatientId));
        Instant at = d.authoredAt() == null ? Instant.now() : d.authoredAt();
        r.put("effectiveDateTime", at.toString());
        r.put("issued", at.toString());
        if (d.author() != null && !d.author().isBlank()) {
            r.putArray("performer").addObject().put("display", d.author());
        }
        if (d.conclusion() != null) {
            r.put("conclusion", d.conclusion());
        }
        if (d.content() != null && d.content().length > 0) {
            attachment(r.putArray("presentedForm"), d);
        }
        if (d.documentId() != null && !d.documentId().isBlank()) {
            ((ArrayNode) r.get("identifier")).addObject().put("system", settings.resultIdentifierSystem())
                    .put("value", d.documentId());
        }
        return create("DiagnosticReport", r, idempotencyKey);
    }

    /** The document as a presentedForm attachment, with its SHA-1 (FHIR's Attachment.hash) to find it again. */
    private static void attachment(ArrayNode forms, ReportDocument d) {
        ObjectNode a = forms.addObject().put("contentType", d.contentType() == null ? "application/pdf"
                : d.contentType()).put("title", d.title()).put("data", Base64.getEncoder().encodeToString(d.content()))
                .put("hash", sha1(d.content()));
        if (d.authoredAt() != null) {
            a.put("creation", d.authoredAt().toString());
        }
    }

    private static String sha1(byte[] b) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An addendum: the report it amends (found by its document id) becomes {@code amended}, with the addendum's
     * document added to its presentedForm and its text to the conclusion, in one update that names the version it
     * read ({@code If-Match}), so a concurrent change is never overwritten; a retry finds the document already there
     * (by its hash) and changes nothing. The report not filed yet (its own delivery still on its way) is retryable.
     */
    private DeliveryReceipt amend(String systemPatientId, ReportDocument d) throws AdapterException {
        if (d.content() == null || d.content().length == 0) {
            throw new AdapterException("report.content: an addendum needs its document", false);
        }
        String patient = "Patient/" + id(systemPatientId);
        String hash = sha1(d.content());
        for (int attempt = 0; attempt < 3; attempt++) {
            List<JsonNode> found = entries(get("/DiagnosticReport?identifier=" + enc(settings.resultIdentifierSystem()
                    + "|" + d.amends()), "find the report " + d.amends() + " amends"), "DiagnosticReport");
            if (found.isEmpty()) {
                throw new AdapterException("the report " + d.amends() + " this addendum amends is not in the EHR yet",
                        true);
            }
            if (found.size() > 1) {
                throw new AdapterException(found.size() + " reports in the EHR have the id " + d.amends(), false);
            }
            ObjectNode report = (ObjectNode) found.get(0);
            String id = report.path("id").asText();
            if (!patient.equals(report.path("subject").path("reference").asText())) {
                throw new AdapterException("the report " + d.amends() + " in the EHR is not " + patient + "'s", false);
            }
            for (JsonNode form : report.path("presentedForm")) {
                if (hash.equals(form.path("hash").asText())) {
                    return new DeliveryReceipt("DiagnosticReport/" + id, true);
                }
            }
            report.put("status", "amended");
            attachment(report.has("presentedForm") ? (ArrayNode) report.get("presentedForm")
                    : report.putArray("presentedForm"), d);
            if (d.conclusion() != null && !d.conclusion().isBlank()) {
                String before = report.path("conclusion").asText("");
                report.put("conclusion", (before.isEmpty() ? "" : before + "\n\n") + d.title()
                        + (d.authoredAt() == null ? "" : " (" + d.authoredAt() + ")") + ": " + d.conclusion());
            }
            String version = report.path("meta").path("versionId").asText("");
            byte[] body;
            try {
                body = JSON.writeValueAsBytes(report);
            } catch (IOException e) {
                throw new AdapterException("cannot encode the amended report", false, e);
            }
            HttpResponse<byte[]> r = send(() -> {
                HttpRequest.Builder b = HttpRequest.newBuilder(uri("/DiagnosticReport/" + id))
                        .header("Content-Type", FHIR_JSON).header("Accept", FHIR_JSON)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
                return version.isEmpty() ? b : b.header("If-Match", "W/\"" + version + "\"");
            }, "amend DiagnosticReport/" + id);
            if (r.statusCode() == 200 || r.statusCode() == 201) {
                return new DeliveryReceipt("DiagnosticReport/" + id, false);
            }
            if (r.statusCode() != 412 && r.statusCode() != 409) {
                throw refused("amend DiagnosticReport/" + id, r);
            }
            // changed since it was read: read it again
        }
        throw new AdapterException("the report " + d.amends() + " kept changing while it was amended", true);
    }

    @Override
    public DeliveryReceipt createCondition(String systemPatientId, ConditionEntry c, String idempotencyKey)
            throws AdapterException {
        require(c.code(), "condition.code");
        require(c.codeSystem(), "condition.codeSystem");
        ObjectNode r = JSON.createObjectNode().put("resourceType", "Condition");
        identifier(r, idempotencyKey);
        r.putObject("clinicalStatus").putArray("coding").addObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/condition-clinical").put("code", "active");
        r.putObject("verificationStatus").putArray("coding").addObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/condition-ver-status").put("code", "confirmed");
        r.putArray("category").addObject().putArray("coding").addObject()
                .put("system", "http://terminology.hl7.org/CodeSystem/condition-category")
                .put("code", "encounter-diagnosis");
        ObjectNode code = r.putObject("code");
        ObjectNode coding = code.putArray("coding").addObject().put("system", c.codeSystem()).put("code", c.code());
        if (c.display() != null && !c.display().isBlank()) {
            coding.put("display", c.display());
            code.put("text", c.display());
        }
        r.putObject("subject").put("reference", "Patient/" + id(systemPatientId));
        r.put("recordedDate", (c.recordedAt() == null ? Instant.now() : c.recordedAt()).toString());
        if (c.recorder() != null && !c.recorder().isBlank()) {
            r.putObject("recorder").put("display", c.recorder());
        }
        return create("Condition", r, idempotencyKey);
    }

    /** DICOM's codes (PS3.16), as FHIR names their system. */
    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    /** Code system URIs of the DICOM coding scheme designators an analysis may name its finding's system by. */
    private static final Map<String, String> DESIGNATORS = Map.of("SCT", "http://snomed.info/sct",
            "LN", "http://loinc.org", "DCM", DCM, "RADLEX", "http://www.radlex.org", "UCUM", "http://unitsofmeasure.org",
            "I10", "http://hl7.org/fhir/sid/icd-10", "I10C", "http://hl7.org/fhir/sid/icd-10-cm",
            "NCIt", "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl");

    /**
     * The analysis as a procedure's result in the record: an {@code Observation} of the finding (DICOM's "Finding",
     * valued with the coded finding or the words), its confidence as a component (DICOM's "Certainty of Finding", in
     * percent, as in the structured report the procedure system gets) and the algorithm as its device; then a
     * {@code DiagnosticReport} (LOINC 18751-8 Endoscopy study) with the summary as conclusion, the coded finding as
     * conclusion code and the observation as its result. Each is a conditional create of its own key.
     */
    @Override
    public List<DeliveryReceipt> recordAnalysis(String systemPatientId, AnalysisResult a, String idempotencyKey)
            throws AdapterException {
        require(a.procedureId(), "analysis.procedureId");
        require(a.summary(), "analysis.summary");
        String patient = "Patient/" + id(systemPatientId);
        String system = a.findingCode() == null ? null : DESIGNATORS.getOrDefault(a.findingCodeSystem(),
                a.findingCodeSystem());
        Instant now = Instant.now();
        ObjectNode o = JSON.createObjectNode().put("resourceType", "Observation");
        identifier(o, idempotencyKey + "/finding");
        o.put("status", "final");
        o.putArray("category").addObject().putArray("coding").addObject().put("system", OBSERVATION_CATEGORY)
                .put("code", "procedure");
        o.putObject("code").put("text", "Finding").putArray("coding").addObject().put("system", DCM)
                .put("code", "121071").put("display", "Finding");
        o.putObject("subject").put("reference", patient);
        o.put("effectiveDateTime", now.toString());
        if (system != null) {
            concept(o.putObject("valueCodeableConcept"), system, a.findingCode(), a.findingDisplay(), a.summary());
        } else {
            o.put("valueString", a.summary());
        }
        if (a.details() != null && !a.details().isBlank()) {
            o.putArray("note").addObject().put("text", a.details());
        }
        if (a.algorithmName() != null) {
            o.putObject("device").put("display", a.algorithmName()
                    + (a.algorithmVersion() == null ? "" : " " + a.algorithmVersion()));
        }
        if (a.confidence() != null) {
            ObjectNode c = o.putArray("component").addObject();
            c.putObject("code").putArray("coding").addObject().put("system", DCM).put("code", "111012")
                    .put("display", "Certainty of Finding");
            c.putObject("valueQuantity").put("value", Math.round(a.confidence() * 1000) / 10.0).put("unit", "%")
                    .put("system", "http://unitsofmeasure.org").put("code", "%");
        }
        DeliveryReceipt finding = create("Observation", o, idempotencyKey + "/finding");

        ObjectNode r = JSON.createObjectNode().put("resourceType", "DiagnosticReport");
        identifier(r, idempotencyKey + "/report");
        r.put("status", "final");
        r.putObject("code").put("text", "Endoscopy study").putArray("coding").addObject()
                .put("system", "http://loinc.org").put("code", "18751-8").put("display", "Endoscopy study");
        r.putObject("subject").put("reference", patient);
        r.put("effectiveDateTime", now.toString());
        r.put("issued", now.toString());
        if (a.algorithmName() != null) {
            r.putArray("performer").addObject().put("display", a.algorithmName()
                    + (a.algorithmVersion() == null ? "" : " " + a.algorithmVersion()));
        }
        r.putArray("result").addObject().put("reference", finding.remoteId());
        r.put("conclusion", a.summary());
        if (system != null) {
            concept(r.putArray("conclusionCode").addObject(), system, a.findingCode(), a.findingDisplay(),
                    a.summary());
        }
        return List.of(finding, create("DiagnosticReport", r, idempotencyKey + "/report"));
    }

    private static void concept(ObjectNode target, String system, String code, String display, String text) {
        ObjectNode coding = target.putArray("coding").addObject().put("system", system).put("code", code);
        if (display != null) {
            coding.put("display", display);
        }
        target.put("text", display != null ? display : text);
    }

    @Override
    public DeliveryReceipt createMedicationRequest(String systemPatientId, MedicationOrder m, String idempotencyKey)
            throws AdapterException {
        require(m.name(), "medication.name");
        ObjectNode r = JSON.createObjectNode().put("resourceType", "MedicationRequest");
        identifier(r, idempotencyKey);
        r.put("status", "active").put("intent", "order");
        ObjectNode medication = r.putObject("medicationCodeableConcept").put("text", m.name());
        if (m.code() != null && !m.code().isBlank() && m.codeSystem() != null && !m.codeSystem().isBlank()) {
            medication.putArray("coding").addObject().put("system", m.codeSystem()).put("code", m.code())
                    .put("display", m.name());
        }
        r.putObject("subject").put("reference", "Patient/" + id(systemPatientId));
        r.put("authoredOn", (m.authoredAt() == null ? Instant.now() : m.authoredAt()).toString());
        if (m.prescriber() != null && !m.prescriber().isBlank()) {
            r.putObject("requester").put("display", m.prescriber());
        }
        // the prescriber's own words: Telehub keeps no structured dosing, so none is made up here
        List<String> words = new ArrayList<>();
        for (String w : new String[] {m.dose(), m.route(), m.frequency(), m.duration() == null || m.duration()
                .isBlank() ? null : "for " + m.duration()}) {
            if (w != null && !w.isBlank()) {
                words.add(w.strip());
            }
        }
        if (!words.isEmpty() || m.instructions() != null && !m.instructions().isBlank()) {
            ObjectNode dosage = r.putArray("dosageInstruction").addObject();
            if (!words.isEmpty()) {
                dosage.put("text", String.join(", ", words));
            }
            if (m.instructions() != null && !m.instructions().isBlank()) {
                dosage.put("patientInstruction", m.instructions());
            }
            if (m.route() != null && !m.route().isBlank()) {
                dosage.putObject("route").put("text", m.route());
            }
        }
        if (m.quantity() != null || m.refills() != null) {
            ObjectNode dispense = r.putObject("dispenseRequest");
            if (m.refills() != null) {
                dispense.put("numberOfRepeatsAllowed", m.refills());
            }
            if (m.quantity() != null) {
                dispense.putObject("quantity").put("value", m.quantity());
            }
        }
        return create("MedicationRequest", r, idempotencyKey);
    }

    private void identifier(ObjectNode r, String key) throws AdapterException {
        require(key, "idempotencyKey");
        r.putArray("identifier").addObject().put("system", settings.resultIdentifierSystem()).put("value", key);
    }

    private DeliveryReceipt create(String type, ObjectNode resource, String key) throws AdapterException {
        vendor.checkCreate(type);
        Map<String, String> marks = vendor.referenceExtensionsOnCreate();
        if (!marks.isEmpty()) {
            ArrayNode extensions = resource.has("extension") ? (ArrayNode) resource.get("extension")
                    : resource.putArray("extension");
            marks.forEach((url, reference) -> extensions.addObject().put("url", url).putObject("valueReference")
                    .put("reference", reference));
        }
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(resource);
        } catch (IOException e) {
            throw new AdapterException("cannot encode the " + type, false, e);
        }
        HttpResponse<byte[]> r = send(() -> HttpRequest.newBuilder(uri("/" + type))
                .header("Content-Type", FHIR_JSON).header("Accept", FHIR_JSON)
                .header("Prefer", "return=representation")
                .header("If-None-Exist", "identifier=" + enc(settings.resultIdentifierSystem() + "|" + key)
                        + everyRequest)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), "create " + type);
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw refused("create " + type, r);
        }
        String id = idOf(r, type);
        if (id == null) {
            throw new AdapterException("create " + type + ": the server answered " + r.statusCode()
                    + " without the new resource's id", false);
        }
        // 200: the conditional create found the record of an earlier attempt
        return new DeliveryReceipt(type + "/" + id, r.statusCode() == 200);
    }

    private static String idOf(HttpResponse<byte[]> r, String type) {
        try {
            if (r.body().length > 0) {
                JsonNode n = JSON.readTree(r.body());
                if (n.hasNonNull("id")) {
                    return n.get("id").asText();
                }
            }
        } catch (IOException ignored) {
            // fall back to Location
        }
        Optional<String> location = r.headers().firstValue("Location")
                .or(() -> r.headers().firstValue("Content-Location"));
        if (location.isPresent()) {
            String l = location.get();
            int i = l.indexOf(type + "/");
            if (i >= 0) {
                String rest = l.substring(i + type.length() + 1);
                int slash = rest.indexOf('/');
                return slash < 0 ? rest : rest.substring(0, slash);
            }
        }
        return null;
    }

    // ---- HTTP

    private interface RequestFactory {
        HttpRequest.Builder build();
    }

    private JsonNode get(String pathAndQuery, String what) throws AdapterException {
        HttpResponse<byte[]> r = send(() -> HttpRequest.newBuilder(uri(pathAndQuery))
                .header("Accept", FHIR_JSON).GET(), what);
        if (r.statusCode() == 404 || r.statusCode() == 410) {
            throw new AdapterException(what + ": not found on the FHIR server (HTTP " + r.statusCode() + ")", false);
        }
        if (r.statusCode() != 200) {
            throw refused(what, r);
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AdapterException(what + ": the server answered something that is not FHIR JSON", false, e);
        }
    }

    /** Sends with authorisation; after a 401 asks the auth once for new credentials and tries again. */
    private HttpResponse<byte[]> send(RequestFactory request, String what) throws AdapterException {
        for (int attempt = 0;; attempt++) {
            HttpRequest.Builder b = request.build().timeout(settings.readTimeout());
            Optional<String> authorization = auth.header();
            authorization.ifPresent(h -> b.header("Authorization", h));
            HttpResponse<byte[]> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (HttpConnectTimeoutException e) {
                throw new AdapterException(what + ": cannot connect to " + base + " (timeout)", true, e);
            } catch (HttpTimeoutException e) {
                throw new AdapterException(what + ": no answer from " + base + " within "
                        + settings.readTimeout().toMillis() + " ms", true, e);
            } catch (IOException e) {
                throw new AdapterException(what + ": cannot reach the FHIR server at " + base + " (" + e + ")", true,
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AdapterException(what + ": interrupted", true, e);
            }
            if (r.statusCode() == 401 && authorization.isPresent() && attempt == 0 && auth.rejected()) {
                continue;
            }
            return r;
        }
    }

    /** The server's refusal, with its OperationOutcome's words. */
    private AdapterException refused(String what, HttpResponse<byte[]> r) {
        int s = r.statusCode();
        String outcome = operationOutcome(r.body());
        String text = what + ": the FHIR server answered HTTP " + s + (outcome.isEmpty() ? "" : ": " + outcome);
        if (s == 401) {
            return new AdapterException(text + " (not authenticated: check the adapter's credentials)", false);
        }
        if (s == 403) {
            return new AdapterException(text + " (forbidden: check the client's scopes)", false);
        }
        return new AdapterException(text, s >= 500 || s == 429 || s == 408);
    }

    static String operationOutcome(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !"OperationOutcome".equals(n.path("resourceType").asText())) {
                return "";
            }
            List<String> parts = new ArrayList<>();
            for (JsonNode issue : n.path("issue")) {
                String msg = issue.path("diagnostics").asText(issue.path("details").path("text").asText(""));
                String where = issue.path("expression").path(0).asText("");
                parts.add(issue.path("severity").asText("error") + (where.isEmpty() ? "" : " at " + where) + ": "
                        + msg);
            }
            return String.join("; ", parts);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    // ---- mapping

    private static List<JsonNode> entries(JsonNode bundle, String type) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : bundle.path("entry")) {
            JsonNode r = e.path("resource");
            // searches may include OperationOutcome entries (search mode "outcome"): only the matches count
            if (type.equals(r.path("resourceType").asText())) {
                out.add(r);
            }
        }
        return out;
    }

    private static Demographics demographics(JsonNode p) {
        JsonNode name = p.path("name").path(0);
        for (JsonNode n : p.path("name")) {
            if ("official".equals(n.path("use").asText())) {
                name = n;
                break;
            }
        }
        return new Demographics(p.path("id").asText(), text(name.path("family")),
                text(name.path("given").path(0)), date(text(p.path("birthDate"))), text(p.path("gender")));
    }

    private static ObservationValue observation(JsonNode o) {
        JsonNode coding = o.path("code").path("coding").path(0);
        JsonNode q = o.path("valueQuantity");
        Double value = q.has("value") ? q.get("value").asDouble() : null;
        String unit = q.has("unit") ? q.get("unit").asText() : q.has("code") ? q.get("code").asText() : null;
        String text = o.has("valueString") ? o.get("valueString").asText()
                : o.path("valueCodeableConcept").path("text").asText(null);
        JsonNode performer = o.path("performer").path(0);
        String category = null;
        for (JsonNode c : o.path("category")) {
            for (JsonNode cc : c.path("coding")) {
                if (category == null || OBSERVATION_CATEGORY.equals(cc.path("system").asText())) {
                    category = text(cc.path("code"));
                }
            }
        }
        return new ObservationValue(text(coding.path("code")), text(coding.path("system")),
                coding.has("display") ? coding.get("display").asText() : o.path("code").path("text").asText(null),
                value, unit, text, instant(text(o.path("effectiveDateTime"))),
                performer.isMissingNode() ? null : performer.path("display").asText(performer.path("reference")
                        .asText(null)), category);
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : n.asText();
    }

    private static LocalDate date(String s) {
        if (s == null || s.length() < 10) {
            return null;
        }
        try {
            return LocalDate.parse(s.substring(0, 10));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Instant instant(String s) {
        if (s == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            LocalDate d = date(s);
            return d == null ? null : d.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
    }

    /** The URL of a path and query under the base, with the vendor's parameters on every request. */
    private URI uri(String pathAndQuery) {
        if (everyRequest.isEmpty()) {
            return URI.create(base + pathAndQuery);
        }
        return URI.create(base + pathAndQuery + (pathAndQuery.indexOf('?') < 0 ? "?" + everyRequest.substring(1)
                : everyRequest));
    }

    /** Whether the vendor's API files results at all. */
    public boolean takesResults() {
        return vendor.takesResults();
    }

    private static void param(StringBuilder p, String name, String value) {
        if (value != null && !value.isBlank()) {
            p.append('&').append(name).append('=').append(enc(value));
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A FHIR logical id: letters, digits, '-' and '.', at most 64 (FHIR R4 id datatype). */
    private static String id(String id) throws AdapterException {
        if (id == null || !id.matches("[A-Za-z0-9\\-.]{1,64}")) {
            throw new AdapterException("'" + id + "' is not a FHIR resource id (letters, digits, '-', '.', at most "
                    + "64)", false);
        }
        return id;
    }

    private static void require(String value, String field) throws AdapterException {
        if (value == null || value.isBlank()) {
            throw new AdapterException(field + " is required", false);
        }
    }

    /** For health: the kind of authorisation, never its secret. */
    public String describeAuth() {
        return auth.toString();
    }
}
