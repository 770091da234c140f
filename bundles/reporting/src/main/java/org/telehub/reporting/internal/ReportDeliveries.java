package org.telehub.reporting.internal;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.domain.NotFoundException;
import org.telehub.domain.UnprocessableException;
import org.telehub.files.FileStore;
import org.telehub.integration.api.ConditionEntry;
import org.telehub.integration.api.MedicationOrder;
import org.telehub.integration.results.ResultDeliveries;
import org.telehub.reporting.Reports;
import org.telehub.security.AuthenticatedUser;
import org.telehub.security.Roles;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Sends a signed report (or addendum) to the systems its patient is mapped to (topic {@value #TOPIC}: one item per
 * signature, submitted in the signing's own transaction, so a signed report is always sent): the PDF as a report
 * the Integration Manager's durable deliveries take to each system — a FHIR {@code DiagnosticReport} with the PDF as
 * its {@code presentedForm} in an EHR, with a {@code Condition} per coded diagnosis and a {@code MedicationRequest}
 * per prescription line; an Encapsulated PDF in a PACS. The report carries its document id ({@code report:<id>});
 * an addendum names it as the report it amends (the EHR's report becomes {@code amended}, the PACS gets a new
 * document). The send's request key is the report's (or addendum's) id, so an item run twice (a crash after the
 * send) finds the deliveries made the first time. It acts
 * for the doctor who signed: their care relationship with the patient is what lets the result go. The handler is
 * there only while the Integration Manager is (its {@link ResultDeliveries} a mandatory reference): while it is not
 * (updated, uninstalled, or not started yet after a restart) the items wait without an attempt counted, and run as
 * soon as it is back; a patient mapped to no system that takes reports ends it (nothing to send).
 */
@Component(service = WorkHandler.class,
        property = {WorkHandler.TOPIC + "=" + ReportDeliveries.TOPIC, WorkHandler.MAX_ATTEMPTS + ":Integer=50",
            WorkHandler.BACKOFF_INITIAL_MILLIS + ":Long=10000", WorkHandler.BACKOFF_MAX_MILLIS + ":Long=3600000"})
public class ReportDeliveries implements WorkHandler {
    public static final String TOPIC = "reporting.deliver";
    /** LOINC 11506-3 "Progress note": what a visit's report is in an EHR. */
    static final String CODE = "11506-3";
    static final String LOINC = "http://loinc.org";
    static final String ICD10 = "http://hl7.org/fhir/sid/icd-10";
    static final String SNOMED = "http://snomed.info/sct";
    static final String ATC = "http://www.whocc.no/atc";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final FileStore files;
    private final ResultDeliveries deliveries;

    @Activate
    public ReportDeliveries(@Reference ReportSchema schema, @Reference FileStore files,
            @Reference ResultDeliveries deliveries) {
        this.jdbi = schema.jdbi();
        this.files = files;
        this.deliveries = deliveries;
    }

    /** The work item's payload: which report or addendum, and who signed it. */
    static String payload(String reportId, String addendumId, String signedBy) {
        try {
            return JSON.writeValueAsString(addendumId == null ? Map.of("report", reportId, "by", signedBy)
                    : Map.of("report", reportId, "addendum", addendumId, "by", signedBy));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The doctor the deliveries are sent for (their care relationship is what lets the result go). */
    static AuthenticatedUser signer(String username, String name) {
        return new AuthenticatedUser(0, username, name, Set.of(Roles.DOCTOR));
    }

    static String requestKey(String reportId, String addendumId) {
        return addendumId == null ? "report:" + reportId : "addendum:" + addendumId;
    }

    @Override
    public Verdict handle(WorkItem item) throws Exception {
        Map<String, String> p = JSON.readValue(item.payload(), new TypeReference<Map<String, String>>() {
        });
        String addendum = p.get("addendum");
        Optional<Map<String, Object>> row = jdbi.withHandle(h -> h.createQuery("SELECT r.patient_id, r.content::text"
                + " AS content, r.signed_at, r.pdf_file_id, doc.display_name AS doctor, a.text AS addendum_text,"
                + " a.pdf_file_id AS addendum_file, a.signed_at AS addendum_at FROM report r JOIN encounter_doctor doc"
                + " ON doc.id = r.doctor_id LEFT JOIN report_addendum a ON a.id = :a AND a.report_id = r.id WHERE"
                + " r.id = :r AND r.status = 'signed'").bind("r", p.get("report")).bind("a", addendum).mapToMap()
                .findOne());
        if (row.isEmpty() || addendum != null && row.get().get("addendum_file") == null) {
            return Verdict.giveUp("no signed report " + p.get("report") + (addendum == null ? "" : " with addendum "
                    + addendum));
        }
        Map<String, Object> r = row.get();
        Reports.Content content = ReportsImpl.content((String) r.get("content"));
        String fileId = (String) (addendum == null ? r.get("pdf_file_id") : r.get("addendum_file"));
        byte[] pdf;
        try (InputStream in = files.open(fileId)) {
            pdf = in.readAllBytes();
        } catch (IOException e) {
            return Verdict.retry("the report's PDF cannot be read now: " + e.getMessage());
        }
        java.sql.Timestamp at = (java.sql.Timestamp) (addendum == null ? r.get("signed_at") : r.get("addendum_at"));
        String doctor = (String) r.get("doctor");
        String conclusion = addendum == null ? content.assessment() : (String) r.get("addendum_text");
        String document = requestKey(p.get("report"), null);
        ResultDeliveries.Report report = new ResultDeliveries.Report(CODE, LOINC, addendum == null ? "Visit report"
                : "Addendum to the visit report", conclusion, pdf, "application/pdf", at.toInstant(), doctor, null,
                addendum == null ? document : null, addendum == null ? null : document);
        // the diagnoses and the prescription go with the report itself; an addendum is text only
        List<ConditionEntry> conditions = addendum == null ? conditions(content, at.toInstant(), doctor) : List.of();
        List<MedicationOrder> medications = addendum == null ? medications(content, at.toInstant(), doctor)
                : List.of();
        try {
            deliveries.send(signer(p.get("by"), doctor), (String) r.get("patient_id"), requestKey(p.get("report"), addendum),
                    report, conditions, medications);
            return Verdict.done();
        } catch (UnprocessableException none) {
            if ("targets".equals(none.field())) {
                return Verdict.done(); // mapped to no system that takes reports: nothing to send
            }
            return Verdict.giveUp(none.getMessage());
        } catch (NotFoundException noCare) {
            return Verdict.giveUp("the signing doctor no longer reaches the patient: " + noCare.getMessage());
        }
    }

    /** The report's coded diagnoses as the SPI files them (ICD-10 as WHO's, SNOMED CT), the primary first. */
    static List<ConditionEntry> conditions(Reports.Content c, Instant at, String doctor) {
        if (c.diagnoses() == null) {
            return List.of();
        }
        return c.diagnoses().stream().sorted(Comparator.comparing((Reports.Diagnosis d) -> !d.primary()))
                .map(d -> new ConditionEntry(d.code(), "snomed".equals(d.system()) ? SNOMED : ICD10, d.display(),
                        d.primary(), at, doctor)).toList();
    }

    /** The prescription's lines; a formulary medicine with its ATC code where the formulary has one. */
    List<MedicationOrder> medications(Reports.Content c, Instant at, String doctor) {
        if (c.medications() == null) {
            return List.of();
        }
        // the formulary's ATC codes of the prescribed medicines, in one query
        String[] ids = c.medications().stream().map(Reports.Medication::medicineId).filter(Objects::nonNull)
                .distinct().toArray(String[]::new);
        Map<String, String> atcOf = new HashMap<>();
        if (ids.length > 0) {
            jdbi.useHandle(h -> h.createQuery("SELECT id, atc FROM directory_medicine WHERE id = ANY(:ids) AND atc IS"
                    + " NOT NULL").bind("ids", ids).map((rs, ctx) -> Map.entry(rs.getString("id"), rs.getString("atc")))
                    .forEach(e -> atcOf.put(e.getKey(), e.getValue())));
        }
        List<MedicationOrder> out = new ArrayList<>();
        for (Reports.Medication m : c.medications()) {
            String atc = m.medicineId() == null ? null : atcOf.get(m.medicineId());
            out.add(new MedicationOrder(atc, atc == null ? null : ATC, m.name(), m.dose(), m.route(), m.frequency(),
                    m.duration(), m.quantity(), m.refills(), m.instructions(), at, doctor));
        }
        return out;
    }
}
