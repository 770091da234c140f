package org.telehub.core.encounter.internal.export;

import static org.telehub.core.encounter.internal.export.Fhir.coding;
import static org.telehub.core.encounter.internal.export.Fhir.instant;
import static org.telehub.core.encounter.internal.export.Fhir.list;
import static org.telehub.core.encounter.internal.export.Fhir.obj;
import static org.telehub.core.encounter.internal.export.Fhir.ref;
import static org.telehub.core.encounter.internal.export.Fhir.text;

import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jdbi.v3.core.Handle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.core.encounter.internal.EncounterDb;
import org.telehub.domain.patientdata.Disclosure;
import org.telehub.domain.patientdata.PatientDataContributor;
import org.telehub.domain.patientdata.PatientDataSink;

/**
 * The encounter module's share of a patient's export: the demographics ({@code Patient}), each visit with its
 * participants, reason and notes ({@code Encounter}), its change history ({@code Provenance}), its reminders
 * ({@code Communication}: when, whether sent; never the message, which holds a join link), its invitations
 * ({@code Communication}: to whom, which kind, by which channels, sent, used, revoked; never the link or the access
 * code, which are credentials: {@code encounter_access_code} is named here and not exported), the care team
 * ({@code CareTeam}) and break-glass grants ({@code AuditEvent}: they are disclosures); a visit an external
 * scheduler booked carries that system's appointment id as an identifier. Notes that FHIR R4's
 * Encounter has no element for travel as extensions with Telehub's URLs.
 */
@Component(service = PatientDataContributor.class)
public class EncounterContributor implements PatientDataContributor {
    static final String EXT = "urn:telehub:encounter:";
    private final EncounterDb db;

    @Activate
    public EncounterContributor(@Reference EncounterDb db) {
        this.db = db;
    }

    @Override
    public String name() {
        return "encounter";
    }

    @Override
    public Set<String> tables() {
        return Set.of("encounter_patient", "encounter", "encounter_participant", "encounter_event",
                "encounter_reminder", "encounter_care_team", "encounter_break_glass", "encounter_invitation",
                "encounter_invitation_send", "encounter_access_code", "encounter_external_booking");
    }

    @Override
    public void contribute(String patientId, Disclosure d, PatientDataSink sink) {
        db.jdbi().useHandle(h -> {
            patient(h, patientId, d, sink);
            encounters(h, patientId, d, sink);
            careTeam(h, patientId, d, sink);
            breakGlass(h, patientId, d, sink);
        });
    }

    private static void patient(Handle h, String pid, Disclosure d, PatientDataSink sink) {
        h.createQuery("SELECT * FROM encounter_patient WHERE id = :id").bind("id", pid).map((rs, c) -> {
            Date birth = rs.getDate("birth_date");
            String email = d.identifying(rs.getString("email"));
            String phone = d.identifying(rs.getString("phone"));
            String name = d.identifying(rs.getString("display_name"));
            return obj("resourceType", "Patient", "id", d.id("patient", pid),
                    "identifier", list(obj("system", Fhir.PATIENT_SYSTEM, "value", d.id("patient", pid)),
                            rs.getString("username") == null ? null : obj("system", "urn:telehub:user", "value",
                                    d.id("user", rs.getString("username")))),
                    "name", name == null ? null : list(obj("text", name)),
                    "telecom", list(email == null ? null : obj("system", "email", "value", email),
                            phone == null ? null : obj("system", "phone", "value", phone)),
                    "birthDate", birth == null ? null : d.date(birth.toLocalDate()).toString());
        }).forEach(sink::resource);
    }

