package org.telehub.itests.adapter.endoscopy;

import java.time.Instant;
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
import org.telehub.integration.api.AnalysisResult;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.ProcedureSummary;
import org.telehub.integration.api.ProcedureSystem;
import org.telehub.integration.api.SystemType;
import org.telehub.itests.adapter.RemoteRecords;

/**
 * An endoscopy-shaped system: one instance per {@code etc/org.telehub.adapter.testendoscopy-<name>.cfg}. It lists
 * one procedure per patient and files analysis results as records at the test's remote system (one per key).
 */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.testendoscopy",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TestEndoscopyConfig.class, factory = true)
public class TestEndoscopyAdapter implements Adapter, ProcedureSystem {
    private final AdapterInfo info;
    private final RemoteRecords remote;

    @Activate
    public TestEndoscopyAdapter(TestEndoscopyConfig config) {
        if (config.id().isBlank()) {
            throw new IllegalArgumentException("id is required in the adapter's configuration");
        }
        this.info = new AdapterInfo(config.id(), SystemType.ENDOSCOPY, "Telehub", "Test endoscopy",
                FrameworkUtil.getBundle(TestEndoscopyAdapter.class).getVersion().toString());
        this.remote = new RemoteRecords(config.remoteUrl());
    }

    @Override
    public AdapterInfo info() {
        return info;
    }

    @Override
    public void connect() {
    }

    @Override
    public void disconnect() {
    }

    @Override
    public AdapterHealth health() {
        return new AdapterHealth(AdapterHealth.State.UP, "simulated", remote.lastError, remote.lastLatency,
                Instant.now());
    }

    @Override
    public List<ProcedureSummary> procedures(String systemPatientId) {
        return List.of(new ProcedureSummary("proc-" + systemPatientId, "colonoscopy",
                Instant.parse("2026-11-02T09:00:00Z"), "completed"));
    }

    @Override
    public DeliveryReceipt sendAnalysisResult(String systemPatientId, AnalysisResult result, String idempotencyKey)
            throws AdapterException {
        return remote.write(idempotencyKey, systemPatientId, "analysis", result.procedureId());
    }
}
