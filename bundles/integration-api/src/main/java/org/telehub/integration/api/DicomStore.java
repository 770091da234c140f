package org.telehub.integration.api;

import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A system the hub sends DICOM instances to: a PACS ({@link DicomArchive}), or an endoscopy system's own storage
 * SCP that shows the analysis results filed in its procedures. The hub's forwards ({@link InstanceIntake}) go to
 * any adapter with this capability.
 *
 * <p>Failure reporting follows the package contract; in addition, {@link #store} reports a rejected or failed
 * instance in its result (never by silence), and throws only when nothing could be attempted (association
 * refused, system unreachable, nowhere configured to send to).
 *
 * @since 1.10
 */
@ConsumerType
public interface DicomStore {

    /**
     * Sends DICOM Part 10 files over one association (or one STOW-RS request): one outcome per file, in order.
     */
    List<StoreOutcome> store(List<Path> part10Files) throws AdapterException;
}