    private static void encounters(Handle h, String pid, Disclosure d, PatientDataSink sink) {
        List<String> ids = new ArrayList<>();
        h.createQuery("SELECT e.*, o.display_name AS doctor_name, o.username AS doctor_username FROM encounter e"
                + " JOIN encounter_doctor o ON o.id = e.doctor_id WHERE e.patient_id = :p ORDER BY e.scheduled_start")
                .bind("p", pid).map((rs, c) -> {
                    String id = rs.getString("id");
                    ids.add(id);
                    boolean actual = rs.getTimestamp("actual_start") != null;
                    List<Object> participants = new ArrayList<>();
                    participants.add(obj("type", list(obj("text", "doctor")), "individual", obj(
                            "identifier", obj("system", "urn:telehub:doctor", "value", d.id("doctor",
                                    rs.getString("doctor_id"))),
                            "display", d.identifying(rs.getString("doctor_name")))));
                    h.createQuery("SELECT kind, display_name, email, username FROM encounter_participant"
                            + " WHERE encounter_id = :e ORDER BY created_at").bind("e", id).map((p, x) -> obj(
                                    "type", list(obj("text", p.getString("kind"))), "individual", obj(
                                            "identifier", p.getString("username") == null ? null : obj("system",
                                                    "urn:telehub:user", "value", d.id("user",
                                                            p.getString("username"))),
                                            "display", d.identifying(p.getString("display_name")))))
                            .forEach(participants::add);
                    // the appointment an external scheduler booked it under (HL7 v2 SIU), as that system's id
                    List<Object> appointments = new ArrayList<>();
                    h.createQuery("SELECT system_id, appointment_id FROM encounter_external_booking WHERE"
                            + " encounter_id = :e").bind("e", id).map((b, x) -> obj("system", "urn:telehub:appointment:"
                                    + b.getString("system_id"), "value", d.id("appointment", b.getString("system_id")
                                            + "/" + b.getString("appointment_id")))).forEach(appointments::add);
                    return obj("resourceType", "Encounter", "id", d.id("encounter", id),
                            "identifier", appointments.isEmpty() ? null : appointments,
                            "status", status(rs.getString("status")),
                            "class", coding("http://terminology.hl7.org/CodeSystem/v3-ActCode",
                                    "in_person".equals(rs.getString("type")) ? "AMB" : "VR"),
                            "type", list(obj("text", rs.getString("type"))),
                            "subject", ref("Patient", d.id("patient", pid)),
                            "participant", participants,
                            "serviceProvider", rs.getString("clinic_id") == null ? null : obj("identifier", obj(
                                    "system", "urn:telehub:clinic", "value", rs.getString("clinic_id"))),
                            "period", obj("start", text(d.instant(instant(rs, actual ? "actual_start"
                                    : "scheduled_start"))), "end", text(d.instant(instant(rs, actual
                                            ? "actual_end" : "scheduled_end")))),
                            "reasonCode", Fhir.texts(d.freeText(rs.getString("chief_complaint"))),
                            "extension", list(
                                    ext("scheduled-start", text(d.instant(instant(rs, "scheduled_start")))),
                                    ext("patient-notes", d.freeText(rs.getString("patient_notes"))),
                                    ext("doctor-notes", d.freeText(rs.getString("doctor_notes"))),
                                    ext("cancel-reason", d.freeText(rs.getString("cancel_reason"))),
                                    ext("recording-consent-at", text(d.instant(instant(rs,
                                            "recording_consent_at"))))));
                }).forEach(sink::resource);
        for (String id : ids) {
            h.createQuery("SELECT sequence, type, occurred_at, actor FROM encounter_event WHERE encounter_id = :e"
                    + " ORDER BY sequence").bind("e", id).map((rs, c) -> obj("resourceType", "Provenance",
                            "id", d.id("encounter-event", rs.getString("sequence")),
                            "target", list(ref("Encounter", d.id("encounter", id))),
                            "recorded", text(d.instant(instant(rs, "occurred_at"))),
                            "activity", obj("coding", list(coding("urn:telehub:encounter-event",
                                    rs.getString("type")))),
                            "agent", list(obj("who", obj("identifier", obj("system", "urn:telehub:user", "value",
                                    d.id("user", rs.getString("actor"))))))))
                    .forEach(sink::resource);
            // the reminder's state is its work item's; sent_at and detail (why not sent) tell enough here
            h.createQuery("SELECT id, due_at, detail, sent_at FROM encounter_reminder WHERE encounter_id = :e"
                    + " ORDER BY due_at").bind("e", id).map((rs, c) -> obj("resourceType", "Communication",
                            "id", d.id("reminder", rs.getString("id")),
                            "status", rs.getTimestamp("sent_at") != null ? "completed"
                                    : rs.getString("detail") == null ? "preparation" : "not-done",
                            "category", list(obj("text", "visit reminder")),
                            "subject", ref("Patient", d.id("patient", pid)),
                            "encounter", ref("Encounter", d.id("encounter", id)),
                            "sent", text(d.instant(instant(rs, "sent_at"))),
                            "note", rs.getString("detail") == null ? null : Fhir.texts(d.freeText(rs.getString(
                                    "detail"))),
                            "extension", list(ext("due-at", text(d.instant(instant(rs, "due_at")))))))
                    .forEach(sink::resource);
            h.createQuery("SELECT i.id, i.kind, i.display_name, i.created_at, i.redeemed_at, i.revoked_at,"
                    + " (SELECT string_agg(s.channel, ',' ORDER BY s.channel) FROM encounter_invitation_send s"
                    + " WHERE s.invitation_id = i.id) AS channels, (SELECT MAX(s.sent_at) FROM"
                    + " encounter_invitation_send s WHERE s.invitation_id = i.id) AS sent_at"
                    + " FROM encounter_invitation i WHERE i.encounter_id = :e ORDER BY i.created_at")
                    .bind("e", id).map((rs, c) -> obj("resourceType", "Communication",
                            "id", d.id("invitation", rs.getString("id")),
                            "status", rs.getTimestamp("revoked_at") != null ? "stopped"
                                    : rs.getTimestamp("sent_at") != null ? "completed" : "preparation",
                            "category", list(obj("text", "visit invitation")),
                            "subject", ref("Patient", d.id("patient", pid)),
                            "encounter", ref("Encounter", d.id("encounter", id)),
                            "recipient", list(obj("display", d.identifying(rs.getString("display_name")))),
                            "medium", rs.getString("channels") == null ? null : list(obj("text",
                                    rs.getString("channels"))),
                            "sent", text(d.instant(instant(rs, "sent_at"))),
                            "extension", list(ext("invitation-kind", rs.getString("kind")),
                                    ext("invited-at", text(d.instant(instant(rs, "created_at")))),
                                    ext("link-used-at", text(d.instant(instant(rs, "redeemed_at")))),
                                    ext("revoked-at", text(d.instant(instant(rs, "revoked_at")))))))
                    .forEach(sink::resource);
        }
    }

