package org.telehub.directory.internal;

import static org.telehub.domain.patientdata.JsonObjects.obj;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.directory.Directory;
import org.telehub.domain.patientdata.Disclosure;
import org.telehub.domain.patientdata.PatientDataContributor;
import org.telehub.domain.patientdata.PatientDataSink;
import org.telehub.persistence.Database;

/**
 * The directory's share of a patient's export: the reviews they wrote, as FHIR {@code Communication} from the patient
 * about the doctor of the visit (the rating and the text as its payload, the text as free text: left out of the
 * research export), a hidden one with its moderation as a note; their insurance as FHIR {@code Coverage}; the doctors
 * they follow as FHIR {@code Basic}.
 */
@Component(service = PatientDataContributor.class)
public class DirectoryContributor implements PatientDataContributor {
    private final Jdbi jdbi;

    /** {@code directory}: its tables exist once the directory has migrated them. */
    @Activate
    public DirectoryContributor(@Reference Database database, @Reference Directory directory) {
        this(database.jdbi());
    }

    DirectoryContributor(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public String name() {
        return "directory";
    }

    @Override
    public Set<String> tables() {
        return Set.of("directory_review", "directory_coverage", "directory_follow");
    }

    @Override
    public void contribute(String patientId, Disclosure d, PatientDataSink sink) {
        String pid = d.id("patient", patientId);
        jdbi.useHandle(h -> h.createQuery("SELECT id, encounter_id, doctor_id, rating, text, hidden, hidden_reason,"
                + " moderated_at, created_at FROM directory_review WHERE patient_id = :p ORDER BY created_at, id")
                .bind("p", patientId).map((rs, c) -> {
                    List<Object> payload = new ArrayList<>();
                    payload.add(obj("contentString", "rating " + rs.getInt("rating") + " of 5"));
                    String text = rs.getString("text") == null ? null : d.freeText(rs.getString("text"));
                    if (text != null) {
                        payload.add(obj("contentString", text));
                    }
                    java.sql.Timestamp moderated = rs.getTimestamp("moderated_at");
                    String reason = rs.getString("hidden_reason") == null ? null
                            : d.freeText(rs.getString("hidden_reason"));
                    List<Object> notes = rs.getBoolean("hidden") ? List.of(obj("text", "hidden by the clinic"
                            + (moderated == null ? "" : " at " + d.instant(moderated.toInstant()))
                            + (reason == null ? "" : ": " + reason))) : null;
                    return obj("resourceType", "Communication", "id", d.id("directory-review", rs.getString("id")),
                            "status", "completed", "category", List.of(obj("text", "review of the doctor")),
                            "subject", obj("reference", "Patient/" + pid),
                            "encounter", obj("reference", "Encounter/" + d.id("encounter", rs.getString("encounter_id"))),
                            "sender", obj("reference", "Patient/" + pid),
                            "recipient", List.of(obj("reference", "Practitioner/" + d.id("doctor",
                                    rs.getString("doctor_id")))),
                            "sent", String.valueOf(d.instant(rs.getTimestamp("created_at").toInstant())),
                            "note", notes, "payload", payload);
                }).forEach(sink::resource));
        jdbi.useHandle(h -> h.createQuery("SELECT c.id, c.member_id, c.valid_from, c.valid_to, pl.name AS plan,"
                + " i.name AS insurer FROM directory_coverage c JOIN directory_plan pl ON pl.id = c.plan_id JOIN"
                + " directory_insurer i ON i.id = pl.insurer_id WHERE c.patient_id = :p ORDER BY c.valid_from, c.id")
                .bind("p", patientId).map((rs, c) -> obj("resourceType", "Coverage", "id", d.id("directory-coverage",
                        rs.getString("id")), "status", "active", "subscriberId", d.freeText(rs.getString("member_id")),
                        "beneficiary", obj("reference", "Patient/" + pid),
                        "payor", List.of(obj("display", rs.getString("insurer"))),
                        "class", List.of(obj("type", obj("text", "plan"), "value", rs.getString("plan"))),
                        "period", obj("start", String.valueOf(rs.getObject("valid_from", java.time.LocalDate.class)),
                                "end", rs.getObject("valid_to") == null ? null : String.valueOf(rs.getObject(
                                        "valid_to", java.time.LocalDate.class))))).forEach(sink::resource));
        jdbi.useHandle(h -> h.createQuery("SELECT doctor_id, created_at FROM directory_follow WHERE patient_id = :p"
                + " ORDER BY created_at, doctor_id").bind("p", patientId).map((rs, c) -> obj("resourceType", "Basic",
                        "id", d.id("directory-follow", rs.getString("doctor_id") + ":" + patientId),
                        "code", obj("text", "follows a doctor, to be told of free visit times"),
                        "subject", obj("reference", "Patient/" + pid),
                        "created", String.valueOf(d.instant(rs.getTimestamp("created_at").toInstant())),
                        "author", obj("reference", "Patient/" + pid),
                        "extension", List.of(obj("url", "urn:telehub:directory:follows", "valueReference",
                                obj("reference", "Practitioner/" + d.id("doctor", rs.getString("doctor_id")))))))
                .forEach(sink::resource));
    }
}
