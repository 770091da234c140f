package org.telehub.integration.manager.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.ClinicalRecordSearch;
import org.telehub.integration.api.ObservationQuery;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.records.PatientRecords;
import org.telehub.security.AuditLog;
import org.telehub.security.AuthenticatedUser;

/**
 * {@link PatientRecords} over the manager's call path: the systems the patient is mapped to whose adapter can
 * search observations, asked at once, each inside its bulkhead and timeout.
 */
@Component(service = PatientRecords.class)
public class PatientRecordsImpl implements PatientRecords {
    private final PatientIdentifiers identifiers;
    private final AdapterRegistry registry;
    private final SystemCalls calls;
    private final AuditLog audit;

    @Activate
    public PatientRecordsImpl(@Reference IntegrationSchema schema, @Reference AdapterRegistry registry,
            @Reference SystemCalls calls, @Reference AuditLog audit) {
        this.identifiers = new PatientIdentifiers(schema.jdbi());
        this.registry = registry;
        this.calls = calls;
        this.audit = audit;
    }

    @Override
    public Observations observations(String actor, String purpose, String patientId, ObservationQuery query) {
        List<String> asked = new ArrayList<>();
        List<SystemCalls.Pending<List<ObservationValue>>> pending = new ArrayList<>();
        for (Map.Entry<String, String> id : identifiers.of(patientId).entrySet()) {
            Optional<Adapter> a = registry.get(id.getKey());
            if (a.isPresent() && a.get() instanceof ClinicalRecordSearch ehr) {
                asked.add(id.getKey());
                pending.add(calls.start(a.get(), () -> ehr.observations(id.getValue(), query)));
            }
        }
        List<ObservationValue> values = new ArrayList<>();
        List<String> unavailable = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            SystemCalls.Outcome<List<ObservationValue>> o = pending.get(i).await();
            if (o.ok() && o.value() != null) {
                values.addAll(o.value());
            } else {
                unavailable.add(asked.get(i) + ": " + (o.ok() ? "answered nothing" : o.error()));
            }
        }
        values.sort(Comparator.comparing((ObservationValue v) -> v.effective() == null ? Instant.MIN : v.effective())
                .reversed());
        if (!asked.isEmpty()) {
            audit.record(new AuthenticatedUser(0, actor, actor, Set.of()), "integration.ehr.observations.read",
                    patientId, asked, purpose + ": " + values.size() + " observations"
                            + (unavailable.isEmpty() ? "" : "; unavailable " + unavailable));
        }
        return new Observations(values, unavailable);
    }
}
