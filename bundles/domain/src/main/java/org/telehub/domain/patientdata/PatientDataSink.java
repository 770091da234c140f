package org.telehub.domain.patientdata;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** Where a {@link PatientDataContributor} writes: FHIR R4 resources and files. */
@ProviderType
public interface PatientDataSink {

    /**
     * One FHIR R4 resource as the map its JSON form would parse to ({@code resourceType} and {@code id} required;
     * values: String, Number, Boolean, Map, List). Two contributions of one {@code resourceType}/{@code id} are
     * merged (lists appended), so another bundle can add its identifiers to the Patient.
     */
    void resource(Map<String, Object> resource);

    /**
     * A file belonging to the patient, decrypted ({@code content} read to its end, not closed). The research export
     * leaves files out: their content (e.g. DICOM headers) is not de-identified.
     *
     * @param name a relative path inside the export's {@code files/} folder
     */
    void file(String name, String mediaType, InputStream content) throws IOException;
}
