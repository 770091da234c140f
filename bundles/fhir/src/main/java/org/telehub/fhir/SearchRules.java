package org.telehub.fhir;

import org.osgi.annotation.versioning.ConsumerType;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ObservationQuery;
import org.telehub.integration.api.PatientQuery;

/**
 * What a server accepts as a search, checked before a request is sent: vendors refuse searches without their
 * minimum criteria (Epic, for one). Throw a non-retryable {@link AdapterException} that names the rule.
 */
@ConsumerType
public interface SearchRules {

    /** Generic FHIR: any non-empty search. */
    SearchRules ANY = new SearchRules() {
    };

    default void checkPatientSearch(PatientQuery query) throws AdapterException {
    }

    default void checkObservationSearch(ObservationQuery query) throws AdapterException {
    }
}
