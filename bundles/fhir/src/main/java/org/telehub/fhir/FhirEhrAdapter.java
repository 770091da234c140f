package org.telehub.fhir;

import java.util.List;

import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AdapterHealth;
import org.telehub.integration.api.AdapterInfo;
import org.telehub.integration.api.AnalysisRecorder;
import org.telehub.integration.api.AnalysisResult;
import org.telehub.integration.api.ClinicalRecordSearch;
import org.telehub.integration.api.ConditionEntry;
import org.telehub.integration.api.ConditionRecorder;
import org.telehub.integration.api.DeliveryReceipt;
import org.telehub.integration.api.Demographics;
import org.telehub.integration.api.HealthRecorder;
import org.telehub.integration.api.MedicationOrder;
import org.telehub.integration.api.MedicationPrescriber;
import org.telehub.integration.api.ObservationQuery;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.api.PatientQuery;
import org.telehub.integration.api.ReportDocument;

/**
 * An EHR adapter over FHIR R4: the whole of one, given its identity, settings, authorisation and search rules.
 * Vendor bundles register a Declarative Services component that extends this class and only turns their
 * configuration into those four things.
 */
public class FhirEhrAdapter implements Adapter, ClinicalRecordSearch, ConditionRecorder, MedicationPrescriber,
        AnalysisRecorder {
    private final AdapterInfo info;
    private final FhirRecords records;
    private final HealthRecorder health = new HealthRecorder();

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
        health.connected(true);
    }

    @Override
    public void disconnect() {
        health.connected(false);
    }

    @Override
    public AdapterHealth health() {
        return health.health("connected (" + records.describeAuth() + ")");
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

    /** As the vendor's rules say: false for a read-only API, so the hub queues nothing for it. */
    @Override
    public boolean takesResults() {
        return records.takesResults();
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

    @Override
    public List<DeliveryReceipt> recordAnalysis(String systemPatientId, AnalysisResult analysis,
            String idempotencyKey) throws AdapterException {
        return timed(() -> records.recordAnalysis(systemPatientId, analysis, idempotencyKey));
    }

    @Override
    public DeliveryReceipt createCondition(String systemPatientId, ConditionEntry condition, String idempotencyKey)
            throws AdapterException {
        return timed(() -> records.createCondition(systemPatientId, condition, idempotencyKey));
    }

    @Override
    public DeliveryReceipt createMedicationRequest(String systemPatientId, MedicationOrder order,
            String idempotencyKey) throws AdapterException {
        return timed(() -> records.createMedicationRequest(systemPatientId, order, idempotencyKey));
    }

    private <T> T timed(HealthRecorder.Call<T> call) throws AdapterException {
        return health.record("FHIR operation", call);
    }
}
