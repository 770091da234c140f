package org.telehub.adapter.endoscopy.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telehub.dicom.net.DimseClient;
import org.telehub.dicom.net.Endpoint;
import org.telehub.dicom.net.Scp;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AdapterHealth;
import org.telehub.integration.api.AdapterInfo;
import org.telehub.integration.api.AnalysisResult;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.DicomStore;
import org.telehub.integration.api.HealthRecorder;
import org.telehub.integration.api.InstanceIntake;
import org.telehub.integration.api.LiveVideo;
import org.telehub.integration.api.PerformedStep;
import org.telehub.integration.api.PerformedSteps;
import org.telehub.integration.api.ProcedureSummary;
import org.telehub.integration.api.ProcedureSystem;
import org.telehub.integration.api.ReceivedInstance;
import org.telehub.integration.api.StoreOutcome;
import org.telehub.integration.api.SystemType;

/**
 * One endoscopy system (the implementation of {@link org.telehub.endoscopy.EndoscopySystem}, which each profile's
 * component is): a {@link ProcedureSystem} whose procedures are the patient's scheduled steps in a DICOM Modality
 * Worklist with where their performed steps stand; with a storage port a storage SCP whose VL and Video Endoscopic
 * images the hub keeps ({@link Images}), with an MPPS port an MPPS SCP ({@link Mpps}). An SCP that cannot listen
 * (its port taken) leaves the adapter DOWN naming the port, the worklist still read. An analysis result sent back
 * becomes a DICOM SR in the procedure's study ({@link AnalysisReport}), kept by the hub and forwarded to the archive
 * named by {@code forwardTo} like the system's own images, and to the system's own storage SCP when
 * {@code resultsStore} names one: the hub's forward reaches it through this adapter's {@link DicomStore#store}.
 */
