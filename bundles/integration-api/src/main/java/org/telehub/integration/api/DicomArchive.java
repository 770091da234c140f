package org.telehub.integration.api;

import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A PACS that exchanges DICOM instances with the hub (DIMSE or DICOMweb), beyond what {@link ImagingArchive}
 * offers. Added in 1.1 as a separate capability so that 1.0 imaging adapters keep working.
 *
 * <p>Failure reporting follows the package contract; in addition, {@link #store} reports a rejected or failed
 * instance in its result (never by silence), and throws only when nothing could be attempted (association
 * refused, PACS unreachable).
 *
 * @since 1.1
 */
@ConsumerType
public interface DicomArchive extends ImagingArchive, DicomStore {

    /**
     * Sends DICOM Part 10 files over one association (or one STOW-RS request): one outcome per file, in order.
     * Declared by {@link DicomStore} since 1.10, which every PACS is.
     */
    @Override
    List<StoreOutcome> store(List<Path> part10Files) throws AdapterException;

    /**
     * As {@link #store(List)}, for files that must all be of one patient: a file whose Patient ID (0010,0020) is
     * not {@code systemPatientId} is not sent, and its outcome says whose it is, so an upload cannot file images
     * into the record of a patient the uploader was not checked for. An adapter that cannot read a file's Patient
     * ID refuses (this default).
     *
     * @since 1.3
     */
    default List<StoreOutcome> store(List<Path> part10Files, String systemPatientId) throws AdapterException {
        throw new AdapterException("this PACS adapter cannot check whose images an upload holds", false);
    }

    /** Study-level query; fields of the query left null do not constrain. */
    List<ImagingStudy> findStudies(StudyQuery query) throws AdapterException;

    /** The series of one study. */
    List<ImagingSeries> findSeries(String studyInstanceUid) throws AdapterException;

    /**
     * Asks the PACS to send a study to another application entity (C-MOVE). A destination unknown to the PACS is
     * an {@link AdapterException} carrying the PACS's status.
     */
    TransferOutcome move(String studyInstanceUid, String destinationAe) throws AdapterException;

    /**
     * Brings a study into the hub (C-MOVE to the adapter's own storage SCP, C-GET or WADO-RS, as configured). Each
     * received instance is handed to the sink before this method returns; the file passed to the sink is deleted
     * by the adapter afterwards.
     */
    TransferOutcome retrieve(String studyInstanceUid, InstanceSink sink) throws AdapterException;

    /** Receives the instances of a {@link #retrieve}. */
    @ConsumerType
    @FunctionalInterface
    interface InstanceSink {
        /**
         * Takes one received instance. Throwing makes the adapter count the instance as failed (and, for C-MOVE
         * and C-GET, answer the sender with a failure status).
         */
        void accept(ReceivedInstance instance, Path part10File) throws Exception;
    }
}
