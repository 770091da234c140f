package org.telehub.adapter.pacs.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.dicom.net.Endpoint;
import org.telehub.dicom.net.DicomFiles;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AdapterHealth;
import org.telehub.integration.api.AdapterInfo;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.HealthRecorder;
import org.telehub.integration.api.DicomArchive;
import org.telehub.integration.api.ImagingSeries;
import org.telehub.integration.api.ImagingStudy;
import org.telehub.integration.api.ReportDocument;
import org.telehub.integration.api.StoreOutcome;
import org.telehub.integration.api.StudyQuery;
import org.telehub.integration.api.StudySummary;
import org.telehub.integration.api.SystemType;
import org.telehub.integration.api.TransferOutcome;

/** One PACS, per factory configuration {@code etc/org.telehub.adapter.pacs-<name>.cfg}. */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.pacs",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = PacsConfig.class, factory = true)
public class PacsAdapter implements Adapter, DicomArchive {
    private static final Logger LOG = LoggerFactory.getLogger(PacsAdapter.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** AE titles: 1-16 characters of the default repertoire, no backslash or control characters (PS3.5 6.2). */
    private static final Pattern AE = Pattern.compile("[\\x20-\\x5B\\x5D-\\x7E]{1,16}");

    private final AdapterInfo info;
    private final Transport transport;
    private final String callingAe;
    private final Path workDir;
    private final HealthRecorder health = new HealthRecorder();

    @Activate
    public PacsAdapter(PacsConfig config) throws IOException {
        this(config, Paths.get(System.getProperty("karaf.data", "data"), "telehub", "pacs", safe(config.id())),
                FrameworkUtil.getBundle(PacsAdapter.class) == null ? "dev"
                        : FrameworkUtil.getBundle(PacsAdapter.class).getVersion().toString());
    }

    PacsAdapter(PacsConfig c, Path workDir, String version) throws IOException {
        if (c.id() == null || !ID.matcher(c.id()).matches()) {
            throw new IllegalArgumentException("id: 1-64 letters, digits, '.', '_' or '-' (got '" + c.id() + "')");
        }
        String transportName = c.transport().trim().toUpperCase(Locale.ROOT);
        this.info = new AdapterInfo(c.id(), SystemType.PACS, c.vendor(),
                "DICOM PACS (" + (transportName.equals("DICOMWEB") ? "DICOMweb" : "DIMSE") + ")", version);
        this.callingAe = ae("callingAe", c.callingAe());
        this.workDir = workDir;
        Files.createDirectories(workDir);
        Path incoming = workDir.resolve("incoming");
        switch (transportName) {
            case "DIMSE" -> {
                Endpoint pacs = new Endpoint(c.host(), c.port(), ae("calledAe", c.calledAe()), callingAe,
                        c.readTimeoutMillis(), c.maxPdu());
                String method = c.retrieveMethod().trim().toUpperCase(Locale.ROOT);
                if (!method.equals("MOVE") && !method.equals("GET")) {
                    throw new IllegalArgumentException("retrieveMethod: MOVE or GET (got '" + method + "')");
                }
                this.transport = new DimseTransport(pacs, method, c.scpBindAddress(), c.scpPort(),
                        c.scpPort() > 0 ? ae("scpAe", c.scpAe()) : c.scpAe(), incoming,
                        c.storageCommitment() ? Duration.ofSeconds(Math.max(1, c.commitmentWaitSeconds())) : null);
            }
            case "DICOMWEB" -> {
                if (c.storageCommitment()) {
                    throw new IllegalArgumentException("storageCommitment is DIMSE's (N-ACTION); a DICOMweb PACS "
                        + "answers STOW-RS once it has stored: turn it off for this adapter");
                }
                if (c.dicomWebUrl().isBlank()) {
                    throw new IllegalArgumentException("dicomWebUrl is required for the DICOMweb transport");
                }
                this.transport = new DicomWebTransport(c.dicomWebUrl(), c.dicomWebUser(), c.dicomWebPassword(),
                        c.connectTimeoutMillis(), c.readTimeoutMillis(), incoming);
            }
            default -> throw new IllegalArgumentException("transport: DIMSE or DICOMWEB (got '" + c.transport() + "')");
        }
        LOG.info("PACS adapter {} ready ({})", c.id(), info.product());
    }

    private static String ae(String field, String value) {
        if (value == null || !AE.matcher(value.trim()).matches()) {
            throw new IllegalArgumentException(field + ": an AE title is 1-16 printable ASCII characters without '\\'"
                    + " (got '" + value + "')");
        }
        return value.trim();
    }

    private static String safe(String id) {
        return id == null ? "unnamed" : id.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    @Deactivate
    void close() {
        transport.close();
        LOG.info("PACS adapter {} stopped", info.id());
    }

    @Override
    public AdapterInfo info() {
        return info;
    }

    @Override
    public void connect() throws AdapterException {
        timed(() -> {
            transport.echo();
            return null;
        });
        health.connected(true);
    }

    @Override
    public void disconnect() {
        health.connected(false);
    }

    @Override
    public AdapterHealth health() {
        return health.health("verified by echo");
    }

    @Override
    public void echo() throws AdapterException {
        timed(() -> {
            transport.echo();
            return null;
        });
    }

    @Override
    public List<StudySummary> findStudies(String systemPatientId) throws AdapterException {
        return findStudies(StudyQuery.byPatient(systemPatientId)).stream().map(ImagingStudy::summary).toList();
    }

    @Override
    public List<StoreOutcome> store(List<Path> part10Files) throws AdapterException {
        if (part10Files.isEmpty()) {
            return List.of();
        }
        return timed(() -> transport.store(part10Files));
    }

    /** Reads each file's Patient ID (up to its pixel data) and sends only the files of {@code systemPatientId}. */
    @Override
    public List<StoreOutcome> store(List<Path> part10Files, String systemPatientId) throws AdapterException {
        StoreOutcome[] outcomes = new StoreOutcome[part10Files.size()];
        List<Path> theirs = new java.util.ArrayList<>();
        List<Integer> at = new java.util.ArrayList<>();
        for (int i = 0; i < part10Files.size(); i++) {
            Path f = part10Files.get(i);
            String pid;
            try {
                pid = DicomFiles.s(DicomFiles.head(f), com.pixelmed.dicom.TagFromName.PatientID);
            } catch (IOException | com.pixelmed.dicom.DicomException e) {
                // unreadable: the transport reports it as it always has
                pid = systemPatientId;
            }
            if (systemPatientId.equals(pid)) {
                theirs.add(f);
                at.add(i);
            } else {
                outcomes[i] = new StoreOutcome(f, null, null, false, "not sent: its Patient ID is "
                        + (pid == null || pid.isEmpty() ? "empty" : "'" + pid + "'") + ", not '" + systemPatientId
                        + "', the patient named for this upload");
            }
        }
        List<StoreOutcome> sent = store(theirs);
        for (int j = 0; j < sent.size(); j++) {
            outcomes[at.get(j)] = sent.get(j);
        }
        return List.of(outcomes);
    }

    @Override
    public List<ImagingStudy> findStudies(StudyQuery query) throws AdapterException {
        return timed(() -> transport.findStudies(query));
    }

    @Override
    public List<ImagingSeries> findSeries(String studyInstanceUid) throws AdapterException {
        uid("studyInstanceUid", studyInstanceUid);
        return timed(() -> transport.findSeries(studyInstanceUid));
    }

    @Override
    public TransferOutcome move(String studyInstanceUid, String destinationAe) throws AdapterException {
        uid("studyInstanceUid", studyInstanceUid);
        if (destinationAe == null || !AE.matcher(destinationAe).matches()) {
            throw new AdapterException("destinationAe: an AE title is 1-16 printable ASCII characters", false);
        }
        return timed(() -> transport.move(studyInstanceUid, destinationAe));
    }

    @Override
    public TransferOutcome retrieve(String studyInstanceUid, InstanceSink sink) throws AdapterException {
        uid("studyInstanceUid", studyInstanceUid);
        return timed(() -> transport.retrieve(studyInstanceUid, new Receiving(studyInstanceUid, sink)));
    }

    @Override
    public DeliveryReceipt storeReport(String systemPatientId, String studyInstanceUid, ReportDocument report,
            String idempotencyKey) throws AdapterException {
        if (report.content() == null || report.content().length == 0) {
            throw new AdapterException("a PACS files reports as Encapsulated PDF: this report has no PDF", false);
        }
        if (report.contentType() != null && !report.contentType().equals("application/pdf")) {
            throw new AdapterException("a PACS files reports as Encapsulated PDF, not " + report.contentType(), false);
        }
        ImagingStudy study = null;
        if (studyInstanceUid != null && !studyInstanceUid.isBlank()) {
            uid("studyInstanceUid", studyInstanceUid);
            List<ImagingStudy> found = findStudies(new StudyQuery(systemPatientId, null, null, null, null, null, null,
                    StudyQuery.MAX_LIMIT)).stream().filter(s -> s.studyInstanceUid().equals(studyInstanceUid))
                    .toList();
            if (found.isEmpty()) {
                throw new AdapterException("the PACS has no study " + studyInstanceUid + " of patient "
                        + systemPatientId, false);
            }
            study = found.get(0);
        } else {
            List<ImagingStudy> any = findStudies(StudyQuery.byPatient(systemPatientId));
            if (!any.isEmpty()) {
                // a study of its own, with the patient's name and birth date as the PACS knows them
                ImagingStudy p = any.get(0);
                study = new ImagingStudy(p.patientId(), p.patientName(), p.birthDate(),
                        Identifiers.uid("telehub:report:study:" + idempotencyKey), null, null, List.of(), null, 0, 0);
            }
        }
        Path file = null;
        try {
            file = Files.createTempFile(workDir, "report-", ".dcm");
            ReportInstance.write(file, systemPatientId, study, report, idempotencyKey, callingAe);
            StoreOutcome o = store(List.of(file)).get(0);
            if (!o.stored()) {
                throw new AdapterException("the PACS did not store the report: " + o.detail(), false);
            }
            return new DeliveryReceipt(o.sopInstanceUid(), false);
        } catch (IOException e) {
            throw new AdapterException("cannot write the report instance: " + e.getMessage(), false, e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file in the adapter's own directory
                }
            }
        }
    }

    private static void uid(String field, String value) throws AdapterException {
        if (!DicomFiles.isUid(value)) {
            throw new AdapterException(field + ": not a DICOM UID (digits and dots, at most 64)", false);
        }
    }

    /** Runs a remote operation, keeping latency and the last error for {@link #health()}. */
    private <T> T timed(HealthRecorder.Call<T> call) throws AdapterException {
        return health.record("PACS operation", call);
    }
}