    private static void careTeam(Handle h, String pid, Disclosure d, PatientDataSink sink) {
        List<Object> members = h.createQuery("SELECT username, added_by, added_at FROM encounter_care_team"
                + " WHERE patient_id = :p ORDER BY added_at").bind("p", pid).map((rs, c) -> (Object) obj(
                        "member", obj("identifier", obj("system", "urn:telehub:user", "value", d.id("user",
                                rs.getString("username")))),
                        "period", obj("start", text(d.instant(instant(rs, "added_at")))))).list();
        if (!members.isEmpty()) {
            sink.resource(obj("resourceType", "CareTeam", "id", d.id("care-team", pid), "status", "active",
                    "subject", ref("Patient", d.id("patient", pid)), "participant", members));
        }
    }

    private static void breakGlass(Handle h, String pid, Disclosure d, PatientDataSink sink) {
        h.createQuery("SELECT id, username, reason, granted_at, expires_at FROM encounter_break_glass"
                + " WHERE patient_id = :p ORDER BY granted_at").bind("p", pid).map((rs, c) -> obj(
                        "resourceType", "AuditEvent", "id", d.id("break-glass", rs.getString("id")),
                        "type", coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest"),
                        "subtype", list(coding("urn:telehub:audit-action", "patient.break-glass")),
                        "action", "E",
                        "period", obj("start", text(d.instant(instant(rs, "granted_at"))), "end",
                                text(d.instant(instant(rs, "expires_at")))),
                        "recorded", text(d.instant(instant(rs, "granted_at"))),
                        "outcome", "0",
                        "purposeOfEvent", Fhir.texts(d.freeText(rs.getString("reason"))),
                        "agent", list(obj("who", obj("identifier", obj("system", "urn:telehub:user", "value",
                                d.id("user", rs.getString("username")))), "requestor", true)),
                        "source", obj("observer", obj("display", "Telehub")),
                        "entity", list(obj("what", ref("Patient", d.id("patient", pid))))))
                .forEach(sink::resource);
    }

    private static Map<String, Object> ext(String name, String value) {
        return value == null ? null : obj("url", EXT + name, "valueString", value);
    }

    /** Telehub's visit states as FHIR R4's Encounter.status. */
    static String status(String s) {
        return switch (s) {
            case "scheduled", "confirmed" -> "planned";
            case "in_progress" -> "in-progress";
            case "completed" -> "finished";
            case "cancelled", "no_show" -> "cancelled";
            default -> "unknown";
        };
    }
}
