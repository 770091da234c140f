package org.telehub.adapter.epic.internal;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;

import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.fhir.FhirAuths;
import org.telehub.fhir.FhirEhrAdapter;
import org.telehub.fhir.FhirSettings;
import org.telehub.integration.api.Adapter;
import org.telehub.integration.api.AdapterInfo;
import org.telehub.integration.api.SystemType;

/**
 * Epic's FHIR R4 API for one organisation: always SMART Backend Services, Epic's search minimums, the
 * organisation's MRN system. Everything else is the shared FHIR library.
 */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.epic",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = EpicConfig.class, factory = true)
public class EpicAdapter extends FhirEhrAdapter {

    @Activate
    public EpicAdapter(EpicConfig c) {
        super(info(c), settings(c), FhirAuths.smartBackendServices(c.clientId(), URI.create(c.tokenUrl().trim()),
                c.privateKey(), c.keyId(), c.algorithm(), Arrays.stream(c.scopes())
                        .flatMap(s -> Arrays.stream(s.split("[,\\s]+"))).filter(s -> !s.isBlank()).toList(),
                Duration.ofMillis(c.readTimeoutMillis())), new EpicRules());
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
