package org.telehub.adapter.fhir.internal;

import java.time.Duration;
import java.util.Locale;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.fhir.FhirAdapters;
import org.telehub.fhir.FhirAuth;
import org.telehub.fhir.FhirAuths;
import org.telehub.fhir.FhirEhrAdapter;
import org.telehub.fhir.FhirSettings;
import org.telehub.fhir.SearchRules;
import org.telehub.integration.api.Adapter;

/** Any FHIR R4 server, per {@code etc/org.telehub.adapter.fhir-<name>.cfg}. */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.fhir",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = FhirConfig.class, factory = true)
public class GenericFhirAdapter extends FhirEhrAdapter {

    @Activate
    public GenericFhirAdapter(FhirConfig c) {
        super(FhirAdapters.info(c.id(), c.vendor(), "FHIR R4", GenericFhirAdapter.class), settings(c), auth(c),
                SearchRules.ANY);
    }

    static FhirSettings settings(FhirConfig c) {
        return new FhirSettings(FhirAdapters.url(c.baseUrl(), "baseUrl"),
                FhirAdapters.optional(c.patientIdentifierSystem()), c.resultIdentifierSystem(),
                Duration.ofMillis(c.connectTimeoutMillis()), Duration.ofMillis(c.readTimeoutMillis()));
    }

    static FhirAuth auth(FhirConfig c) {
        return switch (c.authMode().trim().toUpperCase(Locale.ROOT)) {
            case "NONE" -> FhirAuths.none();
            case "BASIC" -> FhirAuths.basic(c.user(), c.password());
            case "BEARER" -> FhirAuths.bearer(c.bearerToken());
            case "SMART" -> FhirAuths.smartBackendServices(c.clientId(), FhirAdapters.url(c.tokenUrl(), "tokenUrl"),
                    c.privateKey(), c.keyId(), c.algorithm(), FhirAdapters.list(c.scopes()),
                    Duration.ofMillis(c.readTimeoutMillis()));
            default -> throw new IllegalArgumentException("authMode: NONE, BASIC, BEARER or SMART (got '"
                    + c.authMode() + "')");
        };
    }
}
