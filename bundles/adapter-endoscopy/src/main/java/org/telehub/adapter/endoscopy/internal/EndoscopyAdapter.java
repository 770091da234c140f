package org.telehub.adapter.endoscopy.internal;

import java.time.ZoneId;
import java.util.List;
import java.util.regex.Pattern;

import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AdapterHealth;
import org.telehub.integration.api.AdapterInfo;
import org.telehub.integration.api.AnalysisResult;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.HealthRecorder;
import org.telehub.integration.api.ProcedureSummary;
import org.telehub.integration.api.ProcedureSystem;
import org.telehub.integration.api.SystemType;

/**
 * One endoscopy system, per factory configuration {@code etc/org.telehub.adapter.endoscopy-<name>.cfg}: a
 * {@link ProcedureSystem} whose procedures are the patient's scheduled steps in a DICOM Modality Worklist. Sending
 * an analysis result back (DICOM SR) is not implemented yet and says so.
 */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.endoscopy",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = EndoscopyConfig.class, factory = true)
public class EndoscopyAdapter implements Adapter, ProcedureSystem {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final AdapterInfo info;
    private final Worklist worklist;
    private final HealthRecorder health = new HealthRecorder();

    @Activate
    public EndoscopyAdapter(EndoscopyConfig c) {
        this(c, FrameworkUtil.getBundle(EndoscopyAdapter.class) == null ? "dev"
                : FrameworkUtil.getBundle(EndoscopyAdapter.class).getVersion().toString());
    }

    EndoscopyAdapter(EndoscopyConfig c, String version) {
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
        return health.health("worklist answered C-ECHO");
    }

    /** The patient's scheduled procedure steps ({@code systemPatientId}: the worklist's Patient ID). */
    @Override
    public List<ProcedureSummary> procedures(String systemPatientId) throws AdapterException {
        if (systemPatientId == null || systemPatientId.isBlank() || systemPatientId.length() > 64
                || systemPatientId.contains("\\") || systemPatientId.contains("*") || systemPatientId.contains("?")) {
            // a wildcard or a second value would turn the patient's list into other patients' (PS3.4 C.2.2.2)
            throw new AdapterException("a worklist Patient ID is 1-64 characters without \\, * or ?", false);
        }
        return health.record("worklist query", () -> worklist.find(systemPatientId.trim()).stream()
                .filter(i -> systemPatientId.trim().equals(i.patientId()))
                .map(EndoscopyAdapter::summary).toList());
    }

    static ProcedureSummary summary(Worklist.Item i) {
        String id = i.stepId() != null ? i.stepId() : i.requestedProcedureId() != null ? i.requestedProcedureId()
                : i.accessionNumber();
        String type = i.stepDescription() != null ? i.stepDescription() : i.requestedProcedureDescription();
        return new ProcedureSummary(id, type, i.scheduledStart(), i.stepStatus() == null ? "SCHEDULED"
                : i.stepStatus(), i.accessionNumber(), i.studyInstanceUid(), i.stationAe(), i.modality());
    }

    @Override
    public DeliveryReceipt sendAnalysisResult(String systemPatientId, AnalysisResult result, String idempotencyKey)
            throws AdapterException {
        throw new AdapterException("sending an analysis result to " + info.id() + " is not implemented yet (a DICOM"
                + " Structured Report, TID 1500, into the procedure's study is planned)", false);
    }
}
