package org.telehub.core.encounter.internal.encounter;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.UUID;

import org.telehub.core.encounter.EncounterService.BookingRequest;
import org.telehub.core.encounter.EncounterService.Fee;
import org.telehub.core.encounter.EncounterService.Participant;
import org.telehub.core.encounter.EncounterService.ParticipantRequest;
import org.telehub.core.encounter.internal.Checks;
import org.telehub.core.encounter.internal.people.Caller;
import org.telehub.domain.ForbiddenException;
import org.telehub.domain.InvalidException;
import org.telehub.domain.UnprocessableException;

/**
 * A booking request checked before any lock is taken: the fields in the order callers have always been told about
 * them, and who may book what (a patient books for themselves, without participants or a fee).
 */
record BookingInput(String type, String doctorId, String patientId, Instant start, List<Participant> participants,
        Fee fee, String clinicId) {

    static BookingInput of(Caller c, BookingRequest r) {
        Checks.body(r);
        String type = r.type() == null ? null : r.type().trim();
        if (type == null || !Lifecycle.TYPES.contains(type)) {
            throw new InvalidException("type", "One of " + new TreeSet<>(Lifecycle.TYPES));
        }
        String patientId = r.patientId();
        if (!c.staff()) {
            if (c.patientId() == null) {
                throw new ForbiddenException("Your account is not linked to a patient record");
            }
            if (patientId != null && !patientId.equals(c.patientId())) {
                throw new ForbiddenException("Forbidden", "Patients book for themselves only", "patientId", null);
            }
            patientId = c.patientId();
            // who else joins (and with what link) and what the visit costs are the clinic's to decide; 403 as for
            // patientId: the same body is fine from staff, so it is the caller, not the input, that is refused
            if (r.participants() != null && !r.participants().isEmpty()) {
                throw new ForbiddenException("Forbidden", "Only the clinic invites participants to a visit",
                        "participants", null);
            }
            if (r.fee() != null) {
                throw new ForbiddenException("Forbidden", "Only the clinic sets the fee of a visit", "fee", null);
            }
        }
        if (r.doctorId() == null || r.doctorId().isBlank()) {
            throw new InvalidException("doctorId", "Required");
        }
        if (patientId == null || patientId.isBlank()) {
            throw new InvalidException("patientId", "Required");
        }
        Instant start = parseStart("scheduledStart", r.scheduledStart());
        Checks.maxLength("chiefComplaint", r.chiefComplaint(), 1000);
        Checks.maxLength("patientNotes", r.patientNotes(), 4000);
        List<Participant> participants = participants(r.participants());
        Fee fee = null;
        if (r.fee() != null) {
            BigDecimal amount = r.fee().amount();
            if (amount == null || amount.signum() < 0 || amount.scale() > 2
                    || amount.compareTo(BigDecimal.valueOf(1_000_000)) >= 0) {
                throw new UnprocessableException("fee.amount", "0 to 999999.99, at most two decimals");
            }
            try {
                Currency.getInstance(r.fee().currency() == null ? "" : r.fee().currency());
            } catch (IllegalArgumentException e) {
                throw new UnprocessableException("fee.currency", "An ISO 4217 code such as EUR");
            }
            fee = new Fee(amount, r.fee().currency());
        }
        Checks.maxLength("clinicId", r.clinicId(), 36);
        String clinicId = r.clinicId() == null || r.clinicId().isBlank() ? null : r.clinicId().trim();
        return new BookingInput(type, r.doctorId(), patientId, start, participants, fee, clinicId);
    }

    /** Video and audio visits get a room (and so join links). */
    String room() {
        return type.equals("video") || type.equals("audio") ? UUID.randomUUID().toString() : null;
    }

    static Instant parseStart(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidException(field, "Required: an ISO-8601 date-time with offset, e.g."
                    + " 2026-11-23T09:00:00+01:00");
        }
        Instant t;
        try {
            t = OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidException(field, "Not an ISO-8601 date-time with offset (e.g."
                    + " 2026-11-23T09:00:00+01:00 or ...Z): " + value);
        }
        if (t.getEpochSecond() % 60 != 0 || t.getNano() != 0) {
            throw new UnprocessableException(field, "Visits start on a whole minute");
        }
        return t;
    }

    private static List<Participant> participants(List<ParticipantRequest> in) {
        if (in == null) {
            return List.of();
        }
        if (in.size() > 10) {
            throw new InvalidException("participants", "At most 10 invited participants");
        }
        List<Participant> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            ParticipantRequest p = in.get(i);
            String f = "participants[" + i + "]";
            if (p == null || p.kind() == null || !Lifecycle.PARTICIPANT_KINDS.contains(p.kind())) {
                throw new InvalidException(f + ".kind", "One of " + new TreeSet<>(Lifecycle.PARTICIPANT_KINDS));
            }
            if (p.displayName() == null || p.displayName().isBlank() || p.displayName().length() > 200) {
                throw new InvalidException(f + ".displayName", "1 to 200 characters");
            }
            if (p.email() != null && !Checks.EMAIL.matcher(p.email()).matches()) {
                throw new InvalidException(f + ".email", "Not an email address");
            }
            if (p.username() != null && (p.username().isBlank() || p.username().length() > 64)) {
                throw new InvalidException(f + ".username", "1 to 64 characters");
            }
            out.add(new Participant(UUID.randomUUID().toString(), p.kind(), p.displayName().trim(), p.email(),
                    p.username() == null ? null : p.username().toLowerCase(Locale.ROOT)));
        }
        return out;
    }
}
