/**
 * Everything the hub holds about one patient, gathered from every bundle that holds some: the
 * {@link org.telehub.domain.patientdata.PatientDataContributor} SPI (issue 14, part 5). It lives beside the domain's
 * failures because every bundle already imports {@code org.telehub.domain} and this package needs nothing else (no
 * FHIR or JSON library: resources are plain maps of the FHIR R4 JSON structure), so a bundle holding patient data
 * can contribute without a new dependency.
 */
@Version("1.1.0")
package org.telehub.domain.patientdata;

import org.osgi.annotation.versioning.Version;
