package org.telehub.adapter.hl7v2.internal;

import java.nio.charset.Charset;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.message.MDM_T01;
import ca.uhn.hl7v2.model.v251.message.MDM_T02;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.message.SIU_S12;
import ca.uhn.hl7v2.util.Terser;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.core.encounter.ExternalBookings;
import org.telehub.core.encounter.PatientRegister;
import org.telehub.domain.DomainException;
import org.telehub.integration.identities.SystemIdentities;
import org.telehub.security.AuthenticatedUser;
import org.telehub.work.Verdict;
import org.telehub.work.WorkHandler;
import org.telehub.work.WorkItem;

/**
 * Processes stored inbound messages (topic {@value Inbound#TOPIC}, in order per sender's patient): ADT A01, A04,
 * A08, A28 and A31 register the patient or update the demographics, and map the sender's identifier to the local
 * patient; A40 merges the retired identifier into the surviving one; ORU R01 keeps its results
 * ({@link Observations}) and embedded documents, MDM its document ({@link Documents}); SIU S12–S15, where the
 * interface books, register the patient as A04 does and book, move or cancel the appointment's visit
 * ({@link Appointments}). Each message's effects, their audit and its
 * processed mark commit in one transaction, so a message takes effect once however often its item runs. A message the
 * register refuses (a wrong birth date, no name for a new patient) is marked failed with the reason, not retried.
 */
@Component(service = WorkHandler.class, property = {WorkHandler.TOPIC + "=" + Inbound.TOPIC,
        WorkHandler.ORDERED + ":Boolean=true", WorkHandler.CONSUMERS + ":Integer=" + Inbound.CONSUMERS})
