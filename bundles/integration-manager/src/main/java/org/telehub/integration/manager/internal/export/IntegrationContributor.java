package org.telehub.integration.manager.internal.export;

import static org.telehub.domain.patientdata.JsonObjects.obj;

import java.io.IOException;
import java.io.InputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.domain.patientdata.Disclosure;
import org.telehub.domain.patientdata.PatientDataContributor;
import org.telehub.domain.patientdata.PatientDataSink;
import org.telehub.files.FileStore;
import org.telehub.integration.manager.internal.IntegrationSchema;

/**
 * The integration manager's share of a patient's export: the patient's identifier in each connected system
 * ({@code Patient.identifier}, merged into the encounter module's Patient), the results sent to those systems
 * ({@code Communication}, the payload as free text: it may hold a report's words), and the DICOM instances retrieved
 * into the hub ({@code ImagingStudy} per study, the decrypted files under {@code files/dicom/}). Instances belong to
 * the patient through the identifier cross-reference: their {@code patient_id} is the PACS's id.
 */
@Component(service = PatientDataContributor.class)
public class IntegrationContributor implements PatientDataContributor {
    static final String SYSTEM = "urn:telehub:system:";
    private final Jdbi jdbi;
    private final FileStore files;

    @Activate
    public IntegrationContributor(@Reference IntegrationSchema schema, @Reference FileStore files) {
        this(schema.jdbi(), files);
    }

    public IntegrationContributor(Jdbi jdbi, FileStore files) {
        this.jdbi = jdbi;
        this.files = files;
    }

    @Override
    public String name() {
        return "integration";
    }

    @Override
    public Set<String> tables() {
        return Set.of("integration_patient_identifier", "integration_delivery", "integration_imaging_instance",
                "integration_procedure_step");
    }

    @Override
    public void contribute(String patientId, Disclosure d, PatientDataSink sink) throws IOException {
        String pid = d.id("patient", patientId);
        List<Object> identifiers = jdbi.withHandle(h -> h.createQuery("SELECT adapter_id, identifier FROM"
                + " integration_patient_identifier WHERE local_patient_id = :p ORDER BY adapter_id")
                .bind("p", patientId).map((rs, c) -> (Object) obj("system", SYSTEM + rs.getString(1), "value",
                        d.id("mrn:" + rs.getString(1), rs.getString(2)))).list());
        if (!identifiers.isEmpty()) {
            sink.resource(obj("resourceType", "Patient", "id", pid, "identifier", identifiers));
        }
        jdbi.useHandle(h -> h.createQuery("SELECT * FROM integration_delivery WHERE local_patient_id = :p"
                + " ORDER BY created_at").bind("p", patientId).map((rs, c) -> {
                    String adapter = rs.getString("adapter_id");
                    String payload = d.freeText(rs.getString("payload"));
                    return obj("resourceType", "Communication", "id", d.id("delivery", rs.getString("id")),
                            "status", rs.getTimestamp("delivered_at") != null ? "completed" : "in-progress",
                            "category", List.of(obj("text", "results sent to a connected system")),
                            "subject", obj("reference", "Patient/" + pid),
                            "recipient", List.of(obj("identifier", obj("system", SYSTEM + adapter, "value",
                                    d.id("mrn:" + adapter, rs.getString("system_patient_id"))))),
                            "sent", text(d.instant(at(rs, "created_at"))),
                            "received", text(d.instant(at(rs, "delivered_at"))),
                            "payload", payload == null ? null : List.of(obj("contentString", payload)));
                }).forEach(sink::resource));
        imaging(patientId, pid, d, sink);
        procedures(patientId, pid, d, sink);
    }

