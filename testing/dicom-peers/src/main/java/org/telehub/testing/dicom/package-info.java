/**
 * Real DICOM peers on 127.0.0.1 and generated DICOM test data, for tests and benchmarks.
 *
 * <ul>
 *   <li>{@link org.telehub.testing.dicom.Orthanc}: Orthanc 1.10 with DICOMweb, a strict PACS with a REST API</li>
 *   <li>{@link org.telehub.testing.dicom.DcmQrScp}: DCMTK's dcmqrscp, a second, different PACS</li>
 *   <li>{@link org.telehub.testing.dicom.StoreScp}: DCMTK's storescp, a C-STORE receiver</li>
 *   <li>{@link org.telehub.testing.dicom.Dcmtk}: DCMTK's clients (echoscu, storescu, findscu, movescu, getscu)</li>
 *   <li>{@link org.telehub.testing.dicom.TestData}: DICOM files (CT, Secondary Capture, non-ASCII names), damaged
 *       and non-DICOM files</li>
 *   <li>{@link org.telehub.testing.dicom.LoopbackShim}: the LD_PRELOAD library that keeps the servers on
 *       loopback, and a check of where a process listens</li>
 * </ul>
 *
 * Every process runs with {@code TCP_NODELAY=1} (see ../shared/notes/dicom.md: Nagle costs ~45 ms per stored
 * instance) and is stopped on {@code close()} or, at the latest, when the JVM exits. Needs the Debian packages
 * {@code orthanc orthanc-dicomweb dcmtk gcc libc6-dev}.
 */
package org.telehub.testing.dicom;
