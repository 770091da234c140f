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
    private final String remoteUrl;
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(2)).build();
    private volatile boolean connected;
    private volatile String lastError;
    private volatile Long lastLatency;

    @Activate
    public TestAdapter(TestAdapterConfig config) {
        String id = config.id();
        if (id.isBlank()) {
            throw new IllegalArgumentException("id is required in the adapter's configuration");
        }
        this.info = new AdapterInfo(id, SystemType.EHR, "Telehub", "Test EHR",
                FrameworkUtil.getBundle(TestAdapter.class).getVersion().toString());
        this.behaviour = config.behaviour();
        this.remoteUrl = config.remoteUrl();
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
                connected ? "connected" : "not connected", lastError, lastLatency, Instant.now());
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
        return write(idempotencyKey, systemPatientId, "report", report.title());
    }

    /**
     * A conditional create on the remote: the remote keeps one record per key and answers 201 (created) or 200
     * (it had it). 5xx and connection failures are retryable, other 4xx are not.
     */
    private DeliveryReceipt write(String key, String patient, String kind, String label) throws AdapterException {
        misbehave();
        if (remoteUrl.isEmpty()) {
            throw new AdapterException("no remoteUrl configured", false);
        }
        String body = "{\"key\":\"" + key + "\",\"patient\":\"" + patient + "\",\"kind\":\"" + kind
                + "\",\"label\":\"" + label.replace("\"", "'") + "\"}";
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(remoteUrl + "/records"))
                .timeout(java.time.Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
        long t0 = System.nanoTime();
        java.net.http.HttpResponse<String> r;
        try {
            r = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            lastError = e.toString();
            throw new AdapterException("remote unreachable: " + e, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdapterException("interrupted", true, e);
        }
        lastLatency = (System.nanoTime() - t0) / 1_000_000;
        if (r.statusCode() >= 500) {
            lastError = "remote answered " + r.statusCode();
            throw new AdapterException(lastError, true);
        }
        if (r.statusCode() >= 400) {
            lastError = "remote rejected the record: " + r.statusCode() + " " + r.body();
            throw new AdapterException(lastError, false);
        }
        return new DeliveryReceipt(r.body().replaceAll(".*\"id\":\"([^\"]*)\".*", "$1"), r.statusCode() == 200);
    }

    private void misbehave() throws AdapterException {
        switch (behaviour) {
            case "throw" -> {
                lastError = "simulated crash";
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
