package org.telehub.integration.manager.internal.record;

import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.DocumentSource;
import org.telehub.integration.spi.CapabilityHandler;

/**
 * A system's documents about a patient (a procedure report, a letter) in its part of the patient read
 * ({@code documents}: the newest 50, their text and what content each has), so the read's care-relationship rule,
 * audit, bulkhead and timeout apply. The content itself is read one document at a time
 * ({@code GET /integration/ehr/patient/{id}/documents/{documentId}}). Files no results.
 */
@Component(service = CapabilityHandler.class)
public class DocumentCapability implements CapabilityHandler<DocumentSource> {
    /** How many documents the patient read shows. */
    static final int RECENT_DOCUMENTS = 50;

    @Override
    public Class<DocumentSource> capability() {
        return DocumentSource.class;
    }

    @Override
    public Map<String, Object> read(DocumentSource system, String systemPatientId) throws AdapterException {
        return Map.of("documents", CapabilityHandler.required(system.documents(systemPatientId, RECENT_DOCUMENTS),
                "documents()"));
    }
}
