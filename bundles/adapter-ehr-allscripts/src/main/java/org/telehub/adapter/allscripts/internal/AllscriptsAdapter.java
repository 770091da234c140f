package org.telehub.adapter.allscripts.internal;

import java.time.Duration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.fhir.FhirAdapters;
import org.telehub.fhir.FhirEhrAdapter;
import org.telehub.fhir.FhirSettings;
import org.telehub.integration.api.Adapter;

/**
 * Veradigm's (Allscripts) FHIR R4 API of one installation, read-only: patients, their search and observations in
 * the patient panel. Everything else is the shared FHIR library.
 */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.allscripts",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = AllscriptsConfig.class, factory = true)
public class AllscriptsAdapter extends FhirEhrAdapter {

    @Activate
    public AllscriptsAdapter(AllscriptsConfig c) {
        super(FhirAdapters.info(c.id(), "Veradigm (Allscripts)", "Veradigm FHIR R4 (read-only)",
                AllscriptsAdapter.class), new FhirSettings(FhirAdapters.url(c.baseUrl(), "baseUrl"),
                        FhirAdapters.optional(c.patientIdentifierSystem()), null,
                        Duration.ofMillis(c.connectTimeoutMillis()), Duration.ofMillis(c.readTimeoutMillis())),
                FhirAdapters.oauthClient(c.authentication(), c.clientId(), FhirAdapters.url(c.tokenUrl(), "tokenUrl"),
                        c.clientSecret(), c.privateKey(), c.keyId(), c.algorithm(), FhirAdapters.list(c.scopes()),
                        Duration.ofMillis(c.readTimeoutMillis())), new AllscriptsRules());
    }
}
