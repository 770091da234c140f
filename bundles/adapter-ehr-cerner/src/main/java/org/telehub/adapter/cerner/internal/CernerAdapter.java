package org.telehub.adapter.cerner.internal;

import java.net.URI;
import java.time.Duration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.telehub.fhir.FhirAdapters;
import org.telehub.fhir.FhirAuth;
import org.telehub.fhir.FhirEhrAdapter;
import org.telehub.fhir.FhirSettings;
import org.telehub.integration.api.Adapter;

/**
 * Oracle Health Millennium's FHIR R4 API for one tenant: the tenant in the FHIR and the token URL, a system
 * account's secret or a private key, Millennium's patient search minimum. Everything else is the shared FHIR
 * library.
 */
@Component(service = Adapter.class, configurationPid = "org.telehub.adapter.cerner",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = CernerConfig.class, factory = true)
public class CernerAdapter extends FhirEhrAdapter {

    @Activate
    public CernerAdapter(CernerConfig c) {
        super(FhirAdapters.info(c.id(), "Oracle Health", "Millennium FHIR R4", CernerAdapter.class), settings(c),
                auth(c), new CernerRules());
    }

    /** The tenant id: a GUID in practice; letters, digits and '-' are all a URL path segment can take safely. */
    static String tenant(CernerConfig c) {
        String t = c.tenantId() == null ? "" : c.tenantId().trim();
        if (!t.matches("[A-Za-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("tenantId: the Millennium tenant, letters, digits and '-' (got '"
                    + c.tenantId() + "')");
        }
        return t;
    }

    /** {@code <serviceRoot>/<tenant>}. */
    static URI baseUrl(CernerConfig c) {
        String root = FhirAdapters.url(c.serviceRoot(), "serviceRoot").toString().replaceAll("/+$", "");
        return URI.create(root + "/" + tenant(c));
    }

    /** The token URL with {@code {tenant}} replaced. */
    static URI tokenUrl(CernerConfig c) {
        return FhirAdapters.url(c.tokenUrl() == null ? null : c.tokenUrl().replace("{tenant}", tenant(c)),
                "tokenUrl");
    }

    static FhirSettings settings(CernerConfig c) {
        return new FhirSettings(baseUrl(c), FhirAdapters.optional(c.patientIdentifierSystem()),
                c.resultIdentifierSystem(), Duration.ofMillis(c.connectTimeoutMillis()),
                Duration.ofMillis(c.readTimeoutMillis()));
    }

    static FhirAuth auth(CernerConfig c) {
        return FhirAdapters.oauthClient(c.authentication(), c.clientId(), tokenUrl(c), c.clientSecret(),
                c.privateKey(), c.keyId(), c.algorithm(), FhirAdapters.list(c.scopes()),
                Duration.ofMillis(c.readTimeoutMillis()));
    }
}
