package org.telehub.itests.adapter;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AdapterHealth;
import org.telehub.integration.api.AdapterInfo;
import org.telehub.integration.api.ClinicalRecordSystem;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.Demographics;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.api.ReportDocument;
import org.telehub.integration.api.SystemType;

/** One instance per {@code etc/org.telehub.adapter.test~<name>.cfg}. */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.test",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TestAdapterConfig.class, factory = true)
public class TestAdapter implements Adapter, ClinicalRecordSystem {
    private final AdapterInfo info;
    private final String behaviour;
    private final RemoteRecords remote;
    private volatile boolean connected;

    @Activate
    public TestAdapter(TestAdapterConfig config) {
        String id = config.id();
        if (id.isBlank()) {
            throw new IllegalArgumentException("id is required in the adapter's configuration");
        }
        this.info = new AdapterInfo(id, SystemType.EHR, "Telehub", "Test EHR",
                FrameworkUtil.getBundle(TestAdapter.class).getVersion().toString());
        this.behaviour = config.behaviour();
        this.remote = new RemoteRecords(config.remoteUrl());
    }

    @Override
    public AdapterInfo info() {
        return info;
    }

    @Override
    public void connect() throws AdapterException {
        misbehave();
        connected = true;
    }

    @Override
    public void disconnect() {
        connected = false;
    }

    @Override
    public AdapterHealth health() {
        return new AdapterHealth(connected ? AdapterHealth.State.UP : AdapterHealth.State.DOWN,
                connected ? "connected" : "not connected", remote.lastError, remote.lastLatency, Instant.now());
    }

    @Override
    public Demographics patient(String systemPatientId) throws AdapterException {
        misbehave();
        if (behaviour.equals("garbage")) {
            return null; // breaks the contract: the manager must cope
        }
        if (!systemPatientId.startsWith("MRN")) {
            throw new AdapterException("No patient " + systemPatientId, false);
        }
        return new Demographics(systemPatientId, "Tehrani", "Leyla", LocalDate.of(1980, 3, 21), "female");
    }

    @Override
    public List<ObservationValue> observations(String systemPatientId, int limit) throws AdapterException {
        misbehave();
        return List.of(new ObservationValue("8867-4", "http://loinc.org", "Heart rate", 72.0, "/min", null,
                Instant.parse("2026-11-01T10:00:00Z"), "dr.house"));
    }

    @Override
    public DeliveryReceipt createObservation(String systemPatientId, ObservationValue observation,
            String idempotencyKey) throws AdapterException {
        return write(idempotencyKey, systemPatientId, "observation", observation.code());
    }

    @Override
    public DeliveryReceipt createDiagnosticReport(String systemPatientId, ReportDocument report, String idempotencyKey)
            throws AdapterException {
        // a report with a document id (a signed visit report) is labelled by it: a test finds its records by it
        return write(idempotencyKey, systemPatientId, "report", report.documentId() != null ? report.documentId()
                : report.title());
    }

    private DeliveryReceipt write(String key, String patient, String kind, String label) throws AdapterException {
        misbehave();
        return remote.write(key, patient, kind, label);
    }

    private void misbehave() throws AdapterException {
        switch (behaviour) {
            case "throw" -> {
                remote.lastError = "simulated crash";
                throw new IllegalStateException("simulated crash");
            }
            case "hang" -> {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AdapterException("interrupted while hanging", true);
                }
            }
            default -> {
                if (behaviour.startsWith("slow:")) {
                    // a system that answers, after a fixed time (benchmarks: the fan-out's own overhead)
                    try {
                        Thread.sleep(Long.parseLong(behaviour.substring(5)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AdapterException("interrupted", true);
                    }
                }
            }
        }
    }
}
