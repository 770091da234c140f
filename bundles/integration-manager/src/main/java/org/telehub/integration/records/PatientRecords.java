package org.telehub.integration.records;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.integration.api.ObservationQuery;
import org.telehub.integration.api.ObservationValue;

/**
 * Reads a patient's records in every system they are mapped to, for work the hub does itself (no caller: a draft
 * made when a visit ends). Whoever calls must show what it gets only to someone who reaches the patient; each read
 * is audited under {@code actor} with the systems asked.
 */
@ProviderType
public interface PatientRecords {

    /**
     * The patient's observations matching {@code query} in every searchable EHR they are mapped to, newest first. A
     * system that fails or does not answer in time is named in {@link Observations#unavailable()}; the others' are
     * still returned.
     *
     * @param actor who reads, as the audit names it (e.g. {@code system:reports})
     * @param purpose why, as the audit records it (e.g. {@code draft of report for visit <id>})
     */
    Observations observations(String actor, String purpose, String patientId, ObservationQuery query);

    /** {@code unavailable}: "system: why" for each system that could not be read. */
    record Observations(List<ObservationValue> values, List<String> unavailable) {
    }
}