public class InboundProcessor implements WorkHandler {
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ()-]{5,31}");
    private static final Pattern DATE = Pattern.compile("(\\d{4})(\\d{2})(\\d{2}).*");
    private static final Set<String> REGISTERING = Set.of("A01", "A04", "A08", "A28", "A31");

    private final Jdbi jdbi;
    private final PatientRegister register;
    private final SystemIdentities identities;
    private final ExternalBookings bookings;
    private final Codec codec = new Codec();

    @Activate
    public InboundProcessor(@Reference Hl7Schema schema, @Reference PatientRegister register,
            @Reference SystemIdentities identities, @Reference ExternalBookings bookings) {
        this.jdbi = schema.jdbi();
        this.register = register;
        this.identities = identities;
        this.bookings = bookings;
    }

    /**
     * Processes the item's message in one transaction. A message the register refuses, or that no longer parses, is
     * marked failed with the reason (its effects rolled back); a database failure retries the item.
     */
    @Override
    public Verdict handle(WorkItem item) throws Exception {
        String id = item.payload();
        try {
            Codec.inBundle(() -> jdbi.inTransaction(tx -> {
                process(tx, id);
                return null;
            }));
        } catch (DomainException refused) {
            jdbi.useHandle(h -> fail(h, id, (refused.field() == null ? "" : refused.field() + ": ")
                    + refused.detail()));
        } catch (HL7Exception | IllegalArgumentException unreadable) {
            jdbi.useHandle(h -> fail(h, id, "no longer parses: " + unreadable.getMessage()));
        }
        return Verdict.done();
    }

    private static void fail(Handle tx, String id, String why) {
        tx.createUpdate("UPDATE hl7_message SET state = 'failed', error = :e, processed_at = :t WHERE id = :id")
                .bind("e", why).bind("t", Timestamp.from(Instant.now())).bind("id", id).execute();
    }

    private void process(Handle tx, String id) throws HL7Exception {
        Optional<Stored> row = tx.createQuery("SELECT adapter_id, raw, charset, state, patient_identifier"
                + " FROM hl7_message WHERE id = :id FOR UPDATE").bind("id", id).map((rs, ctx) -> new Stored(
                        rs.getString(1), rs.getBytes(2), rs.getString(3), rs.getString(4), rs.getString(5))).findOne();
        if (row.isEmpty() || !row.get().state().equals("queued")) {
            return; // its effects committed with its state (or an administrator deleted it): a rerun changes nothing
        }
        Message m = codec.parser().parse(new String(row.get().raw(), Charset.forName(row.get().charset())));
        Terser t = new Terser(m);
        String adapterId = row.get().adapterId();
        String type = t.get("/MSH-9-1");
        String event = t.get("/MSH-9-2");
        String identifier = row.get().patientIdentifier(); // PID-3 as the adapter's configuration chose it
        AuthenticatedUser actor = new AuthenticatedUser(0, "system:hl7:" + adapterId, "HL7 v2 " + adapterId, Set.of());
        String local;
        String note = null;
        if ("ORU".equals(type) && "R01".equals(event) && m instanceof ORU_R01 oru) {
            // results never register a patient: they are kept under the sender's identifier, shown once it is mapped
            local = identities.lockLocalPatient(tx, adapterId, identifier).orElse(null);
            int n = Observations.store(tx, id, adapterId, identifier, oru);
            Documents.FromResults documents = Documents.storeFromResults(tx, id, adapterId, identifier, oru);
            note = n + " observations" + (documents.kept() == 0 ? "" : ", " + documents.kept() + " documents")
                    + (documents.unreadable() == null ? "" : "; an embedded document not kept, " + documents
                            .unreadable())
                    + (local == null ? "; no patient has this identifier in Telehub yet" : "");
        } else if ("MDM".equals(type) && Documents.MESSAGE_TYPES.contains(type + "^" + event)) {
            // a document, like a result, never registers a patient: kept under the sender's identifier
            local = identities.lockLocalPatient(tx, adapterId, identifier).orElse(null);
            if (m instanceof MDM_T02 mdm) {
                note = Documents.store(tx, id, adapterId, identifier, event, mdm);
            } else if (m instanceof MDM_T01 cancel && "T11".equals(event)) {
                note = Documents.cancel(tx, adapterId, identifier, cancel);
            } else {
                throw new org.telehub.domain.UnprocessableException("MSH-9", type + "^" + event + " did not parse"
                        + " as a document message");
            }
            note += local == null ? "; no patient has this identifier in Telehub yet" : "";
        } else if ("A40".equals(event)) {
            String retired = t.get("/.MRG-1(0)-1");
            if (retired == null || retired.isBlank()) {
                throw new org.telehub.domain.InvalidException("MRG-1", "An A40 names the retired identifier in MRG-1");
            }
            SystemIdentities.Merge merged = identities.merge(tx, actor, adapterId, identifier, retired.trim());
            local = merged.localPatientId();
            if (merged.duplicateLocalPatientId() != null) {
                note = "one person in " + adapterId + ": local patients " + merged.localPatientId() + " and "
                        + merged.duplicateLocalPatientId() + " (merge them in Telehub)";
            }
        } else if (REGISTERING.contains(event)) {
            local = registered(tx, actor, adapterId, identifier, t);
        } else if ("SIU".equals(type) && m instanceof SIU_S12 siu) {
            Appointments.Scheduling scheduling = Appointments.Scheduling.load(tx, adapterId).orElseThrow(() ->
                    new org.telehub.domain.UnprocessableException("MSH-9", "this interface no longer books visits"
                            + " (its bookings setting is off)"));
            // the PID registers or updates the patient as an A04 would, then the appointment is theirs
            local = registered(tx, actor, adapterId, identifier, t);
            note = Appointments.apply(tx, bookings, actor, adapterId, event, local, siu, scheduling);
        } else {
            throw new org.telehub.domain.UnprocessableException("MSH-9", type + "^" + event + " is not processed");
        }
        tx.createUpdate("UPDATE hl7_message SET state = 'processed', local_patient_id = :p, processed_at = :t,"
                + " error = :n WHERE id = :id").bind("p", local).bind("t", Timestamp.from(Instant.now()))
                .bind("n", note).bind("id", id).execute();
    }

    /** Registers the sender's patient or updates their demographics, and maps the identifier; the local id. */
    private String registered(Handle tx, AuthenticatedUser actor, String adapterId, String identifier, Terser t)
            throws HL7Exception {
        Optional<String> known = identities.lockLocalPatient(tx, adapterId, identifier);
        PatientRegister.Registered r = register.record(tx, actor, known.orElse(null), demographics(t));
        if (known.isEmpty()) {
            identities.map(tx, actor, r.patient().id(), adapterId, identifier);
        }
        return r.patient().id();
    }

    /** PID-5 (given then family name), PID-7 (when it has the day), PID-13's first number. */
    static PatientRegister.Demographics demographics(Terser t) throws HL7Exception {
        String family = Header.nz(t.get("/.PID-5(0)-1-1")).trim();
        String given = Header.nz(t.get("/.PID-5(0)-2")).trim();
        String middle = Header.nz(t.get("/.PID-5(0)-3")).trim();
        String name = String.join(" ", java.util.stream.Stream.of(given, middle, family).filter(s -> !s.isEmpty())
                .toList());
        String birth = Header.nz(t.get("/.PID-7-1")).trim();
        var d = DATE.matcher(birth);
        String phone = Header.nz(t.get("/.PID-13(0)-1")).trim();
        if (phone.isEmpty()) {
            phone = Header.nz(t.get("/.PID-13(0)-12")).trim();
        }
        return new PatientRegister.Demographics(name.isEmpty() ? null : name,
                d.matches() ? d.group(1) + "-" + d.group(2) + "-" + d.group(3) : null, // a year or month alone: unknown
                PHONE.matcher(phone).matches() ? phone : null);
    }

    private record Stored(String adapterId, byte[] raw, String charset, String state, String patientIdentifier) {
    }
}
