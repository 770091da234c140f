package org.telehub.integration.api;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where an adapter hands the DICOM instances a system sends the hub unasked: an endoscopy system's images and videos
 * arriving at the adapter's storage SCP. Provided by the integration manager; an adapter that receives takes it as a
 * service.
 *
 * @since 1.7
 */
@ProviderType
public interface InstanceIntake {

    /**
     * Keeps one received instance: its content encrypted into the hub's file store, indexed under the receiving
     * system and the instance's Patient ID, study and accession number, and, when {@code forwardTo} names an archive,
     * its forward there queued as durable work. All of it is committed before this returns, so a storage SCP answers
     * the sender's C-STORE with success only then; when this throws, nothing of the instance is kept. The same SOP
     * Instance UID from the same system again replaces the earlier copy (and is forwarded again). The file stays the
     * caller's to delete.
     *
     * @param adapterId the receiving adapter: the system the instance's Patient ID is an identifier in
     * @param accessionNumber the order the instance was made for (Accession Number), or null
     * @param forwardTo the id of a {@link DicomArchive} adapter to forward the instance to, or null for none
     * @throws AdapterException when the instance was not kept: retryable when the hub could not store it now (its
     *             database or file store), not when the instance itself is refused (no Patient ID, a bad UID)
     */
    void keep(String adapterId, ReceivedInstance instance, String accessionNumber, Path part10File, String forwardTo)
            throws AdapterException;
}
