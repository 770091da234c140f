package org.telehub.reporting.internal;

import static org.telehub.domain.patientdata.JsonObjects.obj;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.domain.patientdata.Disclosure;
import org.telehub.domain.patientdata.PatientDataContributor;
import org.telehub.domain.patientdata.PatientDataSink;
import org.telehub.files.FileStore;
import org.telehub.reporting.Reports;

/**
 * Reports' share of a patient's export: each report as a FHIR {@code DiagnosticReport} (its status: preliminary
 * while a draft or approved, final once signed, amended once it has an addendum), its S/O/A/P text as the
 * conclusion (free text: left out of the research export), its coded diagnoses as {@code conclusionCode}; the signed
 * PDFs (the report's and each addendum's) as files under {@code reports/}. Saved revisions ({@code report_revision})
 * are not exported: the signed report is the record, the drafts before it the doctor's work in progress. Which
 * channel told the patient ({@code report_notice_sent}) and the signing keys ({@code report_signer},
 * {@code report_signing_ca}) are no patient's data.
 */
@Component(service = PatientDataContributor.class)
public class ReportContributor implements PatientDataContributor {
    private final Jdbi jdbi;
    private final FileStore files;

    @Activate
    public ReportContributor(@Reference ReportSchema schema, @Reference FileStore files) {
        this(schema.jdbi(), files);
    }

    ReportContributor(Jdbi jdbi, FileStore files) {
        this.jdbi = jdbi;
        this.files = files;
    }

    @Override
    public String name() {
        return "reports";
    }

    @Override
    public Set<String> tables() {
        return Set.of("report", "report_revision", "report_addendum");
    }

    @Override
    public void contribute(String patientId, Disclosure d, PatientDataSink sink) throws IOException {
        String pid = d.id("patient", patientId);
        record Pdf(String name, String file) {
        }
        List<Pdf> pdfs = new ArrayList<>();
        jdbi.useHandle(h -> h.createQuery("SELECT r.id, r.encounter_id, r.status, r.content::text AS content,"
                + " r.signed_at, r.updated_at, r.pdf_file_id, d.display_name AS doctor, (SELECT count(*) FROM"
                + " report_addendum a WHERE a.report_id = r.id) AS addenda FROM report r JOIN encounter_doctor d ON"
                + " d.id = r.doctor_id WHERE r.patient_id = :p ORDER BY r.created_at, r.id").bind("p", patientId)
                .map((rs, c) -> {
                    Reports.Content content = ReportsImpl.content(rs.getString("content"));
                    boolean signed = Reports.SIGNED.equals(rs.getString("status"));
                    String text = d.freeText(String.join("\n\n", java.util.stream.Stream.of(content.subjective(),
                            content.objective(), content.assessment(), content.plan()).filter(x -> x != null)
                            .toList()));
                    List<Object> codes = new ArrayList<>();
                    for (Reports.Diagnosis dx : content.diagnoses()) {
                        codes.add(obj("coding", List.of(obj("system", dx.system().equals("icd10")
                                ? "http://hl7.org/fhir/sid/icd-10" : "http://snomed.info/sct", "code", dx.code(),
                                "display", dx.display()))));
                    }
                    if (signed && rs.getString("pdf_file_id") != null) {
                        pdfs.add(new Pdf("reports/" + rs.getString("id") + ".pdf", rs.getString("pdf_file_id")));
                    }
                    java.sql.Timestamp at = rs.getTimestamp(signed ? "signed_at" : "updated_at");
                    return obj("resourceType", "DiagnosticReport", "id", d.id("report", rs.getString("id")),
                            "status", !signed ? "preliminary" : rs.getInt("addenda") > 0 ? "amended" : "final",
                            "code", obj("text", "Visit report (SOAP)"),
                            "subject", obj("reference", "Patient/" + pid),
                            "encounter", obj("reference", "Encounter/" + d.id("encounter",
                                    rs.getString("encounter_id"))),
                            "issued", signed ? String.valueOf(d.instant(at.toInstant())) : null,
                            "performer", List.of(obj("display", d.identifying(rs.getString("doctor")))),
                            "conclusion", text == null || text.isBlank() ? null : text,
                            "conclusionCode", codes.isEmpty() ? null : codes,
                            "presentedForm", signed && !d.anonymised() ? List.of(obj("contentType",
                                    "application/pdf", "url", "files/reports/" + rs.getString("id") + ".pdf"))
                                    : null);
                }).forEach(sink::resource));
        if (d.anonymised()) {
            return; // the research export has no files: a PDF names the patient
        }
        jdbi.useHandle(h -> h.createQuery("SELECT a.id, a.pdf_file_id FROM report_addendum a JOIN report r ON r.id ="
                + " a.report_id WHERE r.patient_id = :p ORDER BY a.signed_at, a.id").bind("p", patientId)
                .map((rs, c) -> new Pdf("reports/addendum-" + rs.getString(1) + ".pdf", rs.getString(2)))
                .forEach(pdfs::add));
        for (Pdf p : pdfs) {
            try (InputStream content = files.open(p.file())) {
                sink.file(p.name(), "application/pdf", content);
            }
        }
    }
}
