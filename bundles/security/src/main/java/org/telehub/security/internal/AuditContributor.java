package org.telehub.security.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.telehub.domain.patientdata.Disclosure;
import org.telehub.domain.patientdata.PatientDataContributor;
import org.telehub.domain.patientdata.PatientDataSink;
import org.telehub.persistence.Database;

/**
 * The audit trail's share of a patient's export: every audit row about the patient as a FHIR {@code AuditEvent}
 * (the same form as {@code GET /audit/fhir}): the accounting of disclosures a patient may ask for. In the research
 * export the actor is a pseudonym and the outcome's words (which may name a reason) are free text.
 */
@Component(service = PatientDataContributor.class)
public class AuditContributor implements PatientDataContributor {
    private static final int PAGE = 500;
    private final Jdbi jdbi;

    /** Takes {@link Accounts} so the security schema is migrated first. */
    @Activate
    public AuditContributor(@Reference Database database, @Reference Accounts accounts) {
        this(database.jdbi());
    }

    public AuditContributor(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public String name() {
        return "audit";
    }

    @Override
    public Set<String> tables() {
        return Set.of("audit_event");
    }

    @Override
    public void contribute(String patientId, Disclosure d, PatientDataSink sink) {
        AuditQuery.Filter f = new AuditQuery.Filter(patientId, null, null, null);
        for (int offset = 0;; offset += PAGE) {
            int from = offset;
            List<AuditQuery.Entry> page = jdbi.withHandle(h -> AuditQuery.find(h, f, from, PAGE));
            for (AuditQuery.Entry e : page) {
                AuditQuery.Entry shown = !d.anonymised() ? e : new AuditQuery.Entry(e.seq(), d.instant(e.at()), 0,
                        d.id("user", e.actor()), e.action(), d.id("patient", e.patientId()), e.systems(),
                        d.freeText(e.outcome()));
                Map<String, Object> r = new java.util.LinkedHashMap<>(FhirAuditEvents.event(shown));
                r.put("id", d.id("audit", Long.toString(e.seq())));
                sink.resource(r);
            }
            if (page.size() < PAGE) {
                return;
            }
        }
    }
}
