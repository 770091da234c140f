package org.telehub.reporting;

import java.time.Instant;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Something that knows part of what happened in a visit and offers it to the visit's new report draft: registered
 * as an OSGi service, asked once when the draft is made (never afterwards: the doctor's text is the doctor's). What
 * it returns is appended to the draft's sections, in service ranking order, each part under its source's label.
 */
@ConsumerType
public interface DraftSource {

    /** Shown with what the source contributed, e.g. "Transcript" (the doctor sees where a text came from). */
    String label();

    /**
     * Its part of the visit's draft; null or an empty part when it has nothing. Runs outside any caller's request:
     * it must not ask the caller's permissions, and failing (an exception) leaves its part out of the draft only.
     */
    Part contribute(Visit visit) throws Exception;

    /**
     * The visit as a source needs it; since 1.1 when it began and ended (null: not yet) and the doctor's time zone
     * (what times in a draft are written in).
     */
    record Visit(String encounterId, String patientId, String doctorId, String type, String chiefComplaint,
            String patientNotes, String doctorNotes, Instant startedAt, Instant endedAt, String timeZone) {

        /** The 1.0 visit, without its times. */
        public Visit(String encounterId, String patientId, String doctorId, String type, String chiefComplaint,
                String patientNotes, String doctorNotes) {
            this(encounterId, patientId, doctorId, type, chiefComplaint, patientNotes, doctorNotes, null, null, null);
        }
    }

    /** Texts for the Subjective and Objective sections (null: nothing). */
    record Part(String subjective, String objective) {
    }
}
