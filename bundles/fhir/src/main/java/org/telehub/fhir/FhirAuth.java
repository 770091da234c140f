package org.telehub.fhir;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.telehub.integration.api.AdapterException;

/** How requests to a FHIR server are authorised. Thread-safe. Create with {@link FhirAuths}. */
@ProviderType
public interface FhirAuth {

    /** The {@code Authorization} header value, or empty for none; may fetch a token. */
    Optional<String> header() throws AdapterException;

    /**
     * The server answered 401 to a request made with {@link #header()}: forget cached credentials. Returns true
     * if asking again can help (a new token), false if the same credentials would be sent again.
     */
    boolean rejected();
}
