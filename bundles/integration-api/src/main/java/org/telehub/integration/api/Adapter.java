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

    /**
     * Whether results sent to this system must reach it in the order they were sent, per patient (an HL7 v2
     * interface: a correction must not overtake the result it corrects). The manager then sends one delivery at a
     * time per patient of this system; a delivery being retried holds back the later ones. False by default:
     * deliveries run in parallel.
     *
     * @since 1.5
     */
    default boolean keepsOrderPerPatient() {
        return false;
    }
}
