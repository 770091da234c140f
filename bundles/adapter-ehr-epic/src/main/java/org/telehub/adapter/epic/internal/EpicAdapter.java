package org.telehub.adapter.epic.internal;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.fhir.FhirAuths;
import org.telehub.fhir.FhirEhrAdapter;
import org.telehub.fhir.FhirSettings;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterException;
import org.telehub.integration.api.AdapterInfo;
import org.telehub.integration.api.ObservationQuery;
import org.telehub.integration.api.ObservationValue;
import org.telehub.integration.api.SystemType;

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
        super(info(c), settings(c), FhirAuths.smartBackendServices(c.clientId(), URI.create(c.tokenUrl().trim()),
                c.privateKey(), c.keyId(), c.algorithm(), Arrays.stream(c.scopes())
                        .flatMap(s -> Arrays.stream(s.split("[,\\s]+"))).filter(s -> !s.isBlank()).toList(),
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

    static AdapterInfo info(EpicConfig c) {
        if (c.id() == null || !c.id().matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("id: 1-64 letters, digits, '.', '_' or '-' (got '" + c.id() + "')");
        }
        var bundle = FrameworkUtil.getBundle(EpicAdapter.class);
        return new AdapterInfo(c.id(), SystemType.EHR, "Epic", "Epic FHIR R4",
                bundle == null ? "dev" : bundle.getVersion().toString());
    }

    static FhirSettings settings(EpicConfig c) {
        if (c.patientIdentifierSystem() == null || c.patientIdentifierSystem().isBlank()) {
            throw new IllegalArgumentException("patientIdentifierSystem (the organisation's MRN system) is required");
        }
        return new FhirSettings(URI.create(c.baseUrl().trim()), c.patientIdentifierSystem().trim(),
                c.resultIdentifierSystem(), Duration.ofMillis(c.connectTimeoutMillis()),
                Duration.ofMillis(c.readTimeoutMillis()));
    }
}
