package org.telehub.integration.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One configured connection to one external system. Registered as an OSGi service by the adapter bundle, one per
 * factory configuration ({@code etc/org.telehub.adapter.<kind>-<name>.cfg}: Karaf's FileInstall splits the file
 * name at its last {@code -}, so the name has none and the instance id is the {@code id} property inside). The
 * manager never caches an adapter beyond the service's registration.
 */
@ConsumerType
public interface Adapter {

    /** Identity of this instance; constant for the life of the service. */
    AdapterInfo info();

    /** Opens (or verifies) the connection to the remote system. Idempotent. */
    void connect() throws AdapterException;

    /** Closes the connection; later calls fail until {@link #connect()}. Idempotent, never throws. */
    void disconnect();

    /** The last known state, without a remote call. Never throws. */
    AdapterHealth health();
}
