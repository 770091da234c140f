package org.telehub.integration.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Capability of a system that keeps documents about a patient (a procedure report, a discharge letter): an HL7 v2
 * interface that receives them as MDM or as an ORU's embedded document, an EHR's document list. Patient ids are the
 * system's own. Since 1.11.
 */
@ConsumerType
public interface DocumentSource {

    /** The patient's documents, newest first, at most {@code limit}; cancelled and replaced ones left out. */
    List<ClinicalDocument> documents(String systemPatientId, int limit) throws AdapterException;

    /**
     * A document's content (the PDF, the image); empty when the patient has no such document, or it has no content
     * besides its text.
     */
    Optional<DocumentContent> content(String systemPatientId, String documentId) throws AdapterException;
}
