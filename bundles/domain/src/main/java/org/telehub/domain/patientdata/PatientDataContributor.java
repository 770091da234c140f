package org.telehub.domain.patientdata;

import java.io.IOException;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One bundle's share of a patient's data export: every bundle holding patient data registers one as an OSGi
 * service, and the export (core-encounter's {@code PatientExport}) asks each of them for one patient.
 *
 * <p>One method serves both the full export and the anonymised research export: a contributor passes every value
 * through the {@link Disclosure} by what it is (an identifier, an identifying attribute, free text, a date), and the
 * disclosure decides. That keeps one code path per bundle, so the research export cannot fall behind the full one.
 */
@ConsumerType
public interface PatientDataContributor {

    /** Short stable name, e.g. {@code encounter}; shown to operators and in the export's own record. */
    String name();

    /**
     * The database tables whose patient data this contributor exports: the coverage test fails when a table with a
     * patient column (or a foreign key to one) is named by no contributor.
     */
    Set<String> tables();

    /**
     * Writes everything this bundle holds about {@code patientId} (a local patient id that exists) to {@code sink}.
     * Called by the export only after it has checked the caller and audited the export; a contributor does not
     * check access itself.
     */
    void contribute(String patientId, Disclosure disclosure, PatientDataSink sink) throws IOException;
}
