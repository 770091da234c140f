package org.telehub.fhir;

import java.time.Instant;
import java.util.List;

import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AdapterHealth;
import org.telehub.integration.api.AdapterInfo;
import org.telehub.integration.api.ClinicalRecordSearch;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.Demographics;
import org.telehub.integration.api.ObservationQuery;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.api.PatientQuery;
import org.telehub.integration.api.ReportDocument;

/**
 * An EHR adapter over FHIR R4: the whole of one, given its identity, settings, authorisation and search rules.
 * Vendor bundles register a Declarative Services component that extends this class and only turns their
 * configuration into those four things.
 */
public class FhirEhrAdapter implements Adapter, ClinicalRecordSearch {
    private final AdapterInfo info;
    private final FhirRecords records;
    private volatile boolean connected;
    private volatile String lastError;
    private volatile Long lastLatency;
    private volatile Instant checkedAt;

    protected FhirEhrAdapter(AdapterInfo info, FhirSettings settings, FhirAuth auth, SearchRules rules) {
        this.info = info;
        this.records = new FhirRecords(settings, auth, rules);
    }

    @Override
    public AdapterInfo info() {
        return info;
    }

    @Override
    public void connect() throws AdapterException {
        timed(records::ping);
        connected = true;
    }

    @Override
    public void disconnect() {
        connected = false;
    }

    @Override
    public AdapterHealth health() {
        AdapterHealth.State state = !connected ? AdapterHealth.State.DOWN
                : lastError == null ? AdapterHealth.State.UP : AdapterHealth.State.DEGRADED;
        return new AdapterHealth(state, connected ? "connected (" + records.describeAuth() + ")" : "not connected",
                lastError, lastLatency, checkedAt);
    }

    @Override
    public Demographics patient(String systemPatientId) throws AdapterException {
        return timed(() -> records.patient(systemPatientId));
    }

    @Override
    public List<Demographics> searchPatients(PatientQuery query) throws AdapterException {
        return timed(() -> records.searchPatients(query));
    }

    @Override
    public List<ObservationValue> observations(String systemPatientId, int limit) throws AdapterException {
        return timed(() -> records.observations(systemPatientId, limit));
    }

    @Override
    public List<ObservationValue> observations(String systemPatientId, ObservationQuery query)
            throws AdapterException {
        return timed(() -> records.observations(systemPatientId, query));
    }

    @Override
    public DeliveryReceipt createObservation(String systemPatientId, ObservationValue observation,
            String idempotencyKey) throws AdapterException {
        return timed(() -> records.createObservation(systemPatientId, observation, idempotencyKey));
    }

    @Override
    public DeliveryReceipt createDiagnosticReport(String systemPatientId, ReportDocument report,
            String idempotencyKey) throws AdapterException {
        return timed(() -> records.createDiagnosticReport(systemPatientId, report, idempotencyKey));
    }

    private interface Work<T> {
        T run() throws AdapterException;
    }

    /** Keeps latency and the last retryable error for {@link #health()}. */
    private <T> T timed(Work<T> work) throws AdapterException {
        long t0 = System.nanoTime();
        try {
            T result = work.run();
            lastError = null;
            return result;
        } catch (AdapterException e) {
            if (e.retryable()) {
                lastError = e.getMessage();
            }
            throw e;
        } catch (RuntimeException e) {
            lastError = e.toString();
            throw new AdapterException("FHIR operation failed: " + e, false, e);
        } finally {
            lastLatency = (System.nanoTime() - t0) / 1_000_000;
            checkedAt = Instant.now();
        }
    }
}
