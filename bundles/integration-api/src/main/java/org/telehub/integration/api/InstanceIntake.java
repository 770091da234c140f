package org.telehub.integration.api;

import java.nio.file.Path;
import java.util.List;

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
     * system and the instance's Patient ID, study and accession number, and its forward to each system
     * {@code forwardTo} names queued as durable work (one each). All of it is committed before this returns, so a
     * storage SCP answers the sender's C-STORE with success only then; when this throws, nothing of the instance is
     * kept. The same SOP Instance UID from the same system again replaces the earlier copy (and is forwarded again).
     * The file stays the caller's to delete.
     *
     * @param adapterId the receiving adapter: the system the instance's Patient ID is an identifier in
     * @param accessionNumber the order the instance was made for (Accession Number), or null
     * @param forwardTo the ids of {@link DicomStore} adapters to forward the instance to (a PACS, the sending system
     *            itself for what the hub made for it), none for none
     * @throws AdapterException when the instance was not kept: retryable when the hub could not store it now (its
     *             database or file store), not when the instance itself is refused (no Patient ID, a bad UID)
     * @since 1.10
     */
    void keep(String adapterId, ReceivedInstance instance, String accessionNumber, Path part10File,
            List<String> forwardTo) throws AdapterException;

    /**
     * As {@link #keep(String, ReceivedInstance, String, Path, List)}, forwarded to one archive, or to none when
     * {@code forwardTo} is null.
     */
    default void keep(String adapterId, ReceivedInstance instance, String accessionNumber, Path part10File,
            String forwardTo) throws AdapterException {
        keep(adapterId, instance, accessionNumber, part10File, forwardTo == null ? List.of() : List.of(forwardTo));
    }
}
