package org.telehub.adapter.athena.internal;

import java.time.Duration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.fhir.FhirAdapters;
import org.telehub.fhir.FhirAuths;
import org.telehub.fhir.FhirEhrAdapter;
import org.telehub.fhir.FhirSettings;
import org.telehub.integration.api.Adapter;

/**
 * athenahealth's athenaOne FHIR R4 API for one practice: 2-legged OAuth with the app's secret, the practice on
 * every call and record. Everything else is the shared FHIR library.
 */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.athena",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = AthenaConfig.class, factory = true)
public class AthenaAdapter extends FhirEhrAdapter {

    @Activate
    public AthenaAdapter(AthenaConfig c) {
        super(FhirAdapters.info(c.id(), "athenahealth", "athenaOne FHIR R4", AthenaAdapter.class), settings(c),
                FhirAuths.clientSecret(c.clientId(), FhirAdapters.url(c.tokenUrl(), "tokenUrl"), c.clientSecret(),
                        FhirAdapters.list(c.scopes()), Duration.ofMillis(c.readTimeoutMillis())),
                new AthenaRules(c.practiceId(), c.writes()));
    }

    static FhirSettings settings(AthenaConfig c) {
        return new FhirSettings(FhirAdapters.url(c.baseUrl(), "baseUrl"),
                FhirAdapters.optional(c.patientIdentifierSystem()), c.resultIdentifierSystem(),
                Duration.ofMillis(c.connectTimeoutMillis()), Duration.ofMillis(c.readTimeoutMillis()));
    }
}
