package org.telehub.adapter.pacs.internal;

import java.nio.file.Path;
import java.util.List;

import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ImagingSeries;
import org.telehub.integration.api.ImagingStudy;
import org.telehub.integration.api.StoreOutcome;
import org.telehub.integration.api.StudyQuery;
import org.telehub.integration.api.TransferOutcome;

/** How the adapter talks to its PACS: DIMSE or DICOMweb. */
interface Transport extends AutoCloseable {
    void echo() throws AdapterException;

    List<StoreOutcome> store(List<Path> files) throws AdapterException;

    List<ImagingStudy> findStudies(StudyQuery query) throws AdapterException;

    List<ImagingSeries> findSeries(String studyUid) throws AdapterException;

    TransferOutcome move(String studyUid, String destinationAe) throws AdapterException;

    /** Brings a study in; every instance goes through {@code receiving}. */
    TransferOutcome retrieve(String studyUid, Receiving receiving) throws AdapterException;

    @Override
    void close();
}
