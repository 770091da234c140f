package org.telehub.integration.api;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/** Capability of a PACS adapter. */
@ConsumerType
public interface ImagingArchive {

    /** Verifies the association (DICOM C-ECHO or its DICOMweb equivalent). */
    void echo() throws AdapterException;

    List<StudySummary> findStudies(String systemPatientId) throws AdapterException;

    /** Files a report with the patient's imaging (an Encapsulated PDF instance in the study, if given). */
    DeliveryReceipt storeReport(String systemPatientId, String studyInstanceUid, ReportDocument report,
            String idempotencyKey) throws AdapterException;
}
