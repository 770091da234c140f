package org.telehub.adapter.epic.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.fhir.FhirAdapters;
import org.telehub.fhir.FhirAuths;
import org.telehub.fhir.FhirEhrAdapter;
import org.telehub.fhir.FhirSettings;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.ObservationQuery;
import org.telehub.integration.api.ObservationValue;

/**
 * Epic's FHIR R4 API for one organisation: always SMART Backend Services, Epic's search minimums, the
 * organisation's MRN system. Everything else is the shared FHIR library.
 */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.epic",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = EpicConfig.class, factory = true)
public class EpicAdapter extends FhirEhrAdapter {
    private static final List<String> RECENT = List.of("vital-signs", "laboratory");

    @Activate
    public EpicAdapter(EpicConfig c) {
        super(FhirAdapters.info(c.id(), "Epic", "Epic FHIR R4", EpicAdapter.class), settings(c),
                FhirAuths.smartBackendServices(c.clientId(), FhirAdapters.url(c.tokenUrl(), "tokenUrl"),
                        c.privateKey(), c.keyId(), c.algorithm(), FhirAdapters.list(c.scopes()),
                        Duration.ofMillis(c.readTimeoutMillis())), new EpicRules());
    }

    /**
     * Recent observations: Epic searches observations by category only, so the vital signs and the laboratory
     * results are fetched and merged, newest first.
     */
    @Override
    public List<ObservationValue> observations(String systemPatientId, int limit) throws AdapterException {
        List<ObservationValue> all = new ArrayList<>();
        for (String category : RECENT) {
            all.addAll(observations(systemPatientId, new ObservationQuery(category, null, null, null, null, limit)));
        }
        all.sort(Comparator.comparing(ObservationValue::effective, Comparator.nullsLast(Comparator.reverseOrder())));
        return all.size() > limit ? List.copyOf(all.subList(0, limit)) : all;
    }

    static FhirSettings settings(EpicConfig c) {
        if (c.patientIdentifierSystem() == null || c.patientIdentifierSystem().isBlank()) {
            throw new IllegalArgumentException("patientIdentifierSystem (the organisation's MRN system) is required");
        }
        return new FhirSettings(FhirAdapters.url(c.baseUrl(), "baseUrl"), c.patientIdentifierSystem().trim(),
                c.resultIdentifierSystem(), Duration.ofMillis(c.connectTimeoutMillis()),
                Duration.ofMillis(c.readTimeoutMillis()));
    }
}