public final class EndoscopyAdapter implements Adapter, ProcedureSystem, DicomStore {
    private static final Logger LOG = LoggerFactory.getLogger(EndoscopyAdapter.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern AE = Pattern.compile("[\\x20-\\x5B\\x5D-\\x7E]{1,16}");

    private final AdapterInfo info;
    private final Worklist worklist;
    private final HealthRecorder health = new HealthRecorder();
    /** Null without a storage port. */
    private final Images images;
    /** Null without an MPPS port. */
    private final Mpps mpps;
    /** Null in tests of the worklist alone. */
    private final PerformedSteps steps;
    /** Why an SCP does not listen, or null. */
    private final String scpError;
    /** Null in tests of the worklist alone. */
    private final InstanceIntake intake;
    /** The archive analysis results and received images go to, or null. */
    private final String forwardTo;
    private final ZoneId zone;
    private final String callingAe;
    /** Where a result's SR is written before the hub keeps it. */
    private final Path outgoing;
    /** An analysis result as a structured report, as a secondary capture image, or both. */
    private final boolean resultsAsReport;
    private final boolean resultsAsImage;
    /** The system's live picture (videoSource), or none. */
    private final LiveVideo live;
    /** The system's own storage SCP analysis results also go to (resultsStore), or null. */
    private final DimseClient resultsStore;
    /** Where a result the hub makes is forwarded: the archive, and this adapter itself for its resultsStore. */
    private final List<String> resultTargets;

    /**
     * @param version the bundle's (shown in status)
     * @param data where received and outgoing files wait, a folder per system under it
     */
    public EndoscopyAdapter(Settings c, String version, InstanceIntake intake, PerformedSteps steps, Path data)
            throws IOException {
        if (c.id() == null || !ID.matcher(c.id()).matches()) {
            throw new IllegalArgumentException("id: 1-64 letters, digits, '.', '_' or '-' (got '" + c.id() + "')");
        }
        ZoneId zone;
        try {
            zone = c.timeZone() == null || c.timeZone().isBlank() ? ZoneId.systemDefault()
                    : ZoneId.of(c.timeZone().trim());
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("timeZone: a zone id such as Asia/Tehran (got '" + c.timeZone() + "')");
        }
        this.info = new AdapterInfo(c.id(), SystemType.ENDOSCOPY, c.vendor(), "DICOM Modality Worklist", version);
        this.worklist = new Worklist(new Worklist.Provider(c.worklistHost(), c.worklistPort(), c.worklistAe(),
                c.callingAe(), c.modality(), c.stationAe(), c.characterSet(), zone, c.timeoutMillis()));
        this.steps = steps;
        this.intake = intake;
        this.forwardTo = c.forwardTo() == null || c.forwardTo().isBlank() ? null : c.forwardTo().trim();
        this.zone = zone;
        this.callingAe = c.callingAe();
        this.outgoing = data.resolve(c.id()).resolve("outgoing");
        sweep(outgoing);
        java.util.Set<String> objects = new java.util.HashSet<>();
        for (String o : Settings.words(c.analysisObjects())) {
            objects.add(o.toUpperCase(java.util.Locale.ROOT));
        }
        if (objects.isEmpty() || !java.util.Set.of("SR", "SC").containsAll(objects)) {
            throw new IllegalArgumentException("analysisObjects: SR, SC or SR,SC (got '" + c.analysisObjects() + "')");
        }
        this.live = live(c);
        this.resultsStore = resultsStore(c);
        List<String> targets = new ArrayList<>();
        if (forwardTo != null) {
            targets.add(forwardTo);
        }
        if (resultsStore != null) {
            targets.add(c.id()); // back through this adapter's store(): the forward is durable work
        }
        this.resultTargets = List.copyOf(targets);
        this.resultsAsReport = objects.contains("SR");
        this.resultsAsImage = objects.contains("SC");
        Map<String, List<String>> classes = Images.classes(c.storageClasses());
        List<Scp.Peer> senders = c.storagePort() == 0 && c.mppsPort() == 0 ? List.of() : senders(c.senders());
        Images storage = null;
        Mpps performed = null;
        String error = null;
        try {
            storage = c.storagePort() == 0 ? null : new Images(c.id(), new Images.Settings(c.bindAddress(),
                    c.storagePort(), c.callingAe(), senders, forwardTo, c.maxPdu(), c.timeoutMillis(), classes),
                    data.resolve(c.id()).resolve("incoming"), intake);
        } catch (IOException e) {
            error = "the storage SCP cannot listen on " + c.bindAddress() + ":" + c.storagePort() + ": "
                    + e.getMessage();
        }
        try {
            performed = c.mppsPort() == 0 ? null : new Mpps(c.id(), new Mpps.Settings(c.bindAddress(), c.mppsPort(),
                    c.callingAe(), senders, c.maxPdu(), c.timeoutMillis()), steps, zone);
        } catch (IOException e) {
            error = (error == null ? "" : error + "; ") + "the MPPS SCP cannot listen on " + c.bindAddress() + ":"
                    + c.mppsPort() + ": " + e.getMessage();
        }
        if (error != null) {
            LOG.error("Endoscopy {}: {}", c.id(), error);
        }
        this.images = storage;
        this.mpps = performed;
        this.scpError = error;
    }

    /** Results written before a crash and never kept: their delivery writes them again. */
    private static void sweep(Path outgoing) {
        if (!Files.isDirectory(outgoing)) {
            return;
        }
        try (java.util.stream.Stream<Path> left = Files.list(outgoing)) {
            for (Path f : (Iterable<Path>) left::iterator) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.warn("Cannot clear {}: {}", outgoing, e.getMessage());
        }
    }

    /**
     * {@code AE@host} entries, each value possibly several separated by commas or spaces (a {@code .cfg} file gives
     * one string): who may send images. A storage SCP nobody may send to is a configuration error.
     */
    static List<Scp.Peer> senders(String[] values) {
        List<Scp.Peer> out = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        for (String v : values == null ? new String[0] : values) {
            entries.addAll(Settings.words(v));
        }
        for (String e : entries) {
            int at = e.lastIndexOf('@');
            String ae = at < 0 ? "" : e.substring(0, at).trim();
            String host = at < 0 ? "" : e.substring(at + 1).trim();
            if (!AE.matcher(ae).matches() || host.isEmpty()) {
                throw new IllegalArgumentException("senders: each is AE@host, an AE title of 1-16 characters and the "
                        + "sender's host (got '" + e + "')");
            }
            out.add(new Scp.Peer(ae, host));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("senders: the storage and MPPS SCPs need at least one sender (AE@host)");
        }
        return out;
    }

    /** Stops the SCPs. */
    public void close() {
        if (images != null) {
            images.close();
        }
        if (mpps != null) {
            mpps.close();
        }
    }

    /** The storage SCP's port, or 0 without one. */
    public int storagePort() {
        return images == null ? 0 : images.port();
    }

    /** The MPPS SCP's port, or 0 without one. */
    public int mppsPort() {
        return mpps == null ? 0 : mpps.port();
    }

    @Override
    public AdapterInfo info() {
        return info;
    }

    /** C-ECHO to the worklist provider. */
    @Override
    public void connect() throws AdapterException {
        health.record("worklist echo", () -> {
            worklist.echo();
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
        AdapterHealth h = health.health("worklist answered C-ECHO");
        if (scpError != null) {
            return new AdapterHealth(AdapterHealth.State.DOWN, scpError, scpError, h.lastLatencyMillis(),
                    h.checkedAt());
        }
        if (images == null && mpps == null) {
            return h;
        }
        StringBuilder detail = new StringBuilder(h.detail() == null ? "" : h.detail());
        String refusal = null;
        if (images != null) {
            detail.append(detail.isEmpty() ? "" : "; ").append("storage SCP on port ").append(images.port())
                    .append(": ").append(images.kept()).append(" kept, ").append(images.refused()).append(" refused");
            refusal = images.lastRefusal();
        }
        if (mpps != null) {
            detail.append(detail.isEmpty() ? "" : "; ").append("MPPS SCP on port ").append(mpps.port()).append(": ")
                    .append(mpps.recorded()).append(" recorded, ").append(mpps.refused()).append(" refused");
            refusal = refusal != null ? refusal : mpps.lastRefusal();
        }
        return new AdapterHealth(h.state(), detail.toString(), h.lastError() != null ? h.lastError() : refusal,
                h.lastLatencyMillis(), h.checkedAt());
    }

    /** The patient's scheduled procedure steps ({@code systemPatientId}: the worklist's Patient ID). */
    /** {@code videoSource}, {@code videoSize} and {@code videoFps} as a live picture; none without a source. */
    static LiveVideo live(Settings c) {
        if (c.videoSource() == null || c.videoSource().isBlank()) {
            return null;
        }
        java.util.regex.Matcher size = java.util.regex.Pattern.compile("([0-9]{2,4})\\s*[xX×]\\s*([0-9]{2,4})")
                .matcher(c.videoSize() == null ? "" : c.videoSize().trim());
        if (!size.matches()) {
            throw new IllegalArgumentException("videoSize: width x height, e.g. 1280x720 (got '" + c.videoSize()
                    + "')");
        }
        try {
            return new LiveVideo(c.videoSource().trim(), Integer.parseInt(size.group(1)),
                    Integer.parseInt(size.group(2)), c.videoFps());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("videoSource/videoSize/videoFps: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<LiveVideo> liveVideo() {
        return Optional.ofNullable(live);
    }

    @Override
    public List<ProcedureSummary> procedures(String systemPatientId) throws AdapterException {
        String patient = patientId(systemPatientId);
        List<ProcedureSummary> scheduled = health.record("worklist query", () -> worklist.find(patient).stream()
                .filter(i -> patient.equals(i.patientId()))
                .map(EndoscopyAdapter::summary).toList());
        return steps == null ? scheduled : performed(scheduled, steps.ofPatient(info.id(), patient));
    }

    private static String patientId(String systemPatientId) throws AdapterException {
        if (systemPatientId == null || systemPatientId.isBlank() || systemPatientId.length() > 64
                || systemPatientId.contains("\\") || systemPatientId.contains("*") || systemPatientId.contains("?")) {
            // a wildcard or a second value would turn the patient's list into other patients' (PS3.4 C.2.2.2)
            throw new AdapterException("a worklist Patient ID is 1-64 characters without \\, * or ?", false);
        }
        return systemPatientId.trim();
    }

    /**
     * The scheduled procedures with where their performed steps (MPPS) stand, and the performed steps no listed
     * schedule has (unscheduled, or gone from the worklist once done).
     */
    static List<ProcedureSummary> performed(List<ProcedureSummary> scheduled, List<PerformedStep> performed) {
        List<ProcedureSummary> out = new ArrayList<>();
        java.util.Set<PerformedStep> used = new java.util.HashSet<>();
        for (ProcedureSummary p : scheduled) {
            // the newest performed step of it stands for it (one discontinued and done again: the second)
            List<PerformedStep> of = performed.stream().filter(s -> s.scheduledStepId() != null
                    ? s.scheduledStepId().equals(p.procedureId()) : s.accessionNumber() != null
                            && s.accessionNumber().equals(p.accessionNumber()))
                    .sorted(java.util.Comparator.comparing(PerformedStep::started).reversed()).toList();
            PerformedStep step = of.isEmpty() ? null : of.get(0);
            used.addAll(of);
            if (step == null) {
                out.add(p);
            } else {
                out.add(new ProcedureSummary(p.procedureId(), p.type(), step.started(), step.status(),
                        p.accessionNumber(), p.studyInstanceUid(), step.stationAe() != null ? step.stationAe()
                                : p.stationAe(), p.modality()));
            }
        }
        for (PerformedStep s : performed) {
            if (!used.contains(s)) {
                out.add(new ProcedureSummary(s.scheduledStepId() != null ? s.scheduledStepId() : s.uid(),
                        s.description(), s.started(), s.status(), s.accessionNumber(), s.studyInstanceUid(),
                        s.stationAe(), null));
            }
        }
        return out;
    }

    static ProcedureSummary summary(Worklist.Item i) {
        String id = i.stepId() != null ? i.stepId() : i.requestedProcedureId() != null ? i.requestedProcedureId()
                : i.accessionNumber();
        String type = i.stepDescription() != null ? i.stepDescription() : i.requestedProcedureDescription();
        return new ProcedureSummary(id, type, i.scheduledStart(), i.stepStatus() == null ? "SCHEDULED"
                : i.stepStatus(), i.accessionNumber(), i.studyInstanceUid(), i.stationAe(), i.modality());
    }

    /** Whether analysis results can be filed: into an archive ({@code forwardTo}), the system's store, or both. */
    public boolean filesAnalyses() {
        return !resultTargets.isEmpty() && intake != null;
    }

    /**
     * The result in the procedure's study as a DICOM SR, a Secondary Capture with the finding burned in, or both
     * ({@code analysisObjects}): kept by the hub and forwarded durably to the archive and to the system's own store
     * ({@code resultsStore}), each a forward of its own. Their SOP Instance UIDs derive from the key, so a retry keeps
     * (and forwards) the same instances again; the receipt names them, comma-separated.
     */
    @Override
    public DeliveryReceipt sendAnalysisResult(String systemPatientId, AnalysisResult result, String idempotencyKey)
            throws AdapterException {
        if (!filesAnalyses()) {
            throw new AdapterException(info.id() + " files analysis results in the procedure's study in the archive "
                    + "named by forwardTo or the system's store named by resultsStore; neither is set", false);
        }
        if (result == null || result.procedureId() == null || result.summary() == null) {
            throw new AdapterException("an analysis result needs the procedure and a summary", false);
        }
        AnalysisReport.Procedure p = procedure(patientId(systemPatientId), result.procedureId());
        Instant at = Instant.now();
        // every instance written before any is kept: one that cannot be made leaves nothing kept or forwarded
        List<Made> made = new ArrayList<>();
        try {
            if (resultsAsReport) {
                made.add(new Made(AnalysisReport.sopInstanceUid(idempotencyKey),
                        AnalysisReport.seriesInstanceUid(idempotencyKey), AnalysisReport.SOP_CLASS, "SR",
                        write(file -> AnalysisReport.write(file, p, result, idempotencyKey, at, zone, callingAe))));
            }
            if (resultsAsImage) {
                made.add(new Made(AnalysisImage.sopInstanceUid(idempotencyKey),
                        AnalysisImage.seriesInstanceUid(idempotencyKey), AnalysisImage.SOP_CLASS, "OT",
                        write(file -> AnalysisImage.write(file, p, result, idempotencyKey, at, zone, callingAe))));
            }
            for (Made m : made) {
                intake.keep(info.id(), new ReceivedInstance(p.patientId(), p.patientName(), p.studyInstanceUid(),
                        m.seriesUid(), m.uid(), m.sopClass(), m.modality()), p.accessionNumber(), m.file(),
                        resultTargets);
            }
        } finally {
            for (Made m : made) {
                delete(m.file());
            }
        }
        return new DeliveryReceipt(String.join(",", made.stream().map(Made::uid).toList()), false);
    }

    /**
     * Sends what the hub made for this system's procedures to its own storage SCP ({@code resultsStore}); the hub's
     * forward calls it. Any instance is sent as it is: the forwards come from the hub's own intake.
     */
    @Override
    public List<StoreOutcome> store(List<Path> part10Files) throws AdapterException {
        if (resultsStore == null) {
            throw new AdapterException(info.id() + " sends nothing to the system: resultsStore is not set", false);
        }
        return health.record("results store", () -> resultsStore.store(part10Files));
    }

    /** The system's own storage SCP from {@code resultsStore} (AE@host:port), or null when empty. */
    private static DimseClient resultsStore(Settings c) {
        String v = c.resultsStore() == null ? "" : c.resultsStore().trim();
        if (v.isEmpty()) {
            return null;
        }
        int at = v.lastIndexOf('@');
        int colon = v.lastIndexOf(':');
        String why = "resultsStore: the system's storage SCP as AE@host:port, e.g. ENDOBASE@10.1.2.3:104 (got '" + v
                + "')";
        if (at < 1 || colon < at + 2 || colon == v.length() - 1) {
            throw new IllegalArgumentException(why);
        }
        String ae = v.substring(0, at);
        String host = v.substring(at + 1, colon);
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(why);
        }
        if (!AE.matcher(ae).matches() || ae.isBlank() || port < 1 || port > 65535
                || !host.matches("[A-Za-z0-9.\\[\\]:-]{1,253}")) {
            throw new IllegalArgumentException(why);
        }
        return new DimseClient(new Endpoint(host, port, ae.trim(), c.callingAe(), c.timeoutMillis(), c.maxPdu()),
                "endoscopy system");
    }

    /** An instance the hub made for a procedure, written and not yet kept. */
    private record Made(String uid, String seriesUid, String sopClass, String modality, Path file) {
    }

    /**
     * Writes one instance to a file of its own in {@code outgoing} (two attempts of one delivery never share one):
     * a disk that fails is worth retrying; a result that cannot be drawn or encoded (a bug, a missing font) is not.
     */
    private Path write(Writer writer) throws AdapterException {
        Path file = null;
        try {
            Files.createDirectories(outgoing);
            file = Files.createTempFile(outgoing, "analysis-", ".dcm");
            writer.write(file);
            return file;
        } catch (IOException e) {
            delete(file);
            throw new AdapterException("cannot write the analysis result: " + e.getMessage(), true, e);
        } catch (AdapterException e) {
            delete(file);
            throw e;
        } catch (RuntimeException | LinkageError | java.awt.AWTError e) {
            delete(file);
            throw new AdapterException("cannot make the analysis result: " + e, false, e);
        }
    }

    private void delete(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Endoscopy {}: cannot delete {}: {}", info.id(), file, e.getMessage());
        }
    }

    /** Writes one instance to a file. */
    private interface Writer {
        void write(Path file) throws IOException, AdapterException;
    }

    /**
     * The procedure a result is about, by the id {@link #procedures} lists it under: a scheduled step in the worklist,
     * or a performed step (one gone from the worklist once done, or unscheduled).
     */
    private AnalysisReport.Procedure procedure(String patient, String procedureId) throws AdapterException {
        List<Worklist.Item> items = health.record("worklist query", () -> worklist.find(patient));
        List<PerformedStep> performed = steps == null ? List.of() : steps.ofPatient(info.id(), patient);
        for (Worklist.Item i : items) {
            if (patient.equals(i.patientId()) && procedureId.equals(summary(i).procedureId())) {
                PerformedStep step = performed.stream()
                        .filter(s -> procedureId.equals(s.scheduledStepId()) && s.studyInstanceUid() != null)
                        .findFirst().orElse(null);
                String study = i.studyInstanceUid() != null ? i.studyInstanceUid()
                        : step == null ? null : step.studyInstanceUid();
                return located(procedureId, new AnalysisReport.Procedure(patient, i.patientName(), study,
                        i.accessionNumber(), summary(i).type()));
            }
        }
        for (PerformedStep s : performed) {
            if (procedureId.equals(s.scheduledStepId() != null ? s.scheduledStepId() : s.uid())) {
                return located(procedureId, new AnalysisReport.Procedure(patient, null, s.studyInstanceUid(),
                        s.accessionNumber(), s.description()));
            }
        }
        // the patient's id stays out: this text is the delivery's last error, which administrators read
        throw new AdapterException("no procedure '" + procedureId + "' for this patient in " + info.id(), false);
    }

    private static AnalysisReport.Procedure located(String procedureId, AnalysisReport.Procedure p)
            throws AdapterException {
        if (p.studyInstanceUid() == null) {
            throw new AdapterException("procedure '" + procedureId + "' has no Study Instance UID yet (neither its "
                    + "worklist entry nor a performed step names one): there is no study to file the result in", false);
        }
        return p;
    }
}
