/**
 * A real FHIR R4 server (HAPI FHIR JPA on in-memory H2) on 127.0.0.1 for tests: {@link
 * org.telehub.testing.fhir.FhirServerProcess} runs it in a child JVM, {@link org.telehub.testing.fhir.FhirServer}
 * in the current one. Test support only: never a dependency of the product.
 */
package org.telehub.testing.fhir;
