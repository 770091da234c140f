package org.telehub.integration.api;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An EHR that can be searched, beyond {@link ClinicalRecordSystem}'s reads by id. Added in 1.2 as its own
 * capability so that earlier EHR adapters keep working.
 *
 * @since 1.2
 */
@ConsumerType
public interface ClinicalRecordSearch extends ClinicalRecordSystem {

    /** Patients matching the query (the system may require a minimum set of criteria and say so). */
    List<Demographics> searchPatients(PatientQuery query) throws AdapterException;

    /** A patient's observations matching the query, newest first. */
    List<ObservationValue> observations(String systemPatientId, ObservationQuery query) throws AdapterException;
}
