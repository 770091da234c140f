/**
 * FHIR R4 for EHR adapters: {@link org.telehub.fhir.FhirRecords} implements the SPI's
 * {@link org.telehub.integration.api.ClinicalRecordSearch} over any FHIR R4 server; a vendor adapter supplies its
 * {@link org.telehub.fhir.SearchRules} and {@link org.telehub.fhir.FhirAuth}; since 1.1 its
 * {@link org.telehub.fhir.VendorRules} (parameters on every request, marks on created records, the writes it
 * allows) and client-secret authorisation; since 1.2 {@link org.telehub.integration.api.AnalysisRecorder} (an
 * analysis of a procedure as a report with its finding). No FHIR library type crosses this API.
 */
@Version("1.2.0")
package org.telehub.fhir;

import org.osgi.annotation.versioning.Version;