    /** The procedure steps systems reported performing (MPPS), as FHIR Procedures. */
    private void procedures(String patientId, String pid, Disclosure d, PatientDataSink sink) {
        jdbi.useHandle(h -> h.createQuery("SELECT s.* FROM integration_procedure_step s JOIN"
                + " integration_patient_identifier x ON x.adapter_id = s.adapter_id AND x.identifier = s.patient_id"
                + " WHERE x.local_patient_id = :p ORDER BY s.started_at").bind("p", patientId).map((rs, c) -> {
                    String status = switch (rs.getString("status")) {
                        case "COMPLETED" -> "completed";
                        case "DISCONTINUED" -> "stopped";
                        default -> "in-progress";
                    };
                    String accession = rs.getString("accession_number");
                    return obj("resourceType", "Procedure", "id", d.id("procedure-step", rs.getString("adapter_id")
                            + "/" + rs.getString("uid")), "identifier", List.of(obj("system", "urn:dicom:uid",
                                    "value", d.anonymised() ? d.id("dicom-uid", rs.getString("uid"))
                                            : "urn:oid:" + rs.getString("uid"))),
                            "status", status, "code", rs.getString("description") == null ? null
                                    : obj("text", rs.getString("description")),
                            "subject", obj("reference", "Patient/" + pid),
                            "performedPeriod", obj("start", text(d.instant(at(rs, "started_at"))), "end",
                                    text(d.instant(at(rs, "ended_at")))),
                            "basedOn", accession == null ? null : List.of(obj("identifier", obj("type",
                                    obj("coding", List.of(obj("system", "http://terminology.hl7.org/CodeSystem/v2-0203",
                                            "code", "ACSN"))), "value", d.id("accession", accession)))));
                }).forEach(sink::resource));
    }

    private void imaging(String patientId, String pid, Disclosure d, PatientDataSink sink) throws IOException {
        record Instance(String adapter, String study, String series, String sop, String sopClass, String modality,
                String fileId, Instant received, String accession) {
        }
        List<Instance> rows = jdbi.withHandle(h -> h.createQuery("SELECT i.* FROM integration_imaging_instance i"
                + " JOIN integration_patient_identifier x ON x.adapter_id = i.adapter_id AND x.identifier = i.patient_id"
                + " WHERE x.local_patient_id = :p ORDER BY i.adapter_id, i.study_uid, i.series_uid, i.sop_instance_uid")
                .bind("p", patientId).map((rs, c) -> new Instance(rs.getString("adapter_id"),
                        rs.getString("study_uid"), rs.getString("series_uid"), rs.getString("sop_instance_uid"),
                        rs.getString("sop_class_uid"), rs.getString("modality"), rs.getString("file_id"),
                        at(rs, "received_at"), rs.getString("accession_number"))).list());
        Map<String, Map<String, List<Instance>>> studies = new LinkedHashMap<>();
        for (Instance i : rows) {
            studies.computeIfAbsent(i.adapter() + "\u0000" + i.study(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(i.series(), k -> new ArrayList<>()).add(i);
        }
        for (Map<String, List<Instance>> study : studies.values()) {
            Instance first = study.values().iterator().next().get(0);
            List<Object> series = new ArrayList<>();
            for (List<Instance> in : study.values()) {
                List<Object> instances = new ArrayList<>();
                for (Instance i : in) {
                    instances.add(obj("uid", d.id("dicom-uid", i.sop()), "sopClass", obj("system",
                            "urn:ietf:rfc:3986", "code", "urn:oid:" + i.sopClass()), "title", d.anonymised() ? null
                                    : "files/dicom/" + i.sop() + ".dcm"));
                    if (!d.anonymised()) { // DICOM headers name the patient: no files in the research export
                        try (InputStream content = files.open(i.fileId())) {
                            sink.file("dicom/" + i.sop() + ".dcm", "application/dicom", content);
                        }
                    }
                }
                series.add(obj("uid", d.id("dicom-uid", in.get(0).series()), "modality", in.get(0).modality() == null
                        ? null : obj("system", "http://dicom.nema.org/resources/ontology/DCM", "code",
                                in.get(0).modality()), "instance", instances));
            }
            List<Object> identifiers = new ArrayList<>(List.of(obj("system", "urn:dicom:uid", "value",
                    d.anonymised() ? d.id("dicom-uid", first.study()) : "urn:oid:" + first.study())));
            study.values().stream().flatMap(List::stream).map(Instance::accession).filter(a -> a != null)
                    .findFirst().ifPresent(a -> identifiers.add(obj("type", obj("coding", List.of(obj("system",
                            "http://terminology.hl7.org/CodeSystem/v2-0203", "code", "ACSN"))), "value",
                            d.id("accession", a))));
            sink.resource(obj("resourceType", "ImagingStudy", "id", d.id("dicom-uid", first.adapter() + "/"
                    + first.study()), "identifier", identifiers,
                    "status", "available", "subject", obj("reference", "Patient/" + pid),
                    "series", series));
        }
    }

    private static Instant at(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
